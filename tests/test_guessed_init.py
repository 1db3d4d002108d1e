"""An initializer's arguments named like data but used as counts (``initialize_weights(input, hidden, output)``)
are sizes; an initializer that fails on the audit's guess at its arguments is reported as that guess failing
(ConstructorArguments, with the key to set), never as the student's error."""

import importlib.util
import textwrap

from gradcheck.audit.adapters.argroles import a_count

_NET = """
import numpy as np


{init}


def forward(X, w):
    return 1 / (1 + np.exp(-(np.tanh(X @ w["W1"] + w["b1"]) @ w["W2"] + w["b2"])))


def bce(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def backward(X, y, w):
    h = np.tanh(X @ w["W1"] + w["b1"])
    p = 1 / (1 + np.exp(-(h @ w["W2"] + w["b2"])))
    d2 = (p - y) / len(X)
    d1 = d2 @ w["W2"].T * (1 - h**2)
    return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": h.T @ d2, "b2": d2.sum(0)}
"""

_COUNTS = """def initialize_weights(input, output, seed=1):
    rng = np.random.default_rng(seed)
    n_in = input
    return {"W1": rng.normal(0, 1 / np.sqrt(n_in), (n_in, 4)), "b1": np.zeros(4),
            "W2": rng.normal(size=(4, output)), "b2": np.zeros(output)}"""

#: The sizes go through a list first: nothing reads them as counts, and the data arrays the audit passes fail.
_LISTED = """def initialize_weights(input, output, seed=1):
    rng = np.random.default_rng(seed)
    layers = [input, 4, output]
    w = {}
    for i in range(2):
        w[f"W{i + 1}"] = rng.normal(size=(layers[i], layers[i + 1]))
        w[f"b{i + 1}"] = np.zeros(layers[i + 1])
    return w"""


def _load(path, src: str):
    path.write_text("import numpy as np\n\n\n" + src)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_an_argument_used_only_as_a_count_is_a_count(tmp_path):
    mod = _load(tmp_path / "init_counts.py", _COUNTS)
    assert a_count(mod.initialize_weights, "input") and a_count(mod.initialize_weights, "output")


def test_an_argument_read_as_an_array_is_no_count(tmp_path):
    path = tmp_path / "init.py"
    path.write_text("import numpy as np\n\n\ndef init(input, hidden):\n    return np.zeros((input.shape[1], hidden))\n")
    import importlib.util

    spec = importlib.util.spec_from_file_location("init_array", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert not a_count(mod.init, "input")


def test_sizes_named_like_data_are_audited(tmp_path, audit_json):
    (tmp_path / "hw.py").write_text(textwrap.dedent(_NET.replace("{init}", _COUNTS)))
    s = audit_json([tmp_path / "hw.py"], tmp_path / "out")["hw.py"]
    assert s["status"] == "pass", s["error"]
    assert any("initialize_weights called with inferred arguments [3, 1" in n for n in s["notes"]), s["notes"]


def test_an_initializer_failing_on_the_guess_says_it_is_the_guess(tmp_path, audit_json):
    (tmp_path / "hw.py").write_text(textwrap.dedent(_NET.replace("{init}", _LISTED)))
    s = audit_json([tmp_path / "hw.py"], tmp_path / "out")["hw.py"]
    assert s["status"] == "error"
    assert s["error"].startswith("ConstructorArguments: initialize_weights(<array"), s["error"]
    assert "the audit's guess failing, not a verdict on the code" in s["error"]
    assert "[entry] init_args" in s["error"]


_HIDDEN_LIST = """
import numpy as np


class Linear:
    def __init__(self, n_in, n_out):
        self.params = {"weight": np.random.normal(0, 0.1, (n_out, n_in)), "bias": np.zeros((n_out, 1))}

    def forward(self, x):
        self.x = x
        return x @ self.params["weight"].T + self.params["bias"].T

    def backward(self, dout):
        self.grads = {"weight": dout.T @ self.x, "bias": dout.sum(axis=0)[:, None]}
        return dout @ self.params["weight"]


class MLP:
    def __init__(self, n_inputs, n_hidden, n_classes):
        self.layers = [Linear(n_inputs, n_hidden[0]), Linear(n_hidden[0], n_classes)]
        self.missing = {MISSING}

    def forward(self, x):
        return self.layers[1].forward(np.tanh(self.layers[0].forward(x)))

    def backward(self, dout):
        d = self.layers[1].backward(dout)
        self.layers[0].backward(d * (1 - np.tanh(self.layers[0].x @ self.layers[0].params["weight"].T
                                                 + self.layers[0].params["bias"].T) ** 2))


def mse(out, y):
    return np.mean((out - y) ** 2)


def mse_grad(out, y):
    return 2 * (out - y) / out.size
"""


def test_a_width_indexed_as_a_list_is_given_a_list(tmp_path, audit_json):
    (tmp_path / "hw.py").write_text(_HIDDEN_LIST.replace("{MISSING}", "0.0"))
    s = audit_json([tmp_path / "hw.py"], tmp_path / "out")["hw.py"]
    assert s["status"] == "pass", s["error"]


def test_a_numpy_name_removed_in_numpy_2_is_the_codes_error_not_the_guess(tmp_path, audit_json):
    (tmp_path / "hw.py").write_text(_HIDDEN_LIST.replace("{MISSING}", "np.NaN"))
    s = audit_json([tmp_path / "hw.py"], tmp_path / "out")["hw.py"]
    assert s["status"] == "error"
    assert "NumPy 2.0" in s["error"] and "ConstructorArguments" not in s["error"], s["error"]
