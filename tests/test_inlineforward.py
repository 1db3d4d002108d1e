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


def test_no_rate_is_no_inline_forward_and_no_output_is_none_read(tmp_path):
    ns = _module(tmp_path, "def step(X, y, W1):\n    out = X @ W1\n    return out\n\ndef upd(X, W, lr):\n    W -= lr\n")
    assert inline_forward(ns["step"]) is None
    X, W = np.ones((4, 3)), np.ones((3, 2))
    assert inline_forward(ns["upd"])(X, W, 0.5) is None and np.array_equal(W, np.ones((3, 2)))  # nothing like an output


def test_without_an_output_name_the_first_probabilities_held_are_read_before_an_edit_in_place(tmp_path):
    """``P = E / E.sum(...)`` then ``P[np.arange(n), y] -= 1``: the probabilities, copied when first seen (the
    object itself ends as the gradient); their log where the module's loss takes scores."""
    source = """
import numpy as np

def nn_epoch(X, y, W1, W2, lr=0.1, batch=100):
    for i in range(len(X) // batch):
        xb, yb = X[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch]
        A = np.maximum(xb @ W1, 0)
        E = np.exp(A @ W2)
        P = E / E.sum(axis=1, keepdims=True)
        P[np.arange(batch), yb] -= 1
        W2 -= lr * A.T @ P / batch
"""
    ns = _module(tmp_path, source)
    rng = np.random.default_rng(2)
    X, y, W1, W2 = rng.normal(size=(6, 3)), np.arange(6) % 3, rng.normal(size=(3, 4)), rng.normal(size=(4, 3))
    s = np.maximum(X @ W1, 0) @ W2
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    assert np.allclose(inline_forward(ns["nn_epoch"])(X, y, W1, W2), p)
    assert np.allclose(inline_forward(ns["nn_epoch"], scores=True)(X, y, W1, W2), np.log(p))


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


def test_a_batch_knob_left_at_its_default_is_the_whole_batch_in_the_forward_too(tmp_path):
    """``np.zeros((batch, k))`` filled by ``I_y[np.arange(batch), yb] = 1``: at ``batch=100`` on 6 samples the read
    would raise (shape mismatch); an explicit ``batch`` is kept."""
    source = EPOCH.replace("probs - np.eye(W2.shape[1])[y[i:i + batch]]", "probs - hot").replace(
        "        W2 -= lr",
        "        hot = np.zeros((batch, W2.shape[1]))\n"
        "        hot[np.arange(batch), y[i:i + batch]] = 1\n"
        "        W2 -= lr",
    )
    ns = _module(tmp_path, source)
    rng = np.random.default_rng(1)
    X, y, W1, W2 = rng.normal(size=(6, 3)), np.arange(6) % 2, rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    probs = inline_forward(ns["nn_epoch"])(X, y, W1, W2)
    assert probs.shape == (6, 2) and np.allclose(probs.sum(axis=1), 1.0)
    assert inline_forward(ns["nn_epoch"])(X[:4], y[:4], W1, W2, batch=2) is None  # given: the last mini-batch's
