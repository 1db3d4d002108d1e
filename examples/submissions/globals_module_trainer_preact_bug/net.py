"""A one-hidden-layer classifier whose weights are module globals, used by run_training.py."""

import numpy as np

rng = np.random.default_rng(11)
n_features, n_units = 5, 7

weights_hidden = rng.normal(0, 0.3, (n_features, n_units))
bias_hidden = np.zeros((1, n_units))
weights_out = rng.normal(0, 0.3, (n_units, 1))
bias_out = np.zeros((1, 1))


def squash(v):
    return 1.0 / (1.0 + np.exp(-v))


def predict_proba(X):
    pre_h = X @ weights_hidden + bias_hidden
    act_h = np.tanh(pre_h)
    pre_o = act_h @ weights_out + bias_out
    return pre_h, act_h, pre_o, squash(pre_o)


def log_loss(labels, probs):
    probs = np.clip(probs, 1e-12, 1 - 1e-12)
    return float(-np.mean(labels * np.log(probs) + (1 - labels) * np.log(1 - probs)))


def gradients(X, labels, pre_h, act_h, pre_o, probs):
    count = X.shape[0]
    err_o = probs - labels
    g_weights_out = act_h.T @ err_o / count
    g_bias_out = err_o.sum(axis=0, keepdims=True) / count
    err_h = (err_o @ weights_out.T) * (1.0 - pre_h**2)
    g_weights_hidden = X.T @ err_h / count
    g_bias_hidden = err_h.sum(axis=0, keepdims=True) / count
    return g_weights_hidden, g_bias_hidden, g_weights_out, g_bias_out
