"""A file whose network lives in modules it cannot import: an error naming them, not an empty list of classes."""

from __future__ import annotations

from gradcheck.audit import frameworks

SCRIPT = """
import numpy as np
from minitorch.layers import Linear
from minitorch.nets import Sequential

net = Sequential([Linear(4, 3), Linear(3, 2)])
x = np.random.randn(5, 4)
print(net.forward(x))
"""


def test_the_modules_a_failed_import_names():
    notes = [
        "line 3: statement raised ModuleNotFoundError: No module named 'minitorch' while loading; skipped",
        "line 4: statement raised ModuleNotFoundError: No module named 'minitorch.nets' while loading; skipped",
        "matplotlib is not installed: a no-op stand-in was used",
    ]
    assert frameworks.modules_missing(notes) == ["minitorch"]
    assert "imports minitorch" in frameworks.missing_modules_message(["minitorch"])


def test_a_script_of_an_absent_package_is_an_error_naming_it(tmp_path, audit_json):
    (tmp_path / "demo.py").write_text(SCRIPT)
    found = audit_json([tmp_path / "demo.py"], tmp_path / "out")["demo.py"]
    assert found["status"] == "error", found["status"]
    assert "imports minitorch" in found["error"] and "project folder" in found["error"], found["error"]


HELPER_USER = """
import numpy as np
from planar_utils import sigmoid, load_planar_dataset


def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(2)
    return {"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}


def forward_propagation(X, parameters):
    A1 = np.tanh(parameters["W1"] @ X + parameters["b1"])
    return sigmoid(parameters["W2"] @ A1 + parameters["b2"]), A1


def backward_propagation(parameters, A1, A2, X, Y):
    m = X.shape[1]
    dZ2 = A2 - Y
    dZ1 = parameters["W2"].T @ dZ2 * (1 - A1 ** 2)
    return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m}
"""


def test_a_name_from_a_missing_helper_module_is_blamed_on_the_module(tmp_path, audit_json):
    # the course's planar_utils is not in the upload: the NameError for sigmoid names where sigmoid was to come from
    (tmp_path / "planar.py").write_text(HELPER_USER)
    found = audit_json([tmp_path / "planar.py"], tmp_path / "out")["planar.py"]
    assert found["status"] == "error", found["status"]
    assert found["error"].startswith("the code imports sigmoid from planar_utils, which is neither"), found["error"]
    assert "NameError: name 'sigmoid' is not defined" in found["error"]
