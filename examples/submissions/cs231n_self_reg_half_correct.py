import numpy as np


class ThreeLayerConvFreeNet:
    """affine - tanh - affine - softmax, with the L2 strength kept on the object (self.reg)."""

    def __init__(self, input_dim=3 * 4 * 4, hidden_dim=10, num_classes=3, weight_scale=1e-2, reg=0.0):
        self.reg = reg
        self.params = {
            "W1": weight_scale * np.random.randn(input_dim, hidden_dim),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * np.random.randn(hidden_dim, num_classes),
            "b2": np.zeros(num_classes),
        }

    def loss(self, X, y=None):
        W1, b1, W2, b2 = self.params["W1"], self.params["b1"], self.params["W2"], self.params["b2"]
        hidden = np.tanh(np.dot(X, W1) + b1)
        scores = np.dot(hidden, W2) + b2
        if y is None:
            return scores
        num_train = X.shape[0]
        exp = np.exp(scores - np.max(scores, axis=1, keepdims=True))
        probs = exp / np.sum(exp, axis=1, keepdims=True)
        data_loss = -np.sum(np.log(probs[range(num_train), y])) / num_train
        reg_loss = 0.5 * self.reg * float(np.sum(W1 ** 2) + np.sum(W2 ** 2))
        loss = float(data_loss + reg_loss)
        dscores = probs
        dscores[range(num_train), y] -= 1.0
        dscores /= num_train
        grads = {}
        grads["W2"] = np.dot(hidden.T, dscores) + self.reg * W2
        grads["b2"] = np.sum(dscores, axis=0)
        dhidden = np.dot(dscores, W2.T) * (1.0 - hidden ** 2)
        grads["W1"] = np.dot(X.T, dhidden) + self.reg * W1
        grads["b1"] = np.sum(dhidden, axis=0)
        return loss, grads
