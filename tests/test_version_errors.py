"""A student's error that comes from the numpy version, not the code's logic, says so."""

from __future__ import annotations

import numpy as np

from gradcheck.audit.errordict import error_dict
from gradcheck.audit.loader import StudentCodeError


def _raised_by(call) -> StudentCodeError:
    try:
        call()
    except BaseException as e:  # noqa: BLE001
        return StudentCodeError("backward", e, "")
    raise AssertionError("the call did not raise")


def test_a_one_entry_array_printed_as_a_number_is_named_a_numpy_2_change():
    """``print(" Loss : %.10f" % error)`` with ``error`` of shape (1, 1): a TypeError under NumPy 2 only."""
    got = error_dict(_raised_by(lambda: "%.10f" % np.zeros((1, 1))), None)  # noqa: UP031 - the student's own form
    assert got["type"] == "TypeError"
    assert got["message"].startswith("only 0-dimensional arrays can be converted to Python scalars (NumPy 2")
    assert ".item()" in got["message"]


def test_other_errors_are_left_as_they_are():
    got = error_dict(_raised_by(lambda: np.zeros((2, 3)) @ np.zeros((2, 3))), None)
    assert "NumPy 2" not in got["message"] and got["type"] == "ValueError"
