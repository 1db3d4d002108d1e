import numpy as np


class TwoLayerClassifier(object):
    """ReLU hidden layer, softmax scores; loss() returns (loss, grads) with 0.5 * reg * sum(W**2) added."""

    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-2):
        self.params = {
            "W1": weight_scale * np.random.randn(input_dim, hidden_dim),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * np.random.randn(hidden_dim, num_classes),
            "b2": np.zeros(num_classes),
        }

    def loss(self, X, y=None, reg=0.0):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        hidden = np.maximum(0, X.dot(W1) + b1)
        scores = hidden.dot(W2) + b2
        if y is None:
            return scores
        num = X.shape[0]
        scores = scores - scores.max(axis=1, keepdims=True)
        probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(num), y]).sum() / num
        loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
        dscores = probs
        dscores[np.arange(num), y] -= 1
        dscores /= num
        grads = {"W2": hidden.T.dot(dscores) + 2 * reg * W2, "b2": dscores.sum(axis=0)}
        dhidden = dscores.dot(W2.T) * (hidden > 0)
        grads["W1"] = X.T.dot(dhidden) + 2 * reg * W1
        grads["b1"] = dhidden.sum(axis=0)
        return loss, grads
