"""A gradient that comes in float32 numbers beside a float64 network is judged to that storage's rounding, not to
float64's (a public project's float32 biases failed at 4e-8), and a real error in it still fails."""

import numpy as np

from gradcheck import check_gradients
from gradcheck.audit.extracted import STORED32_RTOL, Extracted, check_rtol, stored_in_float32


def _ex(grads, precision=np.float64):
    params = {k: np.ones_like(v, dtype=np.float64) for k, v in grads.items()}
    return Extracted(params, grads, {}, None, False, np.dtype(precision))


def test_float32_storage_is_told_from_float64_values():
    rng = np.random.default_rng(0)
    g64 = rng.normal(size=(4, 3))
    g32 = g64.astype(np.float32).astype(np.float64)
    assert stored_in_float32({"W": g64, "b": g32}) == ["b"]
    # short binary fractions (0.5, 0.25, zeros) are float32 numbers by chance: never taken for float32 storage
    assert stored_in_float32({"b": np.array([0.5, 0.25, 0.0, -1.0])}) == []
    rtol, note = check_rtol(_ex({"W": g64, "b": g32}))
    assert rtol == STORED32_RTOL and "b comes in float32 numbers" in note
    assert check_rtol(_ex({"W": g64})) == (float(np.sqrt(np.finfo(np.float64).eps)), None)
    assert check_rtol(_ex({"b": g32}, np.float32))[1] is None  # a float32 network has float32's own rtol


def _loss(p):
    return float(np.sum(np.sin(p["W"]) * p["W"]) + np.sum(p["b"] ** 2))


def _grad(p):
    return {"W": np.sin(p["W"]) + p["W"] * np.cos(p["W"]), "b": 2 * p["b"]}


def test_the_rounding_passes_and_an_error_of_1e5_fails_at_that_tolerance():
    rng = np.random.default_rng(1)
    p = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=(1, 4))}
    g = _grad(p)
    rounded = {"W": g["W"], "b": g["b"].astype(np.float32).astype(np.float64)}
    assert check_gradients(_loss, rounded, p, rtol=STORED32_RTOL).status == "pass"
    off = {"W": g["W"], "b": rounded["b"] * (1 + 1e-5)}
    assert check_gradients(_loss, off, p, rtol=STORED32_RTOL).status == "fail"
