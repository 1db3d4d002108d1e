import numpy as np

rng = np.random.default_rng(0)


class Linear:
    def __init__(self, fan_in, fan_out):
        self.weight = rng.normal(0, 1 / np.sqrt(fan_in), (fan_in, fan_out))
        self.bias = np.zeros(fan_out)
        self.grad_w = np.zeros_like(self.weight)
        self.grad_b = np.zeros_like(self.bias)

    def __call__(self, x):
        self.inp = x
        return x @ self.weight + self.bias

    def backward(self, g):
        self.grad_w = self.inp.T @ g
        self.grad_b = g.sum(0)
        return g @ self.weight.T


class Tanh:
    def __call__(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, g):
        return g * (1 - np.tanh(self.out) ** 2)


class MSELoss:
    def __call__(self, pred, target):
        self.pred, self.target = pred, target
        return ((pred - target) ** 2).mean()

    def backward(self):
        return 2 * (self.pred - self.target) / self.pred.size


class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)
        self.criterion = MSELoss()

    def __call__(self, x):
        for l in self.layers:
            x = l(x)
        return x

    def backward(self):
        g = self.criterion.backward()
        for l in self.layers[::-1]:
            g = l.backward(g)

    def sgd(self, lr):
        for l in self.layers:
            if isinstance(l, Linear):
                l.weight -= lr * l.grad_w
                l.bias -= lr * l.grad_b

    def train_step(self, x, y, lr=0.01):
        loss = self.criterion(self(x), y)
        self.backward()
        self.sgd(lr)
        return loss


model = Sequential(Linear(2, 8), Tanh(), Linear(8, 8), Tanh(), Linear(8, 1))
X = rng.normal(size=(128, 2))
Y = X[:, :1] ** 2 - X[:, 1:]
for it in range(500):
    l = model.train_step(X, Y, 0.05)
print("loss", l)
