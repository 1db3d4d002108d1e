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


LAYERS = """
import numpy as np

class Dense:
    def __init__(self, n_in, n_out, seed):
        rng = np.random.default_rng(seed)
        self.weights = rng.normal(size=(n_in, n_out))
        self.bias = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.weights + self.bias

    def backward(self, grad):
        self.weights_grad = self.x.T @ grad
        self.bias_grad = grad.sum(axis=0)
        return grad @ self.weights.T

class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad):
        return grad * (1 - self.out ** 2)
"""
NETWORK = """
import numpy as np
from layers import Dense, Tanh

class Momentum:
    def __init__(self, rate=0.1, beta=0.9):
        self.rate, self.beta, self.speed = rate, beta, {}

    def update(self, params, grads):
        for p, g in zip(params, grads):
            v = self.beta * self.speed.get(id(p), 0) - self.rate * g
            self.speed[id(p)] = v
            p += v

class Regressor:
    def __init__(self, sizes=(3, 4, 2), seed=0):
        self.layers = [Dense(sizes[0], sizes[1], seed), Tanh(), Dense(sizes[1], sizes[2], seed + 1)]
        self.optimizer = Momentum()

    def forward(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def loss(self, y, out):
        return np.mean((out - y) ** 2)

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        params = [a for d in dense for a in (d.weights, d.bias)]
        self.optimizer.update(params, [g for d in dense for g in (d.weights_grad, d.bias_grad)])

    def train_step(self, X, y):
        out = self.forward(X)
        value = self.loss(y, out)
        self.backward(2 * (out - y) / out.size)
        return value
"""


def _coursework_audit(tmp_path: Path, spec_text: str | None) -> dict:
    """The layer-object folder above, audited in-process (one job), its one submission's JSON."""
    import contextlib
    import io
    import json

    from gradcheck.cli import main

    folder = tmp_path / "coursework"
    folder.mkdir()
    _folder(folder, {"layers.py": LAYERS, "network.py": NETWORK})
    argv = ["audit", str(folder), "--format", "json", "--jobs", "1", "--output", str(tmp_path / "out")]
    if spec_text is not None:
        (tmp_path / "spec.toml").write_text(spec_text)
        argv += ["--spec", str(tmp_path / "spec.toml")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(argv)
    (s,) = json.loads(out.getvalue())["submissions"]
    return s


COURSEWORK_GRADS = [f"layers[{i}].{k}" for i in (0, 2) for k in ("weights_grad", "bias_grad")]
COURSEWORK_PARAMS = [f"layers[{i}].{k}" for i in (0, 2) for k in ("weights", "bias")]


def test_a_folders_grads_alone_are_its_models_arrays(tmp_path):
    """``[network] grads`` alone on a folder: the model's stored arrays, read after the method that sets them
    (train_step here: backward needs the loss gradient); before, script mode looked for a file at the folder."""
    import json

    from gradcheck.audit import scriptplan

    assert not scriptplan.wants_script("auto", {"grads": COURSEWORK_GRADS}, tmp_path)
    assert scriptplan.wants_script("auto", {"grads": COURSEWORK_GRADS}, Path(__file__))
    s = _coursework_audit(tmp_path, f"[network]\ngrads = {json.dumps(COURSEWORK_GRADS)}\n")
    assert s["status"] == "pass", (s["error"], s["notes"])
    assert [t["name"] for t in s["tensors"]] == COURSEWORK_PARAMS


def test_gradients_stored_beside_a_stateful_step_are_read_with_no_spec(tmp_path):
    """``weights_grad``/``bias_grad`` kept by each layer while a momentum optimizer steps the weights: the step is
    no gradient, the stored arrays are (before: an error asking to store the gradient, which the code does)."""
    s = _coursework_audit(tmp_path, None)
    assert s["status"] == "pass", (s["error"], s["notes"])
    assert [t["name"] for t in s["tensors"]] == COURSEWORK_PARAMS
    assert any("the gradients it stored are used" in n and "weights_grad" in n for n in s["notes"]), s["notes"]


def test_a_folders_grads_alone_naming_its_script_variables_audit_that_script(tmp_path):
    folder = _folder(tmp_path, {"train.py": SCRIPT, "helpers.py": HELPERS})
    notes: list[str] = []
    from gradcheck.audit import scriptplan

    path, spec = scriptplan.auto_spec(folder, {"grads": ["dW1", "dW2"]}, notes)
    assert path.name == "train.py" and spec == {"grads": ["dW1", "dW2"]}
    assert any("[network] grads name variables of train.py" in n for n in notes), notes


def test_script_mode_on_a_folder_names_the_key(tmp_path):
    import pytest

    from gradcheck.audit import scriptplan
    from gradcheck.audit.loader import AuditError

    with pytest.raises(AuditError, match=r'\[entry\] mode = "script" runs one file'):
        scriptplan.prepared(tmp_path, {}, [])
