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
