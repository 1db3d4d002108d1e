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


def test_an_identity_output_is_the_last_pre_activation_when_no_activation_of_its_layer_is_returned():
    from gradcheck.audit.adapters.returns import output_index

    z1, a1, z2 = np.zeros((4, 5)), np.ones((4, 5)), np.full((1, 5), 2.0)
    assert output_index(["Z1", "A1", "Z2"], (z1, a1, z2), 5) == 2
    a2 = np.full((1, 5), 3.0)
    assert output_index(["Z1", "A1", "Z2", "A2"], (z1, a1, z2, a2), 5) == 3  # a sigmoid output: A2
    assert output_index(["z1", "a1"], (z1, a1), 5) == 1  # no later pre-activation: the activation


def test_weights_kept_as_lists_of_python_numbers_are_named_and_arrays_are_not():
    from gradcheck.audit.adapters.scalarlists import scalar_weights

    def stmts(src):
        return ast.parse(textwrap.dedent(src)).body

    dicts = stmts("""
        from random import random
        def make(n, h):
            return [[{"weights": [random() - 0.5 for _ in range(n + 1)]} for _ in range(h)]]
    """)
    assert "['weights'] (line 4)" in scalar_weights(dicts)
    literal = stmts("ih_wgt = [[0.1, -0.2], [0.3, 0.4]]")
    assert scalar_weights(literal) == "ih_wgt (line 1)"
    arrayed = stmts("""
        import random, numpy as np
        class N:
            def __init__(self):
                self.w1 = [random.uniform(-1, 1) for _ in range(3)]
                self.w1 = np.array(self.w1)
    """)
    assert scalar_weights(arrayed) is None
    targets = stmts("""
        from random import random
        expected = [0 for _ in range(3)]
        inputs = [random() for _ in range(3)]
        lr = 0.5
        W = np.random.uniform(-1, 1, (3, 2))
        w = [np.random.randn(3) for _ in range(2)]
    """)
    assert scalar_weights(targets) is None


def test_loss_abbreviations_are_losses_and_look_alikes_are_not():
    from gradcheck.audit.adapters.lossfind import is_loss_name

    for name in ("xent", "softmax_xent", "ce", "ce_loss", "sse", "nll", "logloss", "J", "cost", "bce_loss"):
        assert is_loss_name(name), name
    for name in ("force", "distance", "centroid", "max_entropy", "index_entry", "ce_grad", "xent_prime", "success"):
        assert not is_loss_name(name), name


def test_a_signed_residual_is_never_read_as_an_inline_loss():
    from gradcheck.audit.adapters.inline import in_tree

    src = textwrap.dedent("""
        error_output = layers[-1] - expected_output
        error = 0.5 * np.sum((layers[-1] - expected_output) ** 2)
        cost = np.mean(np.abs(y_hat - y))
    """)
    found = [loss.target for loss in in_tree(ast.parse(src), "f.py")]
    assert found == ["error", "cost"]


def test_a_forward_returning_python_numbers_is_the_output():
    from gradcheck.audit.adapters.outputs import network_output

    def predict(x):
        return [0.25, np.float64(0.75)]

    out, how = network_output(predict, predict(None), None, 1)
    assert np.array_equal(out, [0.25, 0.75]) and how == "returned list of numbers"
    flags = [True, False]
    assert network_output(predict, flags, None, 1)[0] is None  # bools are decisions, not outputs


def test_weights_declared_global_and_never_made_are_named():
    from gradcheck.audit.adapters.uncreated import missing_globals

    src = textwrap.dedent("""
        import numpy as np
        RATE = 0.01
        def forward(x):
            global W1, W2
            return np.tanh(x @ W1) @ W2
        def step(x, g1, g2):
            global W1, W2, RATE
            W1 -= RATE * g1
            W2 -= RATE * g2
    """)
    assert missing_globals(ast.parse(src).body, {}) == ["W1", "W2"]
    made_later = src + "\nif __name__ == '__main__':\n    W1 = np.zeros((3, 4))\n"
    assert missing_globals(ast.parse(made_later).body, {}) == ["W2"]
    assert missing_globals(ast.parse(src).body, {"W1": 1, "W2": 2}) == []  # the module made them on load
