"""Stored gradients an update clears after using them, and a backward whose ``loss`` argument is dL/d(output).

The network's ``backprop(self, loss)`` multiplies ``loss`` into its delta, stores ``self.grad_W[i]`` and ends
by calling ``update()``, which steps the weights and then zeroes the stored gradients. The loss class has no
derivative method: its ``forward(pred, target)`` returns ``(loss, grad)`` and its constructor takes the
arguments the script gives it. The gradient is read from the update, never from the cleared attributes.
"""

from __future__ import annotations

import textwrap

from gradcheck.diagnose.messages import uniform_message

SOURCE = textwrap.dedent(
    """
    import numpy as np


    def half_sse(pred, target):
        return np.sum(0.5 * (pred - target) ** 2)


    def grad_half_sse(pred, target):
        return pred - target


    class Criterion:
        def __init__(self, kind, classes):
            self.kind = kind
            self.classes = classes

        def forward(self, pred, target):
            return half_sse(pred, target), grad_half_sse(pred, target)


    class Net:
        def __init__(self, sizes, lr):
            self.lr = lr
            self.W = [np.random.randn(a, b) * 0.1 for a, b in zip(sizes[:-1], sizes[1:])]
            self.b = [np.zeros((1, b)) for b in sizes[1:]]
            self.grad_W = [np.zeros_like(w) for w in self.W]
            self.grad_b = [np.zeros_like(b) for b in self.b]

        def forward(self, x):
            self.acts, self.zs = [x], [x]
            a = x
            for i in range(len(self.W) - 1):
                z = a @ self.W[i] + self.b[i]
                self.zs.append(z)
                a = np.tanh(z)
                self.acts.append(a)
            return a @ self.W[-1] + self.b[-1]

        def out_slope(self, z):
            return 1

        def backprop(self, loss):
            delta = loss * self.out_slope(self.zs[-1])
            for i in range(len(self.W) - 1, -1, -1):
                self.grad_W[i] = self.acts[i].T @ delta
                self.grad_b[i] = np.sum(delta, axis=0)
                if i:
                    delta = (delta @ self.W[i].T) * (1 - np.tanh(self.zs[i]) ** 2)
            self.update()

        def update(self):
            for i in range(len(self.W)):
                self.W[i] -= self.lr * self.grad_W[i]
                self.b[i] -= self.lr * self.grad_b[i]
                self.grad_W[i] *= 0
                self.grad_b[i] *= 0


    if __name__ == "__main__":
        net = Net([3, 4, 1], 0.01)
        crit = Criterion("sse", 1)
        x = np.random.randn(8, 3)
        y = np.random.randn(8, 1)
        for epoch in range(10):
            pred = net.forward(x)
            value, grad_loss = crit.forward(pred, y)
            net.backprop(grad_loss)
    """
)
#: The hidden layer's delta with its sign turned: the update then climbs the loss there.
SIGN_BUG = SOURCE.replace("delta = (delta @ self.W[i].T) *", "delta = -(delta @ self.W[i].T) *")


def test_cleared_gradients_are_read_from_the_update(tmp_path, audit_json):
    (tmp_path / "cleared_ok.py").write_text(SOURCE)
    (tmp_path / "cleared_sign_bug.py").write_text(SIGN_BUG)
    res = audit_json([tmp_path / "cleared_ok.py", tmp_path / "cleared_sign_bug.py"], tmp_path / "out")
    ok, bug = res["cleared_ok.py"], res["cleared_sign_bug.py"]
    assert ok["status"] == "pass", (ok.get("error"), ok["notes"])
    assert ok["shape"] == "inplace-update"
    assert bug["status"] == "fail", (bug.get("error"), bug["notes"])
    assert bug["shape"] == "inplace-update"
    failed = {t["name"] for t in bug["tensors"] if t["status"] == "fail"}
    assert failed == {"W[0]", "b[0]"}
    assert all(t["status"] == "pass" for t in bug["tensors"] if t["name"] not in failed)
    codes = {d["code"] for d in bug["diagnoses"]}
    assert "sign_flip" in codes, bug["diagnoses"]


def test_a_gradient_zero_everywhere_is_never_called_a_convention():
    said = uniform_message("uniform_scale", 0.0, 16)
    assert "zero everywhere" in said
    assert "convention" not in said
    assert "convention" in uniform_message("uniform_scale", 3.7, 16)
