"""A project written on a case-insensitive file system: ``main.py`` says ``from layer import Layer`` beside
``Layer.py`` (it worked where it was written). The import links the files into one project, the sandbox resolves
it to ``Layer.py`` with a note, and the project gets a verdict; a classmate's file imported up to case still never
regroups a class folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gradcheck.audit.submissions import discover

LAYER = """
import numpy as np


class Layer:
    def __init__(self, n_in, n_out, activation):
        self.activation = activation
        self.W = np.random.randn(n_in, n_out) * 0.5
        self.b = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        z = x @ self.W + self.b
        self.out = np.tanh(z) if self.activation == "tanh" else z
        return self.out

    def backward(self, grad):
        if self.activation == "tanh":
            grad = grad * {DERIV}
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T
"""

SOFTMAX = """
import numpy as np


class Softmax:
    def forward(self, z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
"""

LOSS = """
import numpy as np


class Loss:
    def value(self, p, y):
        return -np.sum(y * np.log(p)) / len(y)

    def grad(self, p, y):
        return (p - y) / len(y)
"""

MAIN = """
import numpy as np

from layer import Layer
from softmax import Softmax
from loss import Loss


class Network:
    def __init__(self, sizes):
        self.layers = [Layer(a, b, "tanh") for a, b in zip(sizes[:-2], sizes[1:-1])]
        self.layers.append(Layer(sizes[-2], sizes[-1], "linear"))
        self.softmax = Softmax()
        self.loss = Loss()

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        self.p = self.softmax.forward(x)
        return self.p

    def backward(self, y):
        grad = self.loss.grad(self.p, y)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)


if __name__ == "__main__":
    net = Network([4, 8, 3])
    X = np.random.randn(20, 4)
    Y = np.eye(3)[np.random.randint(0, 3, 20)]
    net.forward(X)
    net.backward(Y)
"""


def _project(folder: Path, deriv: str) -> Path:
    folder.mkdir(parents=True)
    for name, text in {
        "Layer.py": LAYER.replace("{DERIV}", deriv),
        "softmax.py": SOFTMAX,
        "Loss.py": LOSS,
        "main.py": MAIN,
    }.items():
        (folder / name).write_text(textwrap.dedent(text))
    return folder


def test_an_import_matching_a_file_up_to_case_links_the_project(tmp_path):
    folder = _project(tmp_path / "cased", "(1 - self.out**2)")
    assert discover([folder]) == [folder]


def test_the_case_mismatched_project_gets_a_verdict(tmp_path, audit_json):
    right = _project(tmp_path / "right", "(1 - self.out**2)")
    wrong = _project(tmp_path / "wrong", "(1 - self.out)")  # tanh' taken as 1 - tanh
    got = audit_json([right, wrong], tmp_path / "out")
    assert set(got) == {"right", "wrong"}
    assert got["right"]["status"] == "pass", got["right"].get("error")
    assert got["wrong"]["status"] == "fail", got["wrong"].get("error")
    assert got["wrong"]["diagnoses"][0]["code"] == "localized"
    for result in got.values():
        said = " ".join(result["notes"])
        assert "it matched Layer.py only up to letter case" in said
        assert "it matched Loss.py only up to letter case" in said
        assert "No module named" not in said


def test_a_classmate_imported_up_to_case_does_not_regroup_a_class_folder(tmp_path):
    """``alice.py`` saying ``import Bob`` beside ``bob.py`` and ``carol.py`` (no import links carol): each file
    stays its own submission, as with ``import bob``."""
    net = "import numpy as np\n\n\ndef forward(x, W):\n    return x @ W\n\n\ndef backward(x, g):\n    return x.T @ g\n"
    (tmp_path / "alice.py").write_text("import Bob\n" + net)
    (tmp_path / "bob.py").write_text(net)
    (tmp_path / "carol.py").write_text(net)
    assert discover([tmp_path]) == [tmp_path / "alice.py", tmp_path / "bob.py", tmp_path / "carol.py"]


def test_two_files_matching_one_import_up_to_case_link_nothing(tmp_path):
    """``import layer`` beside ``Layer.py`` and ``LAYER.py``: no one file is meant, nothing is linked."""
    (tmp_path / "main.py").write_text("from layer import Layer\n\n\ndef train():\n    return Layer()\n")
    (tmp_path / "Layer.py").write_text("class Layer:\n    pass\n")
    (tmp_path / "LAYER.py").write_text("class Layer2:\n    pass\n")
    assert discover([tmp_path]) == sorted([tmp_path / "LAYER.py", tmp_path / "Layer.py", tmp_path / "main.py"])
