"""Which target form a softmax classifier's code is given: the one its own training uses.

Code that indexes one entry per row by integer label (``probs[range(n), y]``) trains on
integer labels; when it also accepts one-hot rows its loss may reduce them another way
(a mean over every entry, CE / K), so judging it on one-hot rows would blame a factor of K
on a correct gradient (examples/submissions/layer_script_int_labels_correct.py end to end).
"""

from __future__ import annotations

import ast
import textwrap

import numpy as np
import pytest

from gradcheck.audit.adapters import labels


def _tree(src: str) -> ast.AST:
    return ast.parse(textwrap.dedent(src))


@pytest.mark.parametrize(
    "src",
    [
        "p = probs[range(n), y]",
        "dscores[np.arange(N), y] -= 1",
        "def f(probs, labels):\n    return -np.log(probs[np.arange(len(labels)), labels]).mean()",
    ],
)
def test_indexing_rows_by_integer_label_is_seen(src):
    assert labels.indexes_rows_by_label([_tree(src)])


@pytest.mark.parametrize(
    "src",
    [
        "Y = np.eye(K)[y]",  # one-hot made from labels: the code's loss then takes rows
        "loss = -np.sum(Y * np.log(P)) / N",
        "a = W[0, 1]",
        "b = X[range(n)]",  # rows picked, no label
        "c = probs[range(n), 0]",  # one column for every row, not a label per row
        "one_hot[np.arange(m), y] = 1",  # one-hot rows built from labels: the code trains on those
    ],
)
def test_other_indexing_is_not(src):
    assert not labels.indexes_rows_by_label([_tree(src)])


def test_integer_labels_come_first_only_for_code_that_indexes_with_them():
    Y = np.eye(3)[[0, 1, 2, 1]]
    assert labels.applicable(Y, classifier=True) == ["onehot", "int"]
    assert labels.applicable(Y, classifier=True, int_first=True) == ["int", "onehot"]
    assert labels.applicable(Y[:, :1], classifier=True, int_first=True) == ["given", "flat"]  # one output
