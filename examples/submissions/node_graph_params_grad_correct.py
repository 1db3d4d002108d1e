"""Two-layer classifier built from small computation nodes.

The network keeps its weights in ``self.params`` and, after ``backprop``, the
gradient of each weight under the same key in ``self.params_grad``.
Hidden layer: ReLU. Output: softmax with cross-entropy on one-hot targets,
averaged over the batch.
"""

import numpy as np


class Linear:
    def forward(self, x, W, b):
        self.x, self.W = x, W
        return x @ W + b

    def backprop(self, dout):
        return dout @ self.W.T, self.x.T @ dout, dout.sum(axis=0)


class Rectifier:
    def forward(self, x):
        self.on = x > 0
        return np.where(self.on, x, 0.0)

    def backprop(self, dout):
        return dout * self.on


class SoftmaxCrossEntropy:
    def forward(self, x, target):
        shifted = x - x.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        self.prob = e / e.sum(axis=1, keepdims=True)
        self.onehot = target
        return -np.sum(target * np.log(self.prob)) / len(x)

    def backprop(self):
        return (self.prob - self.onehot) / len(self.prob)


class Classifier:
    def __init__(self):
        rng = np.random.default_rng(3)
        self.params = {
            "W1": rng.normal(0.0, 0.3, (6, 12)),
            "b1": np.zeros(12),
            "W2": rng.normal(0.0, 0.3, (12, 4)),
            "b2": np.zeros(4),
        }
        self.params_grad = {}
        self.fc1, self.act, self.fc2 = Linear(), Rectifier(), Linear()
        self.output = SoftmaxCrossEntropy()

    def forward(self, x):
        h = self.act.forward(self.fc1.forward(x, self.params["W1"], self.params["b1"]))
        return self.fc2.forward(h, self.params["W2"], self.params["b2"])

    def loss(self, x, onehot):
        return self.output.forward(self.forward(x), onehot)

    def backprop(self, x, onehot):
        self.loss(x, onehot)
        dh, self.params_grad["W2"], self.params_grad["b2"] = self.fc2.backprop(self.output.backprop())
        _, self.params_grad["W1"], self.params_grad["b1"] = self.fc1.backprop(self.act.backprop(dh))

    def step(self, x, onehot, rate=0.05):
        self.backprop(x, onehot)
        for key in self.params:
            self.params[key] -= rate * self.params_grad[key]


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 6))
    labels = (x[:, 0] > 0).astype(int) + 2 * (x[:, 1] > 0).astype(int)
    onehot = np.eye(4)[labels]
    net = Classifier()
    for epoch in range(300):
        net.step(x, onehot)
    print("loss", net.loss(x, onehot))
