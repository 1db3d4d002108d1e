"""The twin of a loss returned through ``np.float32(...)`` is used only where it is judged complex-safe.

``np.abs``, ``np.sign`` and the like are not analytic on complex values: the
complex step of a Huber loss through its rebuilt cast drops the residuals of
its linear branch (off by 40-80% on correct nets). Real differences of the
float32 staircase cannot refute that, so the twin is judged against real
differences of the value before the cast (:mod:`gradcheck.castsafety`). Ground
truth here: central differences of the value before the cast in
``np.longdouble``, independent of the checker's estimators.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.castsafety import before_cast, drops_imaginary, judged, narrow_casts, seen_if_safe
from gradcheck.problem import Problem
from gradcheck.throughcast import through_cast

DELTA = 1.0


def _residual_loss(kind: str, r):
    if kind == "huber":
        return np.mean(np.where(np.abs(r) <= DELTA, 0.5 * r**2, DELTA * (np.abs(r) - 0.5 * DELTA)))
    if kind == "mae":
        return np.mean(np.abs(r))
    if kind == "bce_max":  # r is the logit here, and the targets are 0/1
        return r
    return np.mean(r**2)


def _net(kind: str, batch: int, seed: int, hidden: int = 4):
    """A float64 tanh net (3 inputs, one output) whose loss is returned as ``np.float32(value)``; its backprop."""
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(size=(3, hidden)),
        "b1": 0.1 * rng.normal(size=hidden),
        "W2": rng.normal(size=(hidden, 1)),
        "b2": np.zeros(1),
    }
    x = rng.normal(size=(batch, 3))
    y = rng.integers(0, 2, size=(batch, 1)).astype(float) if kind.startswith("bce") else 2 * rng.normal(size=(batch, 1))

    def forward(p):
        hidden_out = np.tanh(x @ p["W1"] + p["b1"])
        logits = hidden_out @ p["W2"] + p["b2"]
        return hidden_out, logits

    def value(p):
        z = forward(p)[1]
        if kind == "bce_max":
            return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        if kind == "bce_logaddexp":
            return np.mean(np.logaddexp(0, z) - y * z)
        return _residual_loss(kind, z - y)

    def loss(p):
        return np.float32(value(p))

    def grad(p):
        h, z = forward(p)
        r = z - y
        if kind == "huber":
            dz = np.where(np.abs(r) <= DELTA, r, DELTA * np.sign(r)) / batch
        elif kind == "mae":
            dz = np.sign(r) / batch
        elif kind.startswith("bce"):
            dz = (1 / (1 + np.exp(-z)) - y) / batch
        else:
            dz = 2 * r / batch
        dh = dz @ p["W2"].T * (1 - h**2)
        return {"W1": x.T @ dh, "b1": dh.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}

    return params, loss, grad, value


def _longdouble_gradient(value, params):
    """Central differences of the value before the cast, in np.longdouble (step 2**-20 of max(1, |t|))."""
    wide = {k: v.astype(np.longdouble) for k, v in params.items()}
    out = {}
    for name, t in wide.items():
        g = np.zeros(t.shape)
        for j in range(t.size):
            base = t.reshape(-1)[j]
            h = np.longdouble(2.0**-20) * max(np.longdouble(1), abs(base))
            t.reshape(-1)[j] = base + h
            up = value(wide)
            t.reshape(-1)[j] = base - h
            down = value(wide)
            t.reshape(-1)[j] = base
            g.reshape(-1)[j] = float((up - down) / (2 * h))
        out[name] = g
    return out


def _correct(value, grad, params) -> bool:
    truth, g = _longdouble_gradient(value, params), grad(params)
    largest = max(float(np.max(np.abs(t))) for t in truth.values())
    return all(np.max(np.abs(g[k] - truth[k])) <= 1e-8 * largest for k in truth)


@pytest.mark.parametrize("kind", ["huber", "mae", "bce_max", "bce_logaddexp"])
@pytest.mark.parametrize(("batch", "seed"), [(1, 0), (8, 0), (8, 1), (32, 2)])
def test_a_correct_non_analytic_loss_behind_the_cast_never_fails(kind, batch, seed):
    params, loss, grad, value = _net(kind, batch, seed)
    assert _correct(value, grad, params)
    report = check_gradients(loss, grad, params)
    assert report.status != "fail", (report.summary(), report.notes)
    refused = any(n.startswith("complex step through the loss's np.float32 cast not used") for n in report.notes)
    # (a Huber loss whose every residual sits in its quadratic branch is analytic there: its twin may be used;
    # np.logaddexp refuses complex values before the cast, and real differences judge the loss, on its value
    # before the cast where that is the loss's to the last bit of the float32 it returns)
    unrounded = "before its np.float32 cast" in report.notes[0]
    assert (
        refused
        or kind == "huber"
        or (kind == "bce_logaddexp" and ("complex step not used" in report.notes[0] or unrounded))
    )


def test_the_huber_twin_is_refused_with_its_reason():
    params, loss, grad, _ = _net("huber", 8, 0)
    problem = Problem.create(loss, grad, params)
    assert narrow_casts(problem) == ("np.float32",)
    reason, spent = judged(problem, problem.analytic())
    assert reason is not None and "not confirmed by real differences of the value before the cast" in reason
    assert spent > 0


def test_an_analytic_twin_is_accepted_and_reads_the_value_before_the_cast():
    params, loss, grad, value = _net("mse", 8, 0)
    problem = Problem.create(loss, grad, params)
    assert judged(problem, problem.analytic())[0] is None
    before = before_cast(problem)
    assert before.loss_fn(params) == value(params)  # (real: unrounded, float64)
    assert np.float32(before.loss_fn(params)) == loss(params)
    truth = _longdouble_gradient(value, params)
    moved = {k: v.astype(complex) for k, v in params.items()}
    moved["W1"][1, 2] += 1e-30j
    assert np.imag(before.call_loss(moved)) / 1e-30 == pytest.approx(truth["W1"][1, 2], rel=1e-7)


def test_a_loss_without_a_narrow_cast_is_not_judged():
    params, _, grad, value = _net("huber", 4, 0)
    problem = Problem.create(lambda p: float(value(p)), grad, params)
    assert narrow_casts(problem) == ()


def test_a_float32_net_naming_float32_for_its_data_keeps_its_own_complex_step():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3))
    params = {"w": rng.normal(size=3).astype(np.float32)}

    def loss(p):
        return np.mean(np.tanh(x.astype(np.float32) @ p["w"]) ** 2)

    def grad(p):
        a = np.tanh(x.astype(np.float32) @ p["w"])
        return {"w": x.astype(np.float32).T @ (2 * a * (1 - a**2)) / 8}

    problem = Problem.create(loss, grad, params)
    assert narrow_casts(problem) == ("np.float32",) and not drops_imaginary(problem)
    seen, spent, notes = seen_if_safe(problem, problem.analytic(), "auto")
    assert seen is problem and spent == 1 and not notes


@pytest.mark.parametrize("plant", ["median x1.001", "largest x1.01"])
def test_behind_an_accepted_twin_a_small_planted_error_fails(plant):
    params, loss, grad, value = _net("mse", 16, 4, hidden=6)
    assert _correct(value, grad, params)
    right = grad(params)
    flat = np.abs(right["W1"].reshape(-1))
    j = int(np.argsort(flat)[flat.size // 2]) if plant.startswith("median") else int(np.argmax(flat))
    factor = 1.001 if plant.startswith("median") else 1.01

    def planted(p):
        g = {k: np.array(v) for k, v in grad(p).items()}
        g["W1"].reshape(-1)[j] *= factor
        return g

    report = check_gradients(loss, planted, params)
    assert report.status == "fail" and report.tensor("W1").status == "fail", report.summary()


def test_the_twin_keeps_float32s_eps_where_the_loss_reads_it_as_a_guard():
    def loss(p):
        eps = np.finfo(np.float32).eps
        return np.float32(np.sum(np.log(np.clip(p["w"], eps, 1 - eps))))

    for variant in ("rounded", "unrounded", "before_cast"):
        twin = through_cast(loss, variant)
        at = np.array([1e-9 + 1e-30j]) if variant != "before_cast" else np.array([1e-9])
        value = twin({"w": at})
        assert np.real(value) == pytest.approx(np.log(np.finfo(np.float32).eps), rel=1e-6)  # (clipped, as the loss)
        assert np.imag(value) == 0.0


class _Regressor:
    """A user's class: its loss method returns ``np.float32``; the check reaches it through a lambda."""

    def __init__(self, seed: int):
        rng = np.random.default_rng(seed)
        self.x, self.y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
        self.params = {"W": rng.normal(size=(3, 2)), "b": 0.1 * rng.normal(size=2)}

    def predict(self, p):
        return np.tanh(self.x @ p["W"] + p["b"])

    def loss(self, p):
        return np.float32(np.mean((self.predict(p) - self.y) ** 2))

    def grad(self, p):
        a = self.predict(p)
        dz = 2 * (a - self.y) / a.size * (1 - a**2)
        return {"W": self.x.T @ dz, "b": dz.sum(0)}


