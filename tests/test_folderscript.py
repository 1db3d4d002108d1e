"""A project folder whose network is one top-level training script beside helper modules."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from gradcheck.audit import folderscript, scriptdata

SCRIPT = """
import numpy as np
from helpers import act, act_grad
X = np.ones((4, 2))
y = np.zeros((4, 1))
W1 = np.ones((2, 3))
W2 = np.ones((3, 1))
for _ in range(3):
    h = act(X @ W1)
    out = h @ W2
    dW2 = h.T @ (out - y)
    dW1 = X.T @ ((out - y) @ W2.T * act_grad(h))
    W1 -= 0.1 * dW1
    W2 -= 0.1 * dW2
"""
HELPERS = "import numpy as np\ndef act(z):\n    return np.tanh(z)\ndef act_grad(h):\n    return 1 - h * h\n"


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def test_the_one_training_script_of_a_folder_is_chosen(tmp_path):
    folder = _folder(tmp_path, {"train.py": SCRIPT, "helpers.py": HELPERS})
    notes: list[str] = []
    path, spec = folderscript.training_script(folder, {}, notes)
    assert path.name == "train.py"
    assert spec["params"] == ["W1", "W2"] and spec["grads"] == ["dW1", "dW2"]
    assert any("training script train.py" in n for n in notes)


def test_two_scripts_or_a_model_class_leave_the_folder_to_its_adapters(tmp_path):
    for sub in ("two", "model", "named"):
        (tmp_path / sub).mkdir()
    two = _folder(tmp_path / "two", {"a.py": SCRIPT, "b.py": SCRIPT})
    assert folderscript.training_script(two, {}, []) is None
    model = "class Net:\n    def backward(self, x, y):\n        return x\n"
    with_model = _folder(tmp_path / "model", {"train.py": SCRIPT, "net.py": model})
    assert folderscript.training_script(with_model, {}, []) is None
    named = _folder(tmp_path / "named", {"train.py": SCRIPT})
    assert folderscript.training_script(named, {"grads": ["dW1"]}, []) is None  # the spec says


def test_script_data_found_by_what_the_code_does_with_it():
    tree = ast.parse("z = points @ W1 + b1\nh = np.dot(W1, cols)\nd = p - inside\ne = p - p\n")
    assert sorted(scriptdata._multiplying(tree.body, "W1")) == ["cols", "points"]
    assert scriptdata._multiplying(tree.body, None) == []
    assert scriptdata._compared_with(tree.body, "p") == ["inside"]


def test_a_method_that_makes_layers_is_a_builder(tmp_path):
    import importlib.util

    from gradcheck.audit.adapters import assembly

    src = textwrap.dedent(
        """
        class Dense:
            def forward(self, x):
                return x
            def backward(self, g):
                return g
        class Net:
            def __init__(self):
                self.layers = []
            def config(self, sizes):
                for a, b in zip(sizes, sizes[1:]):
                    self.layers.append(Dense())
            def predict(self, x):
                return x
        """
    )
    (tmp_path / "buildernet.py").write_text(src)  # a file, so its methods' source can be read
    spec = importlib.util.spec_from_file_location("buildernet", tmp_path / "buildernet.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert assembly.layer_builders([mod.Net], {"Dense"}) == {"config"}
    body = ast.parse("net = Net()\nnet.config((2, 3, 1))\n").body
    assert assembly.assembles(body, {"Dense"}, {"config"})
    assert not assembly.assembles(body, {"Dense"})
