"""A stateful loss object whose value method stores (output, target) for its gradient method.

``loss_function.loss_value(out, label)`` sets ``self.input`` and ``self.target``; ``gradient()`` takes
nothing and reads them. The value method is called before the gradient one, as the training loop does.
"""

from __future__ import annotations

import textwrap

SOURCE = textwrap.dedent(
    """
    import numpy as np


    class SquareLoss:
        def loss_value(self, prediction, wanted):
            self.input = prediction
            self.target = wanted
            self.count = prediction.shape[0]
            return 0.5 * np.sum((prediction - wanted) ** 2) / self.count

        def gradient(self):
            return (self.input - self.target) / self.count


    class Dense:
        def __init__(self, n_in, n_out, squash):
            self.W = np.random.randn(n_in, n_out) * 0.5
            self.b = np.zeros((1, n_out))
            self.squash = squash

        def forward(self, x):
            self.x = x
            z = x @ self.W + self.b
            self.out = np.tanh(z) if self.squash else z
            return self.out

        def backprop(self, g):
            if self.squash:
                g = g * (1 - self.out ** 2)
            self.dW = self.x.T @ g
            self.db = g.sum(axis=0, keepdims=True)
            return g @ self.W.T

        def update(self, lr):
            self.W -= lr * self.dW
            self.b -= lr * self.db


    class Model:
        def __init__(self, n_in, n_out, n_hidden):
            self.Layers = [Dense(n_in, n_hidden, True), Dense(n_hidden, n_out, False)]

        def forward(self, x):
            for layer in self.Layers:
                x = layer.forward(x)
            return x

        def backprop(self, grad_of_loss):
            for layer in reversed(self.Layers):
                grad_of_loss = layer.backprop(grad_of_loss)

        def update(self, lr=0.01):
            for layer in self.Layers:
                layer.update(lr)


    def train(model, loss_function, x, y, epochs, lr):
        for epoch in range(epochs):
            out = model.forward(x)
            value = loss_function.loss_value(out, y)
            loss_grad = loss_function.gradient()
            model.backprop(loss_grad)
            model.update(lr=lr)


    if __name__ == "__main__":
        net = Model(3, 2, 5)
        train(net, SquareLoss(), np.random.randn(8, 3), np.random.randn(8, 2), 10, 0.01)
    """
)
#: The hidden activation's derivative written as 1 + out**2.
DERIV_BUG = SOURCE.replace("g = g * (1 - self.out ** 2)", "g = g * (1 + self.out ** 2)")


def test_a_stored_loss_is_valued_before_its_gradient(tmp_path, audit_json):
    (tmp_path / "stateful_ok.py").write_text(SOURCE)
    (tmp_path / "stateful_deriv_bug.py").write_text(DERIV_BUG)
    res = audit_json([tmp_path / "stateful_ok.py", tmp_path / "stateful_deriv_bug.py"], tmp_path / "out")
    ok, bug = res["stateful_ok.py"], res["stateful_deriv_bug.py"]
    assert ok["status"] == "pass", (ok.get("error"), ok["notes"])
    assert bug["status"] == "fail", (bug.get("error"), bug["notes"])
    failed = {t["name"] for t in bug["tensors"] if t["status"] == "fail"}
    assert failed and all("[0]" in name for name in failed), bug["tensors"]
