"""The code's own construction of a model handed objects of its classes (``DenseLayer(20, ReLU(), 10, SoftMax())``)."""

from __future__ import annotations

import ast

from gradcheck.audit.adapters.owncall import objects_call, shown

SOURCE = """
class ReLU:
    pass

class Model:
    def __init__(self, hidden, act, n_out, lr=0.1):
        pass

model = Model(20, ReLU(), 10, lr=0.5)
other = Model(20, ReLU(3), 10)
"""


class _Loud:
    def __repr__(self):  # the student's code: never run to show an argument
        raise AssertionError("repr called")


def test_the_objects_are_made_by_the_makers_and_the_rest_read_as_plain_data():
    stmts = ast.parse(SOURCE).body
    made = []
    makers = {"ReLU": lambda: made.append("ReLU") or "relu-object"}
    args, kwargs, line = objects_call(stmts, "Model", {}, makers)
    assert args == [20, "relu-object", 10] and kwargs == {"lr": 0.5} and line == 9 and made == ["ReLU"]


def test_no_object_or_an_object_made_with_arguments_is_no_such_call():
    stmts = ast.parse("class M:\n    pass\n\nm = M(3, 4)\nn = M(X(2))\n").body
    assert objects_call(stmts, "M", {}, {"X": lambda: 0}) is None


def test_an_object_is_shown_by_its_class_name_never_its_repr():
    assert shown([20, _Loud()], {"lr": 0.1}) == "20, _Loud(), lr=0.1"
