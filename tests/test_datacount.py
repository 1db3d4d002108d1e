"""A sample count read off the data's shape by set-up code that could not run is the checked batch's."""

from __future__ import annotations

import ast
import types

from gradcheck.audit.adapters.datacount import bind_shape_counts, shape_counts

BACKWARD = """
def backward(dZ, A):
    return dZ @ A.T / {name}, dZ.sum(axis=1, keepdims=True) * (1 / {name})
"""


def _stmts(setup: str, name: str = "m") -> list[ast.stmt]:
    return ast.parse(setup + "\n" + BACKWARD.format(name=name)).body


def test_the_rows_of_a_table_that_did_not_load_are_the_batch():
    assert shape_counts(_stmts("data = load()\nm, n = data.shape")) == {"m": 2}
    assert shape_counts(_stmts("n_x, m = X.shape")) == {"m": 1}
    assert shape_counts(_stmts("m = X.shape[1]")) == {"m": 1}


def test_only_a_count_the_functions_divide_by_and_alone_in_its_statement():
    assert shape_counts(_stmts("m, n = data.shape", name="k")) == {}  # the functions divide by another name
    read_not_divided = ast.parse("m, n = data.shape\ndef f(Z):\n    return Z[:m]").body
    assert shape_counts(read_not_divided) == {}
    both = _stmts("m, n = data.shape") + ast.parse("def g(x):\n    return x / n").body
    assert shape_counts(both) == {}  # two sizes of one table: which is the samples' is not known
    assert shape_counts(_stmts("m = len(data)")) == {}  # not a shape


class _Loaded:
    def __init__(self, stmts, namespace):
        self.stmts, self.module = stmts, types.ModuleType("student")
        self.module.__dict__.update(namespace)

    def locate(self, line: int) -> str:
        return f"line {line}"


def test_bound_only_when_unbound_with_a_note():
    notes: list[str] = []
    unbound = _Loaded(_stmts("m, n = data.shape"), {})
    bind_shape_counts(unbound, 16, notes)
    assert unbound.module.m == 16 and "checked batch's 16 samples" in notes[0]
    bound = _Loaded(_stmts("m, n = data.shape"), {"m": 40})
    bind_shape_counts(bound, 16, notes)
    assert bound.module.m == 40 and len(notes) == 1
