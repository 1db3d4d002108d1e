import numpy as np


class Net:
    def __init__(self, layers):
        # layers = [n_features, hidden..., 1]
        self.L = len(layers) - 1
        self.params = {}
        self.grads = {}
        self.cache = {}
        for i in range(1, self.L + 1):
            self.params["W" + str(i)] = np.random.randn(layers[i], layers[i - 1]) * np.sqrt(2.0 / layers[i - 1])
            self.params["b" + str(i)] = np.zeros((layers[i], 1))

    def forward_prop(self, X):
        A = X
        for i in range(1, self.L):
            Z = self.params["W" + str(i)] @ A + self.params["b" + str(i)]
            A = np.maximum(0, Z)
            self.cache["Z" + str(i)] = Z
            self.cache["A" + str(i)] = A
        Z = self.params["W" + str(self.L)] @ A + self.params["b" + str(self.L)]
        A = 1 / (1 + np.exp(-Z))
        self.cache["Z" + str(self.L)] = Z
        self.cache["A" + str(self.L)] = A
        return A

    def cost(self, Y):
        m = Y.shape[1]
        AL = self.cache["A" + str(self.L)]
        return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)

    def backward_prop(self, Y):
        m = Y.shape[1]
        AL = self.cache["A" + str(self.L)]
        dZ = AL - Y
        for i in range(self.L, 0, -1):
            A_prev = self.cache["A" + str(i - 1)]
            self.grads["dW" + str(i)] = dZ @ A_prev.T / m
            self.grads["db" + str(i)] = np.sum(dZ, axis=1, keepdims=True) / m
            if i > 1:
                dA = self.params["W" + str(i)].T @ dZ
                dZ = dA * (self.cache["Z" + str(i - 1)] > 0)

    def update(self, learning_rate):
        for i in range(1, self.L):
            self.params["W" + str(i)] -= learning_rate * self.grads["dW" + str(i)]
            self.params["b" + str(i)] -= learning_rate * self.grads["db" + str(i)]

    def train(self, X, Y, learning_rate=0.05, batch_size=32, iter_no=1000):
        m = X.shape[1]
        for it in range(iter_no):
            perm = np.random.permutation(m)
            for start in range(0, m, batch_size):
                idx = perm[start:start + batch_size]
                self.cache["A0"] = X[:, idx]
                self.forward_prop(X[:, idx])
                c = self.cost(Y[:, idx])
                self.backward_prop(Y[:, idx])
                self.update(learning_rate)
            if it % 100 == 0:
                print("iteration", it, "cost", c)


if __name__ == "__main__":
    data = np.genfromtxt("heart.csv", delimiter=",", skip_header=1)
    X = data[:, :-1].T
    X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    Y = data[:, -1].reshape(1, -1)
    net = Net([X.shape[0], 16, 8, 1])
    net.train(X, Y, 0.05, 32, 2000)