def test_a_method_reached_through_an_object_is_seen_through_on_a_copy():
    net = _Regressor(5)
    loss = lambda p: net.loss(p)  # noqa: E731  (as a user adapts a class to the check)
    twin = through_cast(loss)
    assert twin is not loss and "loss" not in vars(net)  # (the user's object is left alone)
    flat = np.abs(net.grad(net.params)["W"].reshape(-1))
    j = int(np.argsort(flat)[flat.size // 2])

    def planted(p):
        g = net.grad(p)
        g["W"].reshape(-1)[j] *= 1.001
        return g

    assert check_gradients(loss, net.grad, net.params).status == "pass"
    report = check_gradients(loss, planted, net.params)
    assert report.status == "fail" and report.tensor("W").status == "fail", report.summary()


def test_a_twin_whose_intermediate_casts_move_its_complex_step_is_refused():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    params = {"W1": rng.normal(size=(3, 5)), "W2": rng.normal(size=(5, 1))}

    def loss(p):
        h = np.float32(np.tanh(x @ p["W1"]))  # "to save memory"
        return np.float32(np.mean((h @ p["W2"] - y) ** 2))

    def grad(p):
        h = np.tanh(x @ p["W1"])
        dz = 2 * (h @ p["W2"] - y) / 16
        return {"W1": x.T @ (dz @ p["W2"].T * (1 - h**2)), "W2": h.T @ dz}

    problem = Problem.create(loss, grad, params)
    reason, _ = judged(problem, problem.analytic())
    assert reason is not None and "intermediate values" in reason
    assert check_gradients(loss, grad, params).status != "fail"
