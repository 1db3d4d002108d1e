"""A loss returned through ``float()`` seen through by the complex step (``gradcheck.throughcast``, ``castscreen``).

Where no real difference of a ``float()``-cast loss resolves a tensor (a screen
blind at the loss's noise, where a gradient of zeros would pass as well), the
complex step through the cast screens it. The truth is the soak's oracle
(mpmath at 50 digits or np.longdouble), never this project's gradient code.
"""

from __future__ import annotations

import functools
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from gradcheck.compare import default_rtol
from gradcheck.throughcast import KeepsImaginary, through_cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import soak_userforms as soak  # noqa: E402
import userforms as uf  # noqa: E402
from test_userform_soak_cases import _run  # noqa: E402  (the check of a soak configuration, as the soak runs it)

#: Configurations of the user-form soak (``--sample 1000 --seed 7``): float32 tanh MSE nets whose
#: outputs saturate (|z| ~ 9), returned through ``float()``. No real difference of the loss
#: resolves their first layers (a gradient of 1e-14 beside a loss of 0.3): inconclusive before.
BLIND_FLOAT32 = [635, 6106]


@pytest.mark.parametrize("index", BLIND_FLOAT32)
def test_a_blind_float_cast_float32_net_passes_on_the_complex_step_through_its_cast(index):
    form, _, grad, params, report = _run(index)
    truth = uf.oracle(form)  # mpmath or np.longdouble: the user's float32 code at float64 agrees with it
    assert uf.correct_by_construction(form, truth) and form.cast and form.dtype == "float32"
    wide = grad({k: v.astype(np.float64) for k, v in params.items()})
    top = max(float(np.max(np.abs(t))) for t in truth.grad.values())
    for name, t in truth.grad.items():
        assert np.max(np.abs(wide[name] - t)) <= 1e-6 * top, name
    assert report.status == "pass", report.summary()
    assert any("through the loss's float() cast" in n and n.endswith(": pass") for n in report.notes)


@pytest.mark.parametrize("index", BLIND_FLOAT32)
def test_on_the_same_nets_a_zeroed_tensor_and_a_planted_error_never_pass(index):
    """Every tensor zeroed whose gradient is above the floor entries are judged against (float32's rtol of the
    gradient's largest entry; below it zeros are within every entry's tolerance), and the soak's plants."""
    form, _, grad, params, _ = _run(index)
    truth = uf.oracle(form)
    top = max(float(np.max(np.abs(t))) for t in truth.grad.values())
    floor = 10 * default_rtol(np.dtype(np.float32)) * top
    above = [n for n, t in truth.grad.items() if np.max(np.abs(t)) > floor]
    assert len(above) >= 2
    for name in above:
        zeroed = lambda p, name=name: {**grad(p), name: np.zeros_like(p[name])}  # noqa: E731
        assert _run(index, zeroed)[4].status != "pass", name
    name, entry = soak.pick_entry(truth.grad, np.random.default_rng(index))
    for delta in (1e-2, 1e-3):
        assert _run(index, uf.plant(grad, name, entry, delta))[4].status != "pass", (name, entry, delta)


# ------------------------------------------------------------------ the twin itself
def test_keeps_imaginary_is_float_at_real_arguments():
    assert KeepsImaginary(2) == 2.0 and type(KeepsImaginary(np.float32(0.5))) is float
    assert type(KeepsImaginary()) is float and KeepsImaginary("1.5") == 1.5
    assert isinstance(1.0, KeepsImaginary) and not isinstance(1, KeepsImaginary)
    assert issubclass(np.float64, KeepsImaginary)
    with pytest.raises(ValueError):
        KeepsImaginary("one")
    with pytest.raises(TypeError):
        KeepsImaginary(np.array([1j, 2j]))
    assert KeepsImaginary(np.complex128(1 + 2j)) == 1 + 2j
    assert KeepsImaginary(np.array([[3 - 1j]])) == 3 - 1j


def _helper(v):
    return float(np.sum(v**2))


def test_a_cast_in_a_called_function_a_closure_a_partial_and_a_method():
    z = {"w": np.array([1.0 + 1e-20j, 2.0])}

    def by_global(p):
        return _helper(p["w"])

    inner = _helper

    def by_closure(p):
        return inner(p["w"])

    class Net:
        def loss(self, p, scale=1.0):
            return scale * float(np.sum(p["w"] ** 2))

    for fn in (by_global, by_closure, functools.partial(Net.loss, Net()), Net().loss):
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            with pytest.raises(np.exceptions.ComplexWarning):
                fn(z)
            twin = through_cast(fn)
            assert np.imag(twin(z)) == pytest.approx(2e-20)
        assert twin({"w": np.array([1.0, 2.0])}) == fn({"w": np.array([1.0, 2.0])}) == 5.0
    assert "float" not in _helper.__globals__  # the user's module is left as it was


def test_a_loss_that_never_names_float_is_itself():
    loss = lambda p: np.sum(p["w"] ** 2)  # noqa: E731
    assert through_cast(loss) is loss
    assert through_cast(np.sum) is np.sum
