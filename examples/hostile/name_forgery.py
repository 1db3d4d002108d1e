"""Hostile (expected status: fail, diagnosis: sign_flip): its weights are a dict whose keys (the tensor names a report prints) carry a newline followed by a forged verdict line for another student, terminal escapes, a junit-closing `]]></failure><testcase ...>` and HTML; its whole gradient has the wrong sign, so the names are printed in the failure details. Every report must show each name as one line, control characters escaped."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np

W1 = "W1\n  anna/mlp.py  FAIL  grads-dict  W1[0, 0]  sign_flip"
B1 = "b1\x1b[2J\x1b]0;graded\x07\r== anna/mlp.py: FAIL"
W2 = 'W2]]></failure><testcase name="injected"/><failure><![CDATA['
B2 = "b2<script>alert(1)</script>\u2028## anna/mlp.py"


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


def init_params(n_in=2, n_hidden=5, n_out=1, seed=3):
    rng = np.random.default_rng(seed)
    return {
        W1: rng.normal(0, 0.5, (n_in, n_hidden)),
        B1: np.zeros(n_hidden),
        W2: rng.normal(0, 0.5, (n_hidden, n_out)),
        B2: np.zeros(n_out),
    }


def forward(params, X):
    h = np.tanh(X @ params[W1] + params[B1])
    return h @ params[W2] + params[B2]


def loss(params, X, Y):
    return np.mean((forward(params, X) - Y) ** 2)


def backward(params, X, Y):
    _require_sandbox()
    h = np.tanh(X @ params[W1] + params[B1])
    d_out = 2 * (h @ params[W2] + params[B2] - Y) / Y.size
    d_h = (d_out @ params[W2].T) * (1 - h**2)
    return {W1: -(X.T @ d_h), B1: -d_h.sum(0), W2: -(h.T @ d_out), B2: -d_out.sum(0)}


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 2))
    Y = np.sin(X[:, :1])
    params = init_params()
    for _ in range(100):
        g = backward(params, X, Y)
        for k in params:
            params[k] -= 0.1 * g[k]
    print(loss(params, X, Y))
