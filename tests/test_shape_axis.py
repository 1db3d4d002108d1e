"""A bias gradient summed over the units instead of the samples (``np.sum(dZ, axis=0)`` with samples as columns:
shape ``(1, N)`` for a ``(k, 1)`` bias) is named so, with the fix for either layout, for every tensor it shows
on; it was one generic ``shape_mismatch`` on the first tensor only."""

from __future__ import annotations

from gradcheck.audit.verdicts import _shape_diag
from gradcheck.diagnose.shapes import shape_diagnosis, shape_kind
from gradcheck.problem import GradientShapeError


def test_a_column_bias_summed_over_its_units_is_named_with_the_axis():
    d = shape_diagnosis("b1", (8, 1), (1, 16), 16)
    assert d.code == "bias_not_summed"
    assert "wrong axis" in d.message and "axis=1, keepdims=True" in d.message
    assert shape_kind((1, 8), (16, 1), 16) == "bias_not_summed"
    assert shape_kind((8, 1), (1, 8), 16) == "transposed"  # its own transpose, not a sum
    assert shape_kind((16, 1), (1, 16), 16) == "transposed"  # as many units as samples: the shapes cannot tell
    plain = shape_diagnosis("b1", (1, 6), (16, 6), 16)
    assert plain.code == "bias_not_summed" and "wrong axis" not in plain.message


def test_every_mis_shaped_tensor_is_diagnosed():
    exc = GradientShapeError("b1", (8, 1), (1, 16))
    found = _shape_diag(exc, [("b1", (8, 1), (1, 16)), ("b2", (2, 1), (1, 16))], 16)
    assert [(d.code, d.tensor) for d in found] == [
        ("bias_not_summed", "b1"),
        ("bias_not_summed", "b2"),
        ("shape_mismatch", "b1"),
    ]
