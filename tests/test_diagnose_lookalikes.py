"""Look-alikes of bugs read in public student repositories (written here, nothing copied).

* a softmax + cross-entropy whose loss sums ``-log10(p)`` while the gradient is the
  natural-log one divided by N;
* a regression MLP that rescales every gradient tensor to norm 10 when it is larger;
* a layer class written for one sample at a time (``db = output_error``) called on a batch;
* weights with the bias folded in as an extra input (not identified: no made-up bug).
"""

import numpy as np

from gradcheck import GradientShapeError, check_gradients

RNG = np.random.default_rng(11)


def _best(report):
    return {d.code: d for d in report.diagnoses if d.evidence.get("explanation") == 1}


def test_log10_loss_summed_with_a_mean_natural_log_gradient():
    X = RNG.normal(size=(20, 2))
    labels = (RNG.random(20) > 0.5).astype(int)
    p = {
        "W1": RNG.normal(size=(4, 2)),
        "b1": RNG.normal(size=(4, 1)),
        "W2": RNG.normal(size=(2, 4)),
        "b2": np.zeros((2, 1)),
    }

    def probs(q):
        s = q["W2"] @ (1 / (1 + np.exp(-(q["W1"] @ X.T + q["b1"])))) + q["b2"]
        e = np.exp(s - s.max())
        return e / e.sum(axis=0, keepdims=True)

    def loss(q):
        return float(-np.sum(np.log10(probs(q)[labels, np.arange(20)])))

    def grad(q):
        a = 1 / (1 + np.exp(-(q["W1"] @ X.T + q["b1"])))
        g = probs(q)
        g[labels, np.arange(20)] -= 1
        g /= 20
        da = q["W2"].T @ g * a * (1 - a)
        return {"W1": da @ X, "b1": da.sum(1, keepdims=True), "W2": g @ a.T, "b2": g.sum(1, keepdims=True)}

    best = _best(check_gradients(loss, grad, p))
    assert set(best) == {"missing_batch_mean", "uniform_scale"}
    assert "np.log10" in best["uniform_scale"].message and "too small" in best["missing_batch_mean"].message


def test_every_tensor_rescaled_to_norm_ten_is_one_clip():
    X = RNG.normal(size=(40, 3)) * 3
    y = 50 * RNG.normal(size=(40, 1)) + 100
    p = {
        "W1": RNG.normal(size=(3, 6)) * 0.6,
        "b1": np.zeros((1, 6)),
        "W2": RNG.normal(size=(6, 1)) * 0.6,
        "b2": np.zeros((1, 1)),
    }

    def loss(q):
        return float(np.mean((1 / (1 + np.exp(-(X @ q["W1"] + q["b1"]))) @ q["W2"] + q["b2"] - y) ** 2))

    def grad(q):
        a = 1 / (1 + np.exp(-(X @ q["W1"] + q["b1"])))
        d = 2 * (a @ q["W2"] + q["b2"] - y) / len(X)
        dz = d @ q["W2"].T * a * (1 - a)
        g = {"W1": X.T @ dz, "b1": dz.sum(0, keepdims=True), "W2": a.T @ d, "b2": d.sum(0, keepdims=True)}
        return {k: v * min(1.0, 10 / np.linalg.norm(v)) for k, v in g.items()}

    report = check_gradients(loss, grad, p)
    best = _best(report)
    assert list(best) == ["gradient_clipping"] and "norm 10" in best["gradient_clipping"].message
    assert len([d for d in report.diagnoses if d.code == "gradient_clipping"]) == 1


def test_a_one_sample_layer_called_on_a_batch_leaves_the_bias_unsummed():
    X, Y = RNG.normal(size=(8, 3)), RNG.normal(size=(8, 2))
    p = {
        "W1": RNG.normal(size=(3, 4)),
        "b1": RNG.normal(size=(1, 4)),
        "W2": RNG.normal(size=(4, 2)),
        "b2": np.zeros((1, 2)),
    }

    def loss(q):
        return float(np.mean((np.tanh(X @ q["W1"] + q["b1"]) @ q["W2"] + q["b2"] - Y) ** 2))

    def grad(q):  # each layer's backward: weights_error = input.T @ output_error, bias_error = output_error
        h = np.tanh(X @ q["W1"] + q["b1"])
        e2 = 2 * (h @ q["W2"] + q["b2"] - Y) / Y.size
        e1 = e2 @ q["W2"].T * (1 - np.tanh(X @ q["W1"] + q["b1"]) ** 2)
        return {"W1": X.T @ e1, "b1": e1, "W2": h.T @ e2, "b2": e2}

    try:
        check_gradients(loss, grad, p)
    except GradientShapeError as exc:
        report = exc.report
    best = _best(report)
    assert list(best) == ["bias_not_summed"] and best["bias_not_summed"].tensor == "b1, b2"
    assert {t.name: t.status for t in report.tensors} == {"W1": "pass", "b1": "fail", "W2": "pass", "b2": "fail"}


def test_folded_biases_are_not_identified_and_no_bug_is_made_up():
    X, y = RNG.random((8, 2)), RNG.random((8, 1))
    p = {"W1": RNG.normal(size=(3, 3)), "W2": RNG.normal(size=(1, 4))}  # (out, in + 1): column 0 holds the bias

    def forward(q):
        a1 = np.insert(X, 0, 1, axis=1)
        a2 = np.insert(1 / (1 + np.exp(-(a1 @ q["W1"].T))), 0, 1, axis=1)
        return a1, a2, 1 / (1 + np.exp(-(a2 @ q["W2"].T)))

    def loss(q):
        return float(0.5 * np.sum((y - forward(q)[2]) ** 2))

    def grad(q):
        a1, a2, out = forward(q)
        d3 = -(y - out)  # sigma'(z3) missing, and a mean below where the cost is a sum
        d2 = d3 @ q["W2"][:, 1:] * a2[:, 1:] * (1 - a2[:, 1:])
        return {"W1": d2.T @ a1 / len(X), "W2": d3.T @ a2 / len(X)}

    report = check_gradients(loss, grad, p)
    assert report.status == "fail"
    assert not _best(report) and all(d.code in ("localized",) for d in report.diagnoses)
