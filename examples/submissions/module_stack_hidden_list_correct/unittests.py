"""The course's checks of the modules against numerical gradients (run with python -m unittest)."""
import unittest

import numpy as np

from modules import CrossEntropyModule, LinearModule, ReLUModule, SoftMaxModule


def rel_error(x, y):
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


def numerical_gradient(f, x, df, h=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        pos = f(x).copy()
        x[i] = old - h
        neg = f(x).copy()
        x[i] = old
        grad[i] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


class TestModules(unittest.TestCase):
    def test_linear(self):
        x, layer = np.random.randn(4, 3), LinearModule(3, 5)
        dout = np.random.randn(4, 5)
        dx = layer.backward(dout) if layer.forward(x) is not None else None
        self.assertLess(rel_error(dx, numerical_gradient(layer.forward, x, dout)), 1e-6)

    def test_relu(self):
        x, layer = np.random.randn(4, 3), ReLUModule()
        dout = np.random.randn(4, 3)
        layer.forward(x)
        self.assertLess(rel_error(layer.backward(dout), numerical_gradient(layer.forward, x, dout)), 1e-6)

    def test_softmax_and_loss(self):
        x = np.random.rand(4, 3) + 0.1
        y = np.random.randint(0, 3, 4)
        loss = CrossEntropyModule()
        dx = loss.backward(x, y)
        self.assertLess(rel_error(dx, numerical_gradient(lambda v: np.array(loss.forward(v, y)), x, 1.0)), 1e-6)
        self.assertIsNotNone(SoftMaxModule())


if __name__ == "__main__":
    unittest.main()
