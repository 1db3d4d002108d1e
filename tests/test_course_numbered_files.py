"""A course folder of one function per numbered file (``1-initialize_parameters.py`` ...
``6-nn_model.py``), each ending in calls of the course's test helpers and none importing numpy: the files
are one submission, one notebook's cells saved apart, sharing one namespace with ``np`` given, and the entry
is found across them (it was ``LoneBackward``: the folder's one "training script", the backward's file, was
audited alone once its body failed to run as a script)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gradcheck.audit.submissions import discover

FILES = {
    "act_utils.py": """
        def sigmoid(z):
            return 1.0 / (1.0 + np.exp(-z))
    """,
    "testCases_v2.py": """
        import numpy as np


        def forward_case():
            rng = np.random.RandomState(1)
            X = rng.randn(2, 4)
            p = {"W1": rng.randn(3, 2), "b1": rng.randn(3, 1), "W2": rng.randn(1, 3), "b2": rng.randn(1, 1)}
            return X, p
    """,
    "public_tests.py": """
        import numpy as np


        def forward_check(fn):
            A, _ = fn(np.ones((2, 4)), {"W1": np.ones((3, 2)), "b1": np.zeros((3, 1)), "W2": np.ones((1, 3)),
                                        "b2": np.zeros((1, 1))})
            assert A.shape == (1, 4)
    """,
    "1-initialize_parameters.py": """
        def initialize_parameters(n_x, n_h, n_y):
            return {"W1": np.random.randn(n_h, n_x) * 0.1, "b1": np.zeros((n_h, 1)),
                    "W2": np.random.randn(n_y, n_h) * 0.1, "b2": np.zeros((n_y, 1))}


        print(initialize_parameters(2, 3, 1)["W1"])
    """,
    "2-forward_propagation.py": """
        def forward_propagation(X, parameters):
            Z1 = parameters["W1"] @ X + parameters["b1"]
            A1 = np.tanh(Z1)
            Z2 = parameters["W2"] @ A1 + parameters["b2"]
            A2 = sigmoid(Z2)
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


        t_X, t_p = forward_case()
        A2, cache = forward_propagation(t_X, t_p)
        forward_check(forward_propagation)
    """,
    "3-compute_cost.py": """
        def compute_cost(A2, Y):
            m = Y.shape[1]
            return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)
    """,
    "4-backward_propagation.py": """
        def backward_propagation(parameters, cache, X, Y):
            m = X.shape[1]
            W2 = parameters["W2"]
            A1, A2 = cache["A1"], cache["A2"]
            dZ2 = {DZ2}
            dW2 = dZ2 @ A1.T / m
            db2 = np.sum(dZ2, axis=1, keepdims=True) / m
            dZ1 = (W2.T @ dZ2) * (1 - A1**2)
            dW1 = dZ1 @ X.T / m
            db1 = np.sum(dZ1, axis=1, keepdims=True) / m
            return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


        t_X, t_p = forward_case()
        _, t_cache = forward_propagation(t_X, t_p)
        grads = backward_propagation(t_p, t_cache, t_X, np.array([[1.0, 0.0, 1.0, 0.0]]))
        print(grads["dW1"])
    """,
    "5-update_parameters.py": """
        def update_parameters(parameters, grads, learning_rate=1.2):
            return {k: parameters[k] - learning_rate * grads["d" + k] for k in ("W1", "b1", "W2", "b2")}
    """,
    "6-nn_model.py": """
        def nn_model(X, Y, n_h, num_iterations=1000):
            parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])
            for i in range(num_iterations):
                A2, cache = forward_propagation(X, parameters)
                cost = compute_cost(A2, Y)
                grads = backward_propagation(parameters, cache, X, Y)
                parameters = update_parameters(parameters, grads)
            return parameters
    """,
}


def _course(folder: Path, dz2: str, numpy_in_helpers: bool = False) -> Path:
    """The course folder; ``numpy_in_helpers``: its helper file imports numpy (as ``planar_utils.py`` does), else
    no file of the student's imports it (the notebook's first cell did)."""
    folder.mkdir(parents=True)
    for name, text in FILES.items():
        text = textwrap.dedent(text).replace("{DZ2}", dz2)
        if name == "act_utils.py" and numpy_in_helpers:
            text = "import numpy as np\n\n" + text
        (folder / name).write_text(text)
    return folder


def test_the_numbered_files_are_one_submission(tmp_path):
    folder = _course(tmp_path / "course", "A2 - Y")
    assert discover([folder]) == [folder]


@pytest.mark.parametrize("numpy_in_helpers", [True, False])
def test_numbered_course_files_audit_as_one_namespace(tmp_path, audit_json, numpy_in_helpers):
    right = _course(tmp_path / "right", "A2 - Y", numpy_in_helpers)
    wrong = _course(tmp_path / "wrong", "Y - A2", numpy_in_helpers)
    got = audit_json([right, wrong], tmp_path / "out")
    assert got["right"]["status"] == "pass", got["right"].get("error")
    assert got["wrong"]["status"] == "fail", got["wrong"].get("error")
    assert got["wrong"]["diagnoses"][0]["code"] == "sign_flip"
    for result in got.values():
        said = " ".join(result["notes"])
        assert "saved apart, sharing one namespace" in said
        assert ("numpy given as np" in said) is not numpy_in_helpers
        assert {t["name"] for t in result["tensors"]} == {"W1", "b1", "W2", "b2"}
