"""Bug: as compose_relay_x_correct.py, with Tanh.backward taking tanh's derivative at its output,
1 - tanh(out)**2, where 1 - out**2 (its value at the input) belongs: the first Dense layer's gradients are wrong."""
import numpy as np


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.normal(0, 0.4, (n_in, n_out))
        self.b = np.zeros(n_out)
        self.dW = None
        self.db = None

    def forward(self, x):
        self.inp = x
        return x @ self.W + self.b

    def backward(self, g):
        self.dW = self.inp.T @ g
        self.db = g.sum(axis=0)
        return g @ self.W.T

    def weights(self):
        return [(self.W, self.dW), (self.b, self.db)]


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, g):
        return g * (1 - np.tanh(self.out) ** 2)

    def weights(self):
        return []


class SoftmaxCrossEntropyLoss:
    def forward(self, logits, labels):
        s = logits - logits.max(axis=1, keepdims=True)
        self.p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        self.labels = labels
        return float(-np.mean(np.log(self.p[np.arange(len(labels)), labels])))

    def backward(self):
        g = self.p.copy()
        g[np.arange(len(self.labels)), self.labels] -= 1
        return g / len(self.labels)


class Compose:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, x):
        for layer in reversed(self.layers):
            x = layer.backward(x)
        return x

    def weights(self):
        return [p for layer in self.layers for p in layer.weights()]


class SGD:
    def __init__(self, lr=0.1):
        self.lr = lr

    def step(self, params):
        for p, g in params:
            p -= self.lr * g


def train_step(x, y, model, loss, opt):
    value = loss.forward(model.forward(x), y)
    model.backward(loss.backward())
    opt.step(model.weights())
    return value


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4))
    y = rng.integers(0, 3, 30)
    model = Compose([Dense(4, 8), Tanh(), Dense(8, 3)])
    loss, opt = SoftmaxCrossEntropyLoss(), SGD(0.2)
    for _ in range(50):
        train_step(x, y, model, loss, opt)


if __name__ == '__main__':
    main()
