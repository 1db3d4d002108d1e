"""The network for the lab notebook: it uses Dense and Sigmoid from dense_layers.py,
which the notebook has run before this file (%run), so nothing is imported here."""


class TwoLayerRegressor:
    def __init__(self, n_in, n_hidden, n_out):
        self.stack = [Dense(n_in, n_hidden, seed=5), Sigmoid(), Dense(n_hidden, n_out, seed=6)]

    def predict(self, X):
        out = X
        for layer in self.stack:
            out = layer.forward(out)
        return out

    def mse(self, out, Y):
        return ((out - Y) ** 2).mean()

    def backward(self, out, Y):
        grad = 2.0 * (out - Y) / out.size
        for layer in self.stack[::-1]:
            grad = layer.backward(grad)

    def sgd(self, lr):
        for layer in self.stack:
            if isinstance(layer, Dense):
                layer.W -= lr * layer.grad_W
                layer.b -= lr * layer.grad_b
