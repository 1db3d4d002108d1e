"""Source saved with a UTF-8 byte-order mark (as Windows editors save it) is read as Python reads it (it was
"SyntaxError" in every parse of the audit's own, so a helper module's functions went missing); a name the code
binds nowhere (numpy never imported) raised in the initializer is the code's NameError, not "the audit's guess
of the constructor arguments failing" with a hint to set [entry] init_args."""

from __future__ import annotations

import ast

from gradcheck.audit import untrusted

HELPERS = """import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_grad(a):
    return a * (1 - a)
"""

MODEL = """import numpy as np
from helpers import sigmoid, sigmoid_grad


def init_params(n_x, n_h, n_y):
    rng = np.random.default_rng(1)
    return {"W1": rng.normal(size=(n_h, n_x)), "b1": np.zeros((n_h, 1)),
            "W2": rng.normal(size=(n_y, n_h)), "b2": np.zeros((n_y, 1))}


def forward(X, params):
    A1 = np.tanh(params["W1"] @ X + params["b1"])
    A2 = sigmoid(params["W2"] @ A1 + params["b2"])
    return A2, (A1, A2)


def compute_cost(A2, Y):
    return float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))


def backward(params, cache, X, Y):
    m = X.shape[1]
    A1, A2 = cache
    dZ2 = A2 - Y
    dZ1 = (params["W2"].T @ dZ2) * (1 - A1 ** 2)
    return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m, "db2": SIGN dZ2.sum(axis=1, keepdims=True) / m}
"""


def test_a_file_with_a_byte_order_mark_is_parsed(tmp_path):
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbf" + HELPERS.encode())
    text = untrusted.read_text(path)
    assert text is not None and ast.parse(text).body[0].names[0].name == "numpy"


def test_a_project_whose_helpers_have_a_byte_order_mark_is_audited(audit_json, tmp_path):
    for name, sign in (("bom_right", ""), ("bom_sign_bug", "-")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "helpers.py").write_bytes(b"\xef\xbb\xbf" + HELPERS.encode())
        (folder / "model.py").write_bytes(b"\xef\xbb\xbf" + MODEL.replace("SIGN ", sign).encode())
    got = audit_json([tmp_path / "bom_right", tmp_path / "bom_sign_bug"], tmp_path / "out")
    assert got["bom_right"]["status"] == "pass", got["bom_right"].get("error")
    bad = got["bom_sign_bug"]
    assert bad["status"] == "fail" and [t["name"] for t in bad["tensors"] if t["status"] == "fail"] == ["b2"]


def test_numpy_never_imported_is_the_codes_error_not_the_constructor_guess(audit_json, tmp_path):
    path = tmp_path / "no_numpy_import.py"
    path.write_text(
        MODEL.replace("import numpy as np\nfrom helpers import sigmoid, sigmoid_grad\n", "").replace("SIGN ", "")
        + "\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
    )
    s = audit_json([path], tmp_path / "out")[path.name]
    assert s["status"] == "error"
    assert "NameError" in s["error"] and "'np'" in s["error"]
    assert "init_args" not in s["error"] and "audit's guess" not in s["error"]


def test_a_network_file_python_cannot_parse_leads_the_error(audit_json, tmp_path):
    """The network's file has an indentation error and only the helpers load: the error leads with the file
    and line that cannot be parsed, a defect no spec setting repairs (it was "set [entry] class or [entry]
    function", the parse error after it)."""
    folder = tmp_path / "unparsed_project"
    folder.mkdir()
    (folder / "helpers.py").write_text(HELPERS)
    broken = MODEL.replace("SIGN ", "").replace("    m = X.shape[1]\n", "      m = X.shape[1]\n")
    (folder / "model.py").write_text(broken)
    s = audit_json([folder], tmp_path / "out")["unparsed_project"]
    assert s["status"] == "error"
    assert s["error"].startswith("SyntaxError: code that could not be parsed: model.py: IndentationError")
    assert "no spec setting repairs" in s["error"] and "set [entry]" not in s["error"]
