"""Correct: a CS231n-shaped classifier whose loss method is called objective(inputs, labels=None, l2=0.0):
with labels it returns (loss, slopes), slopes a dict keyed like self.weights; without them it returns the
predicted classes (np.argmax of the scores, each row shifted by its maximum first), never the scores.
ReLU hidden layer, softmax output, cross-entropy averaged over the batch plus
0.5 * l2 * (sum W1**2 + sum W2**2)."""
import numpy as np


class ShallowClassifier:
    def __init__(self, n_features, n_hidden, n_classes):
        self.weights = {
            "W1": 0.01 * np.random.randn(n_features, n_hidden),
            "b1": np.zeros(n_hidden),
            "W2": 0.01 * np.random.randn(n_hidden, n_classes),
            "b2": np.zeros(n_classes),
        }
        self.velocity = {}

    def objective(self, inputs, labels=None, l2=0.0):
        W1, b1 = self.weights["W1"], self.weights["b1"]
        W2, b2 = self.weights["W2"], self.weights["b2"]
        count = inputs.shape[0]

        hidden_in = inputs @ W1 + b1
        hidden = np.maximum(hidden_in, 0)
        scores = hidden @ W2 + b2
        scores = scores - scores.max(axis=1, keepdims=True)  # no overflow in exp
        if labels is None:
            return np.argmax(scores, axis=1)

        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        data_term = -np.mean(np.log(probs[np.arange(count), labels]))
        loss = data_term + 0.5 * l2 * (np.sum(W1 * W1) + np.sum(W2 * W2))

        slopes = {}
        err = probs.copy()
        err[np.arange(count), labels] -= 1
        err /= count
        slopes["W2"] = hidden.T @ err + l2 * W2
        slopes["b2"] = err.sum(axis=0)
        back = err @ W2.T
        back[hidden_in <= 0] = 0
        slopes["W1"] = inputs.T @ back + l2 * W1
        slopes["b1"] = back.sum(axis=0)
        return loss, slopes

    def train(self, inputs, labels, val_inputs, val_labels, rate=1e-2, mu=0.9, epochs=20, batch=50):
        history = []
        for epoch in range(epochs):
            pick = np.random.choice(inputs.shape[0], batch)
            loss, slopes = self.objective(inputs[pick], labels[pick])
            for key in self.weights:
                self.velocity[key] = mu * self.velocity.get(key, 0.0) - rate * slopes[key]
                self.weights[key] += self.velocity[key]
            accuracy = np.mean(self.objective(val_inputs) == val_labels)
            history.append((loss, accuracy))
        return history


if __name__ == "__main__":
    np.random.seed(1)
    X = np.random.randn(300, 5)
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)
    model = ShallowClassifier(5, 16, 3)
    for loss, acc in model.train(X[:200], y[:200], X[200:], y[200:], epochs=200):
        pass
    print("last loss %.4f, validation accuracy %.3f" % (loss, acc))
