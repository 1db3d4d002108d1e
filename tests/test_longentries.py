"""Entries hidden by a float32-stair loss at the ordinary step are checked at a step long enough to see them.

The nets are written the way users save memory or match a float32 training
loop: the loss value goes through ``np.float32(...)`` (or ``.astype``) before it
is returned, so it moves in float32 stairs (~6e-8 of itself) while the
parameters are float64 (or float32 with float64 data). The gradients are
hand-derived for the smooth loss; an ``np.longdouble`` central difference of the
uncast formula is the oracle that says they are right and the plants wrong.
"""

import numpy as np
import pytest

from gradcheck import check_gradients

LD = np.longdouble


def _regression(seed: int, head: str, k: int = 10, d: int = 1, n: int = 12, scale: float = 0.5, dtype=np.float64):
    """A depth-0 multi-output regression with tanh outputs: MAE (``np.sign``) or Huber (delta 1) loss."""
    rng = np.random.default_rng(seed)
    w, b = rng.standard_normal((d, k)) * scale, rng.standard_normal(k) * scale
    params = {"w": w.astype(dtype), "b": b.astype(dtype)}
    X = rng.standard_normal((n, d))
    Y = rng.uniform(-0.9, 0.9, (n, k))

    def core(p, lib=np):
        out = lib.tanh(X.astype(p["w"].dtype) @ p["w"] + p["b"])
        r = out - Y.astype(p["w"].dtype)
        if head == "mae":
            per = np.abs(r)
        else:
            a = np.abs(r)
            per = np.where(a <= 1.0, 0.5 * r * r, a - 0.5)
        return per.sum(axis=1).mean(), out, r

    def loss(p):
        return np.float32(core(p)[0])  # the loss returned in float32, as a float32 training loop logs it

    def grad(p):
        _, out, r = core({k_: np.asarray(v, dtype=np.float64) for k_, v in p.items()})
        dr = np.sign(r) if head == "mae" else np.clip(r, -1.0, 1.0)
        dz = dr * (1 - out**2) / n
        return {"w": (X.T @ dz).astype(dtype), "b": dz.sum(axis=0).astype(dtype)}

    def oracle(name: str, j: int, h: float = 1e-6) -> float:
        """Central difference of the uncast loss in np.longdouble."""
        pl = {k_: np.asarray(v, dtype=LD) for k_, v in params.items()}
        x0 = pl[name].reshape(-1)[j]
        vals = []
        for s in (1, -1):
            pl[name].reshape(-1)[j] = x0 + s * LD(h)
            vals.append(core(pl)[0])
        return float((vals[0] - vals[1]) / (2 * LD(h)))

    return params, loss, grad, oracle


def _plant(grad, name: str, j: int, factor: float):
    def planted(p):
        g = {k: np.array(v, copy=True) for k, v in grad(p).items()}
        g[name].reshape(-1)[j] *= factor
        return g

    return planted


def _largest(g: dict, name: str) -> int:
    return int(np.argmax(np.abs(g[name].reshape(-1))))


# (seeds whose largest entry lies clear of every sample's kink by more than the step its noise needs;
# test_an_entry_beside_a_kink_keeps_its_stated_reach covers one that does not)
CASES = [("mae", 4, "w"), ("mae", 9, "b"), ("mae", 10, "w"), ("huber", 1, "w"), ("huber", 2, "b")]


@pytest.mark.parametrize(("head", "seed", "name"), CASES)
def test_the_oracle_confirms_the_hand_derived_gradient(head, seed, name):
    params, _, grad, oracle = _regression(seed, head)
    g = grad(params)
    j = _largest(g, name)
    assert abs(g[name].reshape(-1)[j] - oracle(name, j)) <= 1e-7 * abs(g[name].reshape(-1)[j])


@pytest.mark.parametrize(("head", "seed", "name"), CASES)
def test_the_largest_entry_off_by_one_percent_behind_float32_stairs_is_failed(head, seed, name):
    params, loss, grad, _ = _regression(seed, head)
    j = _largest(grad(params), name)
    report = check_gradients(loss, _plant(grad, name, j, 1.01), params, seed=0)
    assert report.status == "fail", report.summary()
    by_name = {t.name: t for t in report.tensors}
    assert by_name[name].status == "fail", report.summary()
    assert tuple(by_name[name].worst_index) == np.unravel_index(j, params[name].shape), report.summary()
    others = [t for t in report.tensors if t.name != name]
    assert all(t.status != "fail" for t in others), report.summary()


@pytest.mark.parametrize(("head", "seed", "name"), CASES)
def test_the_correct_gradient_behind_float32_stairs_is_not_failed(head, seed, name):
    params, loss, grad, _ = _regression(seed, head)
    report = check_gradients(loss, grad, params, seed=0)
    assert report.status in ("pass", "inconclusive"), report.summary()


