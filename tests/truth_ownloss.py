"""Truth cases for the examples whose loss or network no reference network models (a hinge, label smoothing,
an L1 penalty, a linear model under the Huber loss): each file's claimed gradient, and its loss written here
again, independently of the file and of the project's gradient code, evaluated in np.longdouble, for central
differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(13)
X = RNG.normal(size=(7, 3))
LONG = np.longdouble


def _module(rel: str):
    spec = importlib.util.spec_from_file_location(rel[:-3], FOLDER / rel)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # the files train only when asked to
    return mod


def _long(*arrays):
    return [np.asarray(a, dtype=LONG) for a in arrays]


def case_hinge():
    """Hinge on a tanh net: mean over the batch of max(0, 1 - s * score), s = 2y - 1 for 0/1 targets."""
    net = _module("hinge_margin_net_correct.py").MarginNet(3, 5)
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    net.forward(X)
    net.backward(Y)
    params = [net.W1, net.b1, net.W2, net.b2]

    def loss():
        W1, b1, W2, b2, x, y = _long(*params, X, Y)
        score = np.tanh(x @ W1 + b1) @ W2 + b2
        return float(np.mean(np.maximum(0, 1 - (2 * y - 1) * score)))

    return params, [net.dW1, net.db1, net.dW2, net.db2], loss


def _smoothed(rel: str):
    """Cross-entropy of a softmax over a ReLU layer against targets 0.9 * onehot + 0.1 / K, mean over the batch."""
    m = _module(rel)
    P = m.init_params(3, 5, 4)
    Y = np.eye(4)[RNG.integers(0, 4, size=7)]
    h, probs = m.forward(P, X)
    claimed = m.backward(P, X, Y, h, probs)
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        W1, b1, W2, b2, x, y = _long(*(P[k] for k in keys), X, Y)
        z = np.maximum(0, x @ W1 + b1) @ W2 + b2
        logp = z - z.max(axis=1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        target = 0.9 * y + 0.1 / 4
        return float(-np.sum(target * logp) / 7)

    return [P[k] for k in keys], [claimed[k] for k in keys], loss


def _l1(rel: str):
    """Samples as columns: sum of squares over the batch / m plus 0.01 * (sum|W1| + sum|W2|)."""
    m = _module(rel)
    P = m.initialize_parameters([3, 5, 1])
    Xc, Y = X.T.copy(), RNG.normal(size=(1, 7))
    _, cache = m.forward_propagation(Xc, P)
    g = m.backward_propagation(Xc, Y, cache, P, 0.01)
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        W1, b1, W2, b2, x, y = _long(*(P[k] for k in keys), Xc, Y)
        out = W2 @ (1 / (1 + np.exp(-(W1 @ x + b1)))) + b2
        return float(np.sum((out - y) ** 2) / 7 + 0.01 * (np.sum(np.abs(W1)) + np.sum(np.abs(W2))))

    return [P[k] for k in keys], [g["d" + k] for k in keys], loss


def _huber(rel: str):
    """A linear model under the Huber loss, delta = 1, mean over the entries."""
    m = _module(rel)
    P = m.init_params(3, 2)
    Y = RNG.normal(size=(7, 2)) * 2.0  # residuals on both sides of delta
    g = m.gradients(P, X, Y)

    def loss():
        W, b, x, y = _long(P["W"], P["b"], X, Y)
        r = np.abs(x @ W + b - y)
        return float(np.mean(np.where(r <= 1, 0.5 * r**2, r - 0.5)))

    return [P["W"], P["b"]], [g["W"], g["b"]], loss, ["W", "b"]


def _svm(rel: str):
    """Binary hinge of a ReLU net's score, labels 0/1 as -1/+1, mean over the batch (reg 0, as audited)."""
    net = _module(rel).TwoLayerSVM(3, 5)
    y = (RNG.random(7) > 0.5).astype(float)
    _, g = net.loss(X, y)
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        W1, b1, W2, b2, x, t = _long(*(net.params[k] for k in keys), X, 2 * y - 1)
        score = (np.maximum(0, x @ W1 + b1) @ W2 + b2)[:, 0]
        return float(np.mean(np.maximum(0, 1 - t * score)))

    return [net.params[k] for k in keys], [g[k] for k in keys], loss, [f"params['{k}']" for k in keys]


def _inline_hinge(rel: str):
    """Mean hinge of a sigmoid net's linear score, labels 0/1 as -1/+1."""
    net = _module(rel).MarginMLP(3, 5)
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    net.forward(X)
    claimed = net.backward(Y)
    params = [net.W1, net.b1, net.W2, net.b2]

    def loss():
        W1, b1, W2, b2, x, t = _long(*params, X, 2 * Y - 1)
        out = (1 / (1 + np.exp(-(x @ W1 + b1)))) @ W2 + b2
        return float(np.mean(np.maximum(0, 1 - t * out)))

    return params, list(claimed), loss


def _softplus(rel: str):
    """Mean BCE of a sigmoid over a softplus layer, without the file's 1e-8 guard: the model its backward is for."""
    net = _module(rel).SmoothNet(3, 5)
    Y = (np.random.default_rng(17).random(7) > 0.5).astype(float)  # its own draw: the shared RNG's order stays
    g = net.gradients(X, Y)
    params = [net.W1, net.b1, net.W2, net.b2]

    def loss():
        W1, b1, W2, b2, x, y = _long(*params, X, Y.reshape(-1, 1))
        z = np.log1p(np.exp(x @ W1 + b1)) @ W2 + b2
        return float(np.mean(np.logaddexp(0, z) - y * z))  # -y log p - (1 - y) log(1 - p), p = sigmoid(z)

    return params, [g["W1"], g["b1"], g["W2"], g["b2"]], loss


OWNLOSS_CASES = {
    "softplus_guarded_bce_correct.py": lambda: _softplus("softplus_guarded_bce_correct.py"),
    "softplus_guarded_bce_at_output_bug.py": lambda: _softplus("softplus_guarded_bce_at_output_bug.py"),
    "hinge_margin_net_correct.py": case_hinge,
    "smoothed_ce_functions_correct.py": lambda: _smoothed("smoothed_ce_functions_correct.py"),
    "smoothed_ce_functions_raw_targets_bug.py": lambda: _smoothed("smoothed_ce_functions_raw_targets_bug.py"),
    "l1_penalty_regressor_correct.py": lambda: _l1("l1_penalty_regressor_correct.py"),
    "l1_penalty_regressor_l2_term_bug.py": lambda: _l1("l1_penalty_regressor_l2_term_bug.py"),
    "huber_linear_functions_correct.py": lambda: _huber("huber_linear_functions_correct.py"),
    "huber_linear_functions_no_clip_bug.py": lambda: _huber("huber_linear_functions_no_clip_bug.py"),
    "svm_scores_loss_and_grads_correct.py": lambda: _svm("svm_scores_loss_and_grads_correct.py"),
    "svm_scores_loss_and_grads_no_mean_bug.py": lambda: _svm("svm_scores_loss_and_grads_no_mean_bug.py"),
    "inline_hinge_train_correct.py": lambda: _inline_hinge("inline_hinge_train_correct.py"),
    "inline_hinge_train_margin_zero_bug.py": lambda: _inline_hinge("inline_hinge_train_margin_zero_bug.py"),
}
