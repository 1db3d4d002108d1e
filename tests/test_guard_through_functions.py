"""A guard inside a log is seen through numpy's functions, not only its ufuncs.

A softmax classifier as people write it: ``np.dot`` for the products (no output bias), a SELU hidden
layer written with ``np.where``, cross-entropy ``-mean(sum(Y * log(P + 1e-8)))``, and the textbook backward
``(P - Y) / N`` written for the plain log. The guard moves the loss's derivative by about
``1e-8 / p`` relative (1e-7 here), over float64's tolerance: the check is settled against the loss
without its guard (:func:`gradcheck.epsilon.without_guards`), which traces the loss's arrays. Those
arrays came back untraced from ``np.dot`` and ``np.where`` (functions, not ufuncs), the guard went
unseen, and the correct backward was failed. Truth: np.longdouble central differences of the same
code without the guard, never this project's gradient code.
"""

from __future__ import annotations

import numpy as np

from gradcheck import check_gradients

R = np.random.default_rng(11)
N, D, H, K = 16, 5, 7, 4
X = R.standard_normal((N, D))
Y = np.eye(K)[R.integers(0, K, N)]
PARAMS = {
    "W1": R.standard_normal((D, H)) * 0.4,
    "b1": R.standard_normal((1, H)) * 0.1,
    "W2": R.standard_normal((H, K)) * 0.4,
}
ALPHA, SCALE = 1.6732632423543772, 1.0507009873554805


def selu(z):
    return SCALE * np.where(z > 0, z, ALPHA * (np.exp(z) - 1))


def selu_slope(z):
    return SCALE * np.where(z > 0, 1.0, ALPHA * np.exp(z))


def forward(p, x):
    z1 = np.dot(x, p["W1"]) + p["b1"]
    a1 = selu(z1)
    z2 = np.dot(a1, p["W2"])  # (no output bias: nothing after np.dot is a ufunc of a traced array)
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    return z1, a1, e / np.sum(e, axis=1, keepdims=True)


def loss(p, eps=1e-8):
    return -np.mean(np.sum(Y * np.log(forward(p, X)[2] + eps), axis=1))


def textbook(p):
    z1, a1, probs = forward(p, X)
    dz2 = (probs - Y) / N
    dz1 = np.dot(dz2, p["W2"].T) * selu_slope(z1)
    return {
        "W1": np.dot(X.T, dz1),
        "b1": np.sum(dz1, axis=0, keepdims=True),
        "W2": np.dot(a1.T, dz2),
    }


def test_the_textbook_backward_is_the_unguarded_losss_gradient():
    wide = {k: v.astype(np.longdouble) for k, v in PARAMS.items()}
    g = textbook(PARAMS)
    h = np.longdouble(1e-7)
    for name in PARAMS:
        for j in (0, PARAMS[name].size - 1):
            up, down = ({k: v.copy() for k, v in wide.items()} for _ in range(2))
            up[name].flat[j] += h
            down[name].flat[j] -= h
            slope = float((loss(up, eps=0) - loss(down, eps=0)) / (2 * h))
            assert abs(slope - g[name].flat[j]) <= 1e-7 * max(abs(slope), 1e-3)


def test_a_guard_behind_dot_and_where_is_seen_and_the_backward_passes():
    rep = check_gradients(loss, textbook, PARAMS, seed=0)
    assert rep.status == "pass", [(t.name, t.status, t.max_rel_error) for t in rep.tensors]
    assert any("1e-08" in n and "log" in n for n in rep.notes), rep.notes


def test_a_real_error_still_fails_beside_the_guard():
    def planted(p):
        g = textbook(p)
        g["W2"] = g["W2"].copy()
        g["W2"][2, 1] *= 1.001
        return g

    rep = check_gradients(loss, planted, PARAMS, seed=0)
    assert rep.status == "fail"
    assert [t.name for t in rep.tensors if t.status == "fail"] == ["W2"]
