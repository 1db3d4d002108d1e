"""The forward's tuple placed where the code's own backward call places it (adapters.callsite), and a backward
that returns the weights it just updated read from its update, not as gradients (adapters.readers.echoed)."""

from __future__ import annotations

import ast
import textwrap

import numpy as np

from gradcheck.audit.adapters.callsite import positional
from gradcheck.audit.adapters.readers.echoed import echoes_weights
from gradcheck.audit.adapters.step import Grad, Step1


def forward(X, W):
    return X, X * 2, X * 3


def backward(inputs, t, a, b, c, W, lr=0.1):
    return None


RET = ("pre", "hid", "out")


def _tree(src: str) -> ast.Module:
    return ast.parse(textwrap.dedent(src))


def test_a_spread_cache_binds_the_positions_it_fills():
    tree = _tree("""
        cache = forward(X, W)
        backward(X, t, *cache, W)
    """)
    assert positional(tree, forward, backward, RET) == {"a": "pre", "b": "hid", "c": "out"}


def test_a_spread_call_and_unpacked_names_inside_a_function_bind_too():
    spread = _tree("""
        def train():
            for _ in range(3):
                backward(X, t, *forward(X, W), W)
    """)
    assert positional(spread, forward, backward, RET) == {"a": "pre", "b": "hid", "c": "out"}
    unpacked = _tree("""
        if __name__ == "__main__":
            z, h, o = forward(X, W)
            backward(X, t, z, h, o, W)
    """)
    assert positional(unpacked, forward, backward, RET) == {"a": "pre", "b": "hid", "c": "out"}
    shuffled = _tree("""
        z, h, o = forward(X, W)
        backward(X, t, o, h, z, W)
    """)
    assert positional(shuffled, forward, backward, RET) == {"a": "out", "b": "hid", "c": "pre"}


def test_no_call_disagreeing_calls_or_an_unknown_spread_bind_nothing():
    assert positional(_tree("cache = forward(X, W)"), forward, backward, RET) == {}
    disagree = _tree("""
        z, h, o = forward(X, W)
        backward(X, t, z, h, o, W)
        backward(X, t, o, h, z, W)
    """)
    assert positional(disagree, forward, backward, RET) == {}
    other = _tree("""
        stuff = helper(X)
        backward(X, t, *stuff, W)
    """)
    assert positional(other, forward, backward, RET) == {}
    assert positional(None, forward, backward, RET) == {}
    assert positional(_tree("backward(X, t, *forward(X, W), W)"), forward, backward, "not a tuple") == {}


def _step(before, after):
    return Step1(None, before, after, None, None, None, False, "", None, {})


def test_echoed_weights_are_told_from_gradients():
    before = [np.ones((2, 2)), np.zeros(2)]
    after = [before[0] - 0.1, before[1] + 0.2]
    step = _step(before, after)
    echoed = [Grad(0, "ret[0]", "position", after[0].copy()), Grad(1, "ret[1]", "position", after[1].copy())]
    assert echoes_weights(echoed, step)
    grads = [Grad(0, "ret[0]", "position", np.ones((2, 2))), Grad(1, "ret[1]", "position", -2 * np.ones(2))]
    assert not echoes_weights(grads, step)
    # weights that did not move: the returned arrays may be anything, never read as an update
    still = _step(before, [b.copy() for b in before])
    assert not echoes_weights([Grad(0, "ret[0]", "position", before[0].copy())], still)
    assert not echoes_weights([], step)
