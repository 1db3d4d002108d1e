"""An updater's inline forward (``nn_epoch(X, y, W1, W2, lr, batch)``) and its batch argument given the whole batch."""

from __future__ import annotations

import textwrap

import numpy as np

from gradcheck.audit.adapters.calling import bind_args
from gradcheck.audit.adapters.inlineforward import inline_forward, takes_scores

EPOCH = """
import numpy as np

def softmax_loss(Z, y):
    return 0.0

def nn_epoch(X, y, W1, W2, lr=0.1, batch=100):
    for i in range(0, len(X), batch):
        xb = X[i:i + batch]
        h = np.maximum(xb @ W1, 0)
        logits = h @ W2
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        W2 -= lr * h.T @ (probs - np.eye(W2.shape[1])[y[i:i + batch]])
        logits = np.maximum(xb @ W1, 0) @ W2  # recomputed after the update: the same at rate 0
"""


def _module(tmp_path, source: str = EPOCH) -> dict:
    path = tmp_path / "hw.py"
    path.write_text(textwrap.dedent(source))
    ns: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), ns)
    return ns


def test_the_scores_or_probabilities_at_the_weights_given_and_the_weights_untouched(tmp_path):
    ns = _module(tmp_path)
    rng = np.random.default_rng(0)
    X, y, W1, W2 = rng.normal(size=(6, 3)), np.arange(6) % 2, rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    before = (W1.copy(), W2.copy())
    scores = inline_forward(ns["nn_epoch"], scores=True)
    assert np.allclose(scores(X, y, W1, W2, batch=6), np.maximum(X @ W1, 0) @ W2)
    probs = inline_forward(ns["nn_epoch"])(X, y, W1, W2, batch=6)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert np.array_equal(W1, before[0]) and np.array_equal(W2, before[1])
    assert inline_forward(ns["nn_epoch"])(X, y, W1, W2, batch=4) is None  # the last mini-batch's rows only
    assert takes_scores({"softmax_loss": ns["softmax_loss"]})


def test_no_rate_or_no_output_local_is_no_inline_forward(tmp_path):
    ns = _module(tmp_path, "def step(X, y, W1):\n    out = X @ W1\n    return out\n\ndef upd(X, W, lr):\n    W -= lr\n")
    assert inline_forward(ns["step"]) is None and inline_forward(ns["upd"]) is None


def test_a_batch_size_knob_is_the_whole_batch_and_a_batch_of_samples_is_not(tmp_path):
    ns = _module(tmp_path, "def nn_epoch(X, y, W1, lr=0.1, batch=100):\n    pass\n\ndef run(batch):\n    pass\n")
    ctx = {"X": lambda: "X", "Y": lambda: "Y", "lr": lambda: 0.5, "batch_size": lambda: 16, "=W1": lambda: "W1"}
    args, kwargs, _ = bind_args(ns["nn_epoch"], ctx, ["X", "Y"], "nn_epoch")
    assert [*args, *kwargs.values()] == ["X", "Y", "W1", 0.5, 16]
    args, _, used = bind_args(ns["run"], ctx, ["X", "Y"], "run")
    assert used == ["X"]  # run(batch): the data, by position


OVERWRITTEN = """
import numpy as np

def nn_epoch(X, y, W1, W2, lr=0.1, batch=100):
    Z1 = np.maximum(X @ W1, 0)
    Z2 = Z1 @ W2
    Z2 = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    Z2 /= Z2.sum(axis=1, keepdims=True)
    I_y = np.eye(W2.shape[1])[y]
    W2 -= lr * Z1.T @ (Z2 - I_y) / len(X)
"""


def test_scores_rebound_to_probabilities_are_read_as_scores(tmp_path):
    """``Z2`` holds the logits, then the probabilities: read as scores it is their log (the logits up to a constant
    per sample), never the probabilities taken for scores (before: a student's correct softmax_loss(Z, y) was
    evaluated on probabilities and disagreed with every reference loss)."""
    ns = _module(tmp_path, OVERWRITTEN)
    rng = np.random.default_rng(1)
    X, y, W1, W2 = rng.normal(size=(5, 3)), np.arange(5) % 3, rng.normal(size=(3, 4)), rng.normal(size=(4, 3))
    got = inline_forward(ns["nn_epoch"], scores=True)(X, y, W1, W2)
    logits = np.maximum(X @ W1, 0) @ W2
    shift = got - logits
    assert np.allclose(shift, shift[:, :1])  # a constant per sample
    again = inline_forward(ns["nn_epoch"])(X, y, W1, W2)  # a name of scores is read as scores either way
    assert np.allclose(again, got)
