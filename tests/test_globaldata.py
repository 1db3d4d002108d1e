"""Data a module function reads as a global, and an initializer known by the dict of weights it returns."""

from __future__ import annotations

import importlib.util

import numpy as np

from gradcheck.audit.adapters import globaldata
from gradcheck.audit.adapters.shapes.functions import init_function

SOURCE = """
import numpy as np

def backward(X, params, acts):
    return (acts - y) @ X.T / y.shape[1]

def forward(X, params):
    return params["w"] @ X

def labelled(X, y):
    return X - y

def initialisation(n0, n1):
    params = {"w1": np.ones((n1, n0)), "b1": np.zeros((n1, 1))}
    return params

def update(params, grads, rate):
    return {"w1": params["w1"] - rate * grads["dw1"], "b1": params["b1"] - rate * grads["db1"]}
"""


def _module(tmp_path) -> dict:
    """The source as a module file (the initializer is read off its source)."""
    path = tmp_path / "student_globals.py"
    path.write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("student_globals", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def test_a_global_label_array_read_by_a_function_holds_the_batch(tmp_path):
    ns = _module(tmp_path)
    ns["y"] = np.zeros((1, 100))
    fns = [ns["forward"], ns["backward"]]
    assert globaldata.global_data(fns, ns) == {"y": "Y"}
    batch = np.ones((1, 7))
    written = globaldata.feed_globals(fns, ns, np.ones((3, 7)), batch)
    assert written == ["y (read by backward())"]
    assert ns["y"].shape == (1, 7) and ns["y"] is not batch
    assert "y (read by backward())" in globaldata.note(written)


def test_no_global_is_written_for_a_function_taking_that_role_or_for_a_non_array(tmp_path):
    ns = _module(tmp_path)
    ns["y"] = np.zeros((1, 100))
    assert globaldata.global_data([ns["labelled"]], ns) == {}  # y is its argument
    ns["y"] = [0, 1]
    assert globaldata.global_data([ns["backward"]], ns) == {}  # not an array: nothing to replace


def test_an_initializer_is_known_by_the_weights_dict_it_makes(tmp_path):
    ns = _module(tmp_path)
    funcs = {k: v for k, v in ns.items() if callable(v) and not k.startswith("__")}
    assert init_function(funcs) == "initialisation"  # update returns such a dict too, but reads its argument's keys
    del funcs["initialisation"]
    assert init_function(funcs) is None
