"""One student's Gradescope upload, graded end to end through ``run_autograder``: every uploaded
file is judged, the score is the lowest file's (a buggy file is never hidden by a correct one), the
spec can name the one file graded, and students read their own words, never the grader's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_gradescope import GRADER_WORDS, _autograder, _run, student_text

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORRECT = HERE / "submissions" / "verdicts" / "functions_correct.py"  # 2-4-1 tanh|sigmoid, BCE
BUGGY = REPO / "examples" / "submissions" / "inplace_tanh_bug.py"  # derivative_at_activation in W1, b1

SPEC = """\
[loss]
name = "bce"
[points]
gradient = 4
"""
HELPER = "import numpy as np\n\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
MODEL = """\
import numpy as np


class Net:
    def __init__(self, n_in=3, n_hidden=4, n_out=2):
        rng = np.random.default_rng(0)
        self.W1 = rng.standard_normal((n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.standard_normal((n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X @ self.W1 + self.b1)
        self.out = self.h @ self.W2 + self.b2
        return self.out

    def backward(self, y):
        d2 = 2 * (self.out - y) / y.size
        self.dW2, self.db2 = self.h.T @ d2, d2.sum(axis=0)
        d1 = d2 @ self.W2.T * (1 - self.h**2)
        self.dW1, self.db1 = self.X.T @ d1, d1.sum(axis=0)
"""
TRAIN = "from model import Net\nimport numpy as np\n\nnet = Net(3, 4, 2)\n"


def _upload(tmp_path: Path, files: dict[str, str | Path], spec: str = SPEC):
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(spec)
    root = _autograder(tmp_path, spec_file)
    for name, content in files.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content)
    return root


@pytest.mark.parametrize(("correct", "buggy"), [("a_mlp.py", "b_old.py"), ("b_mlp.py", "a_old.py")])
def test_a_buggy_file_is_never_hidden_by_a_correct_one(tmp_path, correct, buggy):
    root = _upload(tmp_path, {correct: CORRECT, buggy: BUGGY, "notes.txt": "my notes"})
    doc, stdout = _run(root, stdout=True)
    assert doc["score"] == 2.0  # the buggy file's: W2 and b2 right, W1 and b1 wrong, out of 4
    rule = doc["tests"][0]["output"]
    assert f"{correct} 4/4" in rule and f"{buggy} 2/4" in rule and "lowest" in rule
    assert "notes.txt (not a .py or .ipynb file)" in doc["output"]
    assert "derivative_at_activation" in student_text(doc)
    # the instructor's view (autograder output): paths, notes and the command that reproduces it
    assert "reproduce: python -m gradcheck audit" in stdout and "--spec" in stdout
    assert str(root / "submission") in stdout


def test_a_helper_module_without_a_network_is_reported_not_counted(tmp_path):
    root = _upload(tmp_path, {"mlp.py": CORRECT, "utils.py": HELPER})
    doc = _run(root)
    assert doc["score"] == 4.0
    assert "could run from them alone): utils.py." in doc["tests"][0]["output"]


def test_modules_of_one_upload_import_each_other_and_folders_are_graded(tmp_path):
    root = _upload(
        tmp_path, {"hw/model.py": MODEL, "hw/train.py": TRAIN, "hw/__init__.py": ""}, '[loss]\nname = "mse"\n'
    )
    doc = _run(root)
    names = {t["name"].split(": ")[0] for t in doc["tests"][1:]}
    assert names == {"hw/model.py", "hw/train.py"}  # both judged, each with its folder
    assert doc["score"] == 1.0, doc["output"]
    assert "hw/__init__.py" in doc["output"]  # not graded, and said so


def test_the_spec_names_the_file_that_is_graded(tmp_path):
    spec = SPEC + '[entry]\nfile = "mlp.py"\n'
    root = _upload(tmp_path, {"mlp.py": CORRECT, "scratch.py": BUGGY}, spec)
    doc = _run(root)
    assert doc["score"] == 4.0
    assert [t["name"] for t in doc["tests"]] == ["Gradient of W1", "Gradient of b1", "Gradient of W2", "Gradient of b2"]
    assert "scratch.py (not graded: the assignment grades mlp.py)" in doc["output"]


def test_the_file_the_spec_names_is_missing(tmp_path):
    spec = SPEC + '[entry]\nfile = "mlp.py"\n'
    root = _upload(tmp_path, {"my_mlp.py": CORRECT}, spec)
    doc = _run(root)
    assert doc["score"] == 0
    assert "Your upload has no file named mlp.py" in doc["output"] and "my_mlp.py" in doc["output"]
    assert doc["tests"][0]["max_score"] == 4.0


BROKEN = {
    "no_network.py": "print('hello')\n",  # nothing to grade: a student-facing "no network" message
    "crash.py": "import numpy as np\n\n\nclass Net:\n    def __init__(self):\n        self.W1 = np.ones((2, 4))\n"
    "        self.b1 = np.zeros(4)\n        self.W2 = np.ones((4, 1))\n        self.b2 = np.zeros(1)\n\n"
    "    def forward(self, X):\n        return undefined_name + X\n\n    def backward(self, X, y):\n"
    "        return {}\n",
    "no_grads.py": "import numpy as np\n\n\nclass Net:\n    def __init__(self):\n        self.W1 = np.ones((2, 1))\n"
    "        self.b1 = np.zeros(1)\n\n    def forward(self, X):\n        return X @ self.W1 + self.b1\n\n"
    "    def backward(self, X, y):\n        pass\n",
    "toplevel.py": "import numpy as np\nW1 = np.ones((2, 1))\nfor i in range(3):\n    W1 -= 0.1\nprint(W1)\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_students_never_read_the_graders_words(tmp_path, name):
    root = _upload(tmp_path, {name: BROKEN[name]})
    doc, stdout = _run(root, stdout=True)  # the schema check asserts the student-facing words
    text = student_text(doc)
    for word in GRADER_WORDS:
        assert word not in text
    assert name in text and doc["score"] == 0
    assert "spec" in stdout or "reproduce:" in stdout  # the instructor keeps the full detail
