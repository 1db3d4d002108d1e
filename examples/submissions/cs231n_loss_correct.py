"""Correct: CS231n-style TwoLayerNet (self.params dict, loss(X, y) -> (loss, grads)), 4-10-2 tanh hidden, identity output, MSE over all entries."""
import numpy as np


class TwoLayerNet(object):
    """
    A two-layer fully-connected network for regression:

    input - fully connected layer - tanh - fully connected layer - (identity)

    The loss is the mean squared error averaged over the N x C output matrix.
    """

    def __init__(self, input_size=4, hidden_size=10, output_size=2, std=1e-1):
        """
        Weights are initialized to small random values and biases to zero.
        self.params:
        W1: (D, H), b1: (H,), W2: (H, C), b2: (C,)
        """
        self.params = {}
        self.params['W1'] = std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = std * np.random.randn(hidden_size, output_size)
        self.params['b2'] = np.zeros(output_size)

    def loss(self, X, y=None, reg=0.0):
        """
        Compute the loss and gradients.

        Inputs:
        - X: (N, D) input data
        - y: (N, C) regression targets. If None, return the scores only.
        - reg: L2 regularization strength (0 = none)

        Returns (loss, grads) where grads maps parameter names to gradients.
        """
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        N, D = X.shape

        # forward pass
        h_pre = X.dot(W1) + b1
        h = np.tanh(h_pre)
        scores = h.dot(W2) + b2

        if y is None:
            return scores

        diff = scores - y
        loss = np.mean(diff ** 2)
        loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

        # backward pass
        grads = {}
        dscores = 2.0 * diff / diff.size
        grads['W2'] = h.T.dot(dscores) + 2 * reg * W2
        grads['b2'] = np.sum(dscores, axis=0)
        dh = dscores.dot(W2.T)
        dh_pre = dh * (1 - h ** 2)
        grads['W1'] = X.T.dot(dh_pre) + 2 * reg * W1
        grads['b1'] = np.sum(dh_pre, axis=0)

        return loss, grads

    def train(self, X, y, learning_rate=1e-2, reg=0.0, num_iters=100, verbose=False):
        loss_history = []
        for it in range(num_iters):
            loss, grads = self.loss(X, y=y, reg=reg)
            loss_history.append(loss)
            for name in self.params:
                self.params[name] -= learning_rate * grads[name]
            if verbose and it % 100 == 0:
                print('iteration %d / %d: loss %f' % (it, num_iters, loss))
        return {'loss_history': loss_history}

    def predict(self, X):
        return self.loss(X)


if __name__ == "__main__":
    np.random.seed(0)
    X = np.random.randn(100, 4)
    y = np.stack([X[:, 0] - X[:, 1], np.sin(X[:, 2]) * X[:, 3]], axis=1)
    net = TwoLayerNet(4, 10, 2)
    stats = net.train(X, y, learning_rate=0.1, num_iters=10000, verbose=True)
    print('final training loss:', stats['loss_history'][-1])
