"""Work the checker no longer does, and what it must still see without it.

A large loss that refuses complex parameters is refused on its smallest tensor
alone (:func:`gradcheck.directional.probe`), at about the price of one real
evaluation instead of a complex one of every tensor. Tested for what it keeps:
the same refusal, a complex-safe loss still probed in full, and the complex
step still kept out of a loss that is not analytic on that tensor.
"""

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck import directional as dr


def _big(cast, l1=False):
    """A loss of 24,010 parameters: a large matrix and a small last vector."""
    rng = np.random.default_rng(0)
    params = {"A": rng.standard_normal((200, 120)) / 10, "b": rng.standard_normal(10)}
    seen = []

    def loss(p):
        seen.append(tuple(n for n, v in p.items() if np.iscomplexobj(v)))
        value = np.sum(np.tanh(p["A"]) ** 2) + np.sum(p["b"] ** 2) + (np.sum(np.abs(p["b"])) if l1 else 0.0)
        return float(value) if cast else value.item()  # .item(): a Python float, or complex for complex params

    def grad(p):
        t = np.tanh(p["A"])
        return {"A": 2 * t * (1 - t**2), "b": 2 * p["b"] + (np.sign(p["b"]) if l1 else 0.0)}

    return loss, grad, params, seen


def test_a_large_loss_cast_to_float_is_refused_on_its_smallest_tensor_alone():
    loss, grad, params, seen = _big(cast=True)
    report = check_gradients(loss, grad, params, name_bugs=False)
    assert report.passed, report.summary()
    assert any(n.startswith("complex step not used") for n in report.notes)
    assert [c for c in seen if c] == [("b",)]  # one complex evaluation, with b alone complex


def test_a_large_complex_safe_loss_is_still_probed_in_full():
    loss, grad, params, seen = _big(cast=False)
    report = check_gradients(loss, grad, params, name_bugs=False)
    assert report.passed and report.mode == "directional", report.summary()
    assert not any(n.startswith("complex step not used") for n in report.notes)
    complex_calls = [c for c in seen if c]
    assert complex_calls[0] == ("b",) and ("A", "b") in complex_calls


def test_an_l1_term_on_the_smallest_tensor_still_keeps_the_complex_step_out():
    # np.abs of a complex b returns its modulus without complaint: the cheap probe concludes
    # nothing, and the full probe's disagreement keeps the complex step out as before
    loss, grad, params, _ = _big(cast=False, l1=True)
    report = check_gradients(loss, grad, params, name_bugs=False)
    assert report.passed, report.summary()
    assert any(n.startswith("complex step not used") for n in report.notes)
    _, forgot, _, _ = _big(cast=False)
    assert check_gradients(loss, forgot, params, name_bugs=False).tensor("b").status == "fail"


def test_a_loss_returning_a_numpy_scalar_is_probed_in_full_at_once():
    _, grad, params, _ = _big(cast=False)
    seen = []

    def loss(p):  # np.float64 at real parameters: no hint that it refuses complex ones
        seen.append(tuple(n for n, v in p.items() if np.iscomplexobj(v)))
        return np.sum(np.tanh(p["A"]) ** 2) + np.sum(p["b"] ** 2)

    report = check_gradients(loss, grad, params)
    assert report.passed, report.summary()
    assert [c for c in seen if c][0] == ("A", "b")


@pytest.mark.parametrize("size", [5_000])
def test_small_losses_are_probed_in_full_at_once(size):
    params = {"A": np.linspace(-1, 1, size), "b": np.ones(3)}
    seen = []

    def loss(p):
        seen.append(tuple(n for n, v in p.items() if np.iscomplexobj(v)))
        return float(np.sum(p["A"] ** 2) + np.sum(p["b"] ** 2))

    check_gradients(loss, lambda p: {"A": 2 * p["A"], "b": 2 * p["b"]}, params, name_bugs=False)
    assert [c for c in seen if c][0] == ("A", "b")
    assert dr.CHEAP_PROBE_MIN > size


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_loss_along_a_direction_sees_the_moved_point_exactly(dtype):
    from gradcheck import numeric as nm
    from gradcheck.problem import Problem

    rng = np.random.default_rng(1)
    params = {"W": rng.standard_normal((30, 20)).astype(dtype), "b": rng.standard_normal(5).astype(dtype)}
    seen = []
    problem = Problem.create(
        lambda p: seen.append({k: v.copy() for k, v in p.items()}) or float(np.sum(p["W"])), None, params
    )
    o = nm.Oracle(problem)
    move = rng.standard_normal((30, 20))
    for step in (1e-3, -2e-3, 5e-4):
        o.loss_along({"W": move}, step)
        assert seen[-1]["W"].dtype == dtype
        assert np.array_equal(seen[-1]["W"], (params["W"] + step * move).astype(dtype))
        assert np.array_equal(seen[-1]["b"], params["b"])
    o.assert_unmodified()


def test_a_reference_network_is_probed_in_full_at_once():
    from reference_nets.mlp import MLP, MLPConfig

    net = MLP(MLPConfig((160, 128, 10), "tanh", output="sigmoid", loss="bce"))
    rng = np.random.default_rng(0)
    loss, grad = net.closures(rng.standard_normal((8, 160)), (rng.random((8, 10)) < 0.5).astype(float))
    seen = []

    def spy(p):
        seen.append(tuple(n for n, v in p.items() if np.iscomplexobj(v)))
        return loss(p)

    spy.network = loss.network
    params = net.init_params(0)
    assert sum(v.size for v in params.values()) >= dr.CHEAP_PROBE_MIN
    report = check_gradients(spy, grad, params, name_bugs=False)
    assert report.passed and [c for c in seen if c][0] == tuple(params)
