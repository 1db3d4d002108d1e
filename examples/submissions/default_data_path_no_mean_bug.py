"""A classifier for a course's pixel set, all in one class.

The constructor reads the pickled splits itself unless data_file is None (the grader's copy of
the data is not handed in). init_weights(shape) makes the weights, shape being [inputs, classes],
with hidden_widths between them. The forward keeps Bishop's letters: a<k> is layer k's weighted
sum and z<k> its activation, all in the one dict it returns (so the top layer's output is z3,
the softmax of a3).
"""

import pickle

import numpy as np


class PixelClassifier:
    def __init__(self, hidden_widths=(24, 12), data_file="pixels_split.pkl", classes=10, rate=0.05, seed=None):
        self.hidden_widths = tuple(hidden_widths)
        self.depth = len(self.hidden_widths)
        self.classes = classes
        self.rate = rate
        self.seed = seed
        if data_file is None:
            self.splits = None
        else:
            with open(data_file, "rb") as fh:
                self.splits = pickle.load(fh)

    def init_weights(self, shape):
        rng = np.random.default_rng(self.seed)
        widths = [shape[0], *self.hidden_widths, shape[1]]
        self.params = {}
        for k in range(1, len(widths)):
            bound = np.sqrt(6.0 / (widths[k - 1] + widths[k]))
            self.params["W%d" % k] = rng.uniform(-bound, bound, (widths[k - 1], widths[k]))
            self.params["b%d" % k] = np.zeros((1, widths[k]))

    @staticmethod
    def _softmax(s):
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def forward(self, x):
        memo = {"z0": x}
        for k in range(1, self.depth + 1):
            memo["a%d" % k] = memo["z%d" % (k - 1)] @ self.params["W%d" % k] + self.params["b%d" % k]
            memo["z%d" % k] = np.tanh(memo["a%d" % k])
        top = self.depth + 1
        memo["a%d" % top] = memo["z%d" % self.depth] @ self.params["W%d" % top] + self.params["b%d" % top]
        memo["z%d" % top] = self._softmax(memo["a%d" % top])
        return memo

    def backward(self, memo, onehot):
        n = memo["z0"].shape[0]
        top = self.depth + 1
        grads = {}
        delta = memo["z%d" % top] - onehot
        for k in range(top, 0, -1):
            grads["dW%d" % k] = memo["z%d" % (k - 1)].T @ delta / n
            grads["db%d" % k] = delta.sum(axis=0, keepdims=True) / (n if k > 1 else 1)
            if k > 1:
                delta = (delta @ self.params["W%d" % k].T) * (1.0 - memo["z%d" % (k - 1)] ** 2)
        return grads

    def step(self, grads):
        for k in range(1, self.depth + 2):
            self.params["W%d" % k] -= self.rate * grads["dW%d" % k]
            self.params["b%d" % k] -= self.rate * grads["db%d" % k]

    def cost(self, probs, onehot):
        return -np.sum(onehot * np.log(np.clip(probs, 1e-12, 1.0))) / onehot.shape[0]

    def train(self, epochs=20, batch=50):
        x, y = self.splits[0]
        onehot = np.eye(self.classes)[y]
        self.init_weights([x.shape[1], self.classes])
        for _ in range(epochs):
            for i in range(0, len(x), batch):
                memo = self.forward(x[i : i + batch])
                self.step(self.backward(memo, onehot[i : i + batch]))
        return self.cost(self.forward(x)["z%d" % (self.depth + 1)], onehot)


if __name__ == "__main__":
    model = PixelClassifier(data_file="pixels_split.pkl", seed=3)
    print(model.train())
