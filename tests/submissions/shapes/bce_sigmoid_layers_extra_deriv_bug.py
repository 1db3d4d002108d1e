import numpy as np


class Layer:
    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError


class Dense(Layer):
    def __init__(self, n_in, n_out):
        lim = np.sqrt(6 / (n_in + n_out))
        self.W = np.random.uniform(-lim, lim, (n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(0)
        return grad @ self.W.T


class Sigmoid(Layer):
    def forward(self, x):
        self.y = 1 / (1 + np.exp(-x))
        return self.y

    def backward(self, grad):
        return grad * self.y * (1 - self.y)


class BCELoss:
    def forward(self, p, t):
        self.p, self.t = p, t
        return -np.mean(t * np.log(p + 1e-8) + (1 - t) * np.log(1 - p + 1e-8))

    def backward(self):
        return (self.p - self.t) / self.p.shape[0]


class Network:
    def __init__(self):
        self.layers = [Dense(2, 6), Sigmoid(), Dense(6, 1), Sigmoid()]
        self.loss = BCELoss()

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return (x > 0.5).astype(int)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self):
        g = self.loss.backward()
        for layer in reversed(self.layers):
            g = layer.backward(g)

    def update(self, lr):
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.W -= lr * layer.dW
                layer.b -= lr * layer.db

    def train_step(self, x, y, lr):
        out = self.forward(x)
        l = self.loss.forward(out, y)
        self.backward()
        self.update(lr)
        return l
