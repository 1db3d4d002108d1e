"""A model class imported under another name is still built as the submission's own code builds it."""

from __future__ import annotations

import ast

from gradcheck.audit.adapters.built import _names_of

SCRIPT = """
from network import SequentialNetwork as MLP
from network import SequentialNetwork
from other import Model as M, Layer
net = MLP([Dense(2, 3)])
"""


def test_the_names_a_class_is_imported_as():
    tree = ast.parse(SCRIPT)
    assert _names_of(tree, "SequentialNetwork") == ["SequentialNetwork", "MLP"]
    assert _names_of(tree, "Model") == ["Model", "M"]
    assert _names_of(tree, "Layer") == ["Layer"]  # imported as itself: no other name
