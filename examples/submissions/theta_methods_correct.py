import numpy as np


class Model:
    def __init__(self, architecture):
        self.architecture = architecture

    def init_theta(self, seed=1, verbose=False):
        np.random.seed(seed)
        theta = {}
        for i in range(1, len(self.architecture)):
            n_in = self.architecture[i - 1]["dimension"]
            n_out = self.architecture[i]["dimension"]
            theta["W" + str(i)] = np.random.randn(n_out, n_in) * 0.5
            theta["b" + str(i)] = np.zeros((n_out, 1))
        return theta

    def forward(self, theta, X):
        self.memory = {"A0": X}
        A = X
        for i in range(1, len(self.architecture)):
            Z = theta["W" + str(i)] @ A + theta["b" + str(i)]
            kind = self.architecture[i]["type"]
            A = np.tanh(Z) if kind == "tanh" else 1 / (1 + np.exp(-Z))
            self.memory["A" + str(i)] = A
            self.memory["Z" + str(i)] = Z
        return A

    def backprop(self, theta, X, Y):
        m = X.shape[1]
        Y_hat = self.forward(theta, X)
        grads = {}
        dA = -(Y / Y_hat - (1 - Y) / (1 - Y_hat))
        for i in range(len(self.architecture) - 1, 0, -1):
            Z = self.memory["Z" + str(i)]
            if self.architecture[i]["type"] == "tanh":
                dZ = dA * (1 - np.tanh(Z) ** 2)
            else:
                s = 1 / (1 + np.exp(-Z))
                dZ = dA * s * (1 - s)
            grads["W" + str(i)] = dZ @ self.memory["A" + str(i - 1)].T / m
            grads["b" + str(i)] = np.sum(dZ, axis=1, keepdims=True) / m
            dA = theta["W" + str(i)].T @ dZ
        return grads

    def cost(self, theta, X, Y):
        m = X.shape[1]
        Y_hat = self.forward(theta, X)
        return -np.sum(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)) / m


nn_architecture = [
    {"dimension": 2, "type": "input"},
    {"dimension": 6, "type": "tanh"},
    {"dimension": 1, "type": "sigmoid"},
]
model = Model(nn_architecture)
theta = model.init_theta()
X_train = np.loadtxt("moons.csv", delimiter=",")[:, :2].T
Y_train = np.loadtxt("moons.csv", delimiter=",")[:, 2:].T
for epoch in range(2000):
    grads = model.backprop(theta, X_train, Y_train)
    for key in theta:
        theta[key] -= 0.3 * grads[key]
    if epoch % 100 == 0:
        print(epoch, model.cost(theta, X_train, Y_train))
