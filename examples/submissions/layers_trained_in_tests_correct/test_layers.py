"""Part 2: the layers put together and trained, as pytest tests."""

import numpy as np

from layers import Linear, Sigmoid


def run(stack, x):
    for layer in stack:
        x = layer.forward(x)
    return x


def test_two_layer_net_learns_a_curve():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (64, 3))
    y = np.tanh(x.sum(axis=1, keepdims=True))
    stack = [Linear(3, 6, rng), Sigmoid(), Linear(6, 1, rng)]
    losses = []
    for _ in range(200):
        out = run(stack, x)
        losses.append(np.mean((out - y) ** 2))
        grad = 2.0 * (out - y) / len(y)
        for layer in reversed(stack):
            grad = layer.backward(grad)
        for layer in (stack[0], stack[2]):
            layer.weight -= 0.3 * layer.gW
            layer.bias -= 0.3 * layer.gb
    assert losses[-1] < 0.5 * losses[0]