def test_float32_parameters_with_float64_data_do_not_pass_the_largest_bias_entry_off_by_one_percent():
    params, loss, grad, oracle = _regression(5, "mae", k=10, d=16, n=16, scale=0.3, dtype=np.float32)
    g = grad(params)
    j = _largest(g, "b")
    assert abs(float(g["b"][j]) - oracle("b", j)) <= 1e-5 * abs(float(g["b"][j]))
    report = check_gradients(loss, _plant(grad, "b", j, 1.01), params, seed=0)
    # (float32 arithmetic inside the loss can move its derivative: seen, but inconclusive rather than failed)
    assert {t.name: t.status for t in report.tensors}["b"] in ("fail", "inconclusive"), report.summary()
    assert report.status != "pass", report.summary()
    assert check_gradients(loss, grad, params, seed=0).status in ("pass", "inconclusive")


def _relu_net(seed: int):
    """A zero-bias ReLU net at weights of 1e-3 with a float32-cast log-cosh loss: kinks in bulk near the point."""
    rng = np.random.default_rng(seed)
    n, sizes = 16, (8, 64, 2)
    params = {
        "W1": rng.standard_normal(sizes[:2]) * 1e-3,
        "b1": np.zeros(sizes[1]),
        "W2": rng.standard_normal(sizes[1:]) * 1e-3,
        "b2": np.zeros(sizes[2]),
    }
    X = rng.standard_normal((n, sizes[0]))
    X[:3] = 0.0  # rows of zeros beside zero biases: units exactly at their kink
    Y = rng.standard_normal((n, sizes[2]))

    def forward(p):
        z = X @ p["W1"] + p["b1"]
        h = np.maximum(z, 0)
        return z, h, h @ p["W2"] + p["b2"]

    def loss(p):
        r = forward(p)[2] - Y
        return np.float32(np.mean(np.log(np.cosh(r))))

    def grad(p):
        z, h, out = forward(p)
        dout = np.tanh(out - Y) / out.size
        dh = dout @ p["W2"].T * (z > 0)
        return {"W1": X.T @ dh, "b1": dh.sum(axis=0), "W2": h.T @ dout, "b2": dout.sum(axis=0)}

    return params, loss, grad


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kinks_in_bulk_crossed_by_a_longer_step_are_not_failed(seed):
    params, loss, grad = _relu_net(seed)
    report = check_gradients(loss, grad, params, seed=0)
    assert report.status != "fail", report.summary()


def test_an_entry_beside_a_kink_keeps_its_stated_reach():
    """An MAE sample's residual 7e-4 from its kink beside the largest bias entry: no step the stairs allow
    resolves that entry to 1%; the report states how far it could see there instead of a bare pass."""
    params, loss, grad, _ = _regression(248, "mae")
    j = _largest(grad(params), "b")
    report = check_gradients(loss, _plant(grad, "b", j, 1.01), params, seed=0)
    if report.status == "pass":
        assert any(n.startswith("b: ") and "shows only from" in n for n in report.notes), report.summary()


def _saturated_float32_bce(seed: int):
    """A float32 multi-label BCE net at weights of 3: sigmoids that round to 1 in float32 flatten the loss."""
    rng = np.random.default_rng(seed)
    n, sizes = 64, (6, 24, 3)
    params = {
        "W1": (rng.standard_normal(sizes[:2]) * 3.0).astype(np.float32),
        "b1": (rng.standard_normal(sizes[1]) * 3.0).astype(np.float32),
        "W2": (rng.standard_normal(sizes[1:]) * 3.0).astype(np.float32),
        "b2": (rng.standard_normal(sizes[2]) * 3.0).astype(np.float32),
    }
    X = rng.standard_normal((n, sizes[0])).astype(np.float32)
    Y = (rng.random((n, sizes[2])) < 0.5).astype(np.float32)
    eps = np.float32(1e-7)

    def forward(p):
        p = {k: np.asarray(v).astype(np.float32) for k, v in p.items()}
        z1 = X @ p["W1"] + p["b1"]
        h = np.tanh(z1)
        p_out = 1 / (1 + np.exp(-(h @ p["W2"] + p["b2"])))
        return p, h, p_out

    def loss(p):
        _, _, q = forward(p)
        return float(-np.mean(np.sum(Y * np.log(q + eps) + (1 - Y) * np.log(1 - q + eps), axis=1)))

    def grad(p):
        p, h, q = forward(p)
        dq = (-(Y / (q + eps)) + (1 - Y) / (1 - q + eps)) / n
        dz2 = dq * q * (1 - q)
        dz1 = dz2 @ p["W2"].T * (1 - h**2)
        return {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}

    return params, loss, grad


# (seed 0 of this net fails on main as well, outside the longer steps: an open case, not pinned here)
@pytest.mark.parametrize("seed", [1])
def test_a_saturated_float32_loss_is_not_failed_by_its_longer_steps(seed):
    params, loss, grad = _saturated_float32_bce(seed)
    report = check_gradients(loss, grad, params, seed=0)
    assert report.status != "fail", report.summary()
