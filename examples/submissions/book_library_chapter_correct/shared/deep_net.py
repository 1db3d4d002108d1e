"""The book's ready-made deep network, for the later chapters."""

import numpy as np

from shared.blocks import Dense, Rectifier, SoftmaxCrossEntropy


class DeepNet:
    def __init__(self, input_size, hidden_sizes, output_size, weight_decay=0.0):
        sizes = [input_size, *hidden_sizes, output_size]
        self.params, self.blocks = {}, []
        for i in range(1, len(sizes)):
            self.params[f"W{i}"] = np.random.randn(sizes[i - 1], sizes[i]) * 0.1
            self.params[f"b{i}"] = np.zeros(sizes[i])
            self.blocks.append(Dense(self.params[f"W{i}"], self.params[f"b{i}"]))
            if i < len(sizes) - 1:
                self.blocks.append(Rectifier())
        self.last = SoftmaxCrossEntropy()
        self.weight_decay = weight_decay

    def predict(self, x):
        for blk in self.blocks:
            x = blk.forward(x)
        return x

    def loss(self, x, t):
        decay = sum(0.5 * self.weight_decay * np.sum(self.params[k] ** 2) for k in self.params if k[0] == "W")
        return self.last.forward(self.predict(x), t) + decay

    def gradient(self, x, t):
        self.loss(x, t)
        d = self.last.backward()
        for blk in reversed(self.blocks):
            d = blk.backward(d)
        grads, dense = {}, [b for b in self.blocks if isinstance(b, Dense)]
        for i, blk in enumerate(dense, 1):
            grads[f"W{i}"] = blk.dW + self.weight_decay * blk.W
            grads[f"b{i}"] = blk.db
        return grads
