"""A classifier of layer objects whose loss is a layer with state, trained by a fixed loop.

Net.forward(x) runs Dense, ReLU, Dense and the softmax of SoftmaxCrossEntropy; its
loss(labels) one-hot encodes the integer labels and keeps them, and backward() (no
argument) starts from them: Net.train() calls the loss between forward and backward.
Each Dense keeps its gradients (grad_W, grad_b) and steps them with a rate written
inside step(); train() runs 2,000 full-batch steps in one call.
"""

import numpy as np


class Dense:
    def __init__(self, fan_in, fan_out):
        self.W = np.random.normal(0.0, 0.5, (fan_in, fan_out))
        self.b = np.zeros(fan_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, upstream):
        self.grad_W = self.x.T @ upstream
        self.grad_b = upstream.sum(axis=0)
        return upstream @ self.W.T

    def step(self):
        self.W = self.W - 0.05 * self.grad_W
        self.b = self.b - 0.05 * self.grad_b


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, upstream):
        return upstream * self.mask


class SoftmaxCrossEntropy:
    def forward(self, scores):
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        self.probs = shifted / shifted.sum(axis=1, keepdims=True)
        return self.probs

    def loss(self, labels):
        self.onehot = np.zeros_like(self.probs)
        self.onehot[np.arange(len(labels)), labels] = 1.0
        return -np.mean(np.sum(self.onehot * np.log(self.probs + 1e-12), axis=1))

    def backward(self):
        return (self.probs - self.onehot) / len(self.probs)


class Net:
    def __init__(self, n_features, n_hidden, n_classes):
        self.hidden = Dense(n_features, n_hidden)
        self.act = ReLU()
        self.out = Dense(n_hidden, n_classes)
        self.head = SoftmaxCrossEntropy()

    def forward(self, x):
        return self.head.forward(self.out.forward(self.act.forward(self.hidden.forward(x))))

    def backward(self):
        g = self.head.backward()
        g = self.out.backward(g)
        g = self.act.backward(g)
        self.hidden.backward(g)

    def train(self, x, labels):
        history = []
        for it in range(2000):
            self.forward(x)
            cost = self.head.loss(labels)
            self.backward()
            self.hidden.step()
            self.out.step()
            if it % 100 == 0:
                history.append(cost)
        return history


if __name__ == "__main__":
    rng = np.random.default_rng(3)
    points = rng.standard_normal((60, 2))
    classes = (points[:, 0] * points[:, 1] > 0).astype(int)
    print(Net(2, 8, 2).train(points, classes)[-1])
