# week 2 style: logistic regression as a one-neuron network, examples are COLUMNS of X
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def initialize_with_zeros(dim):
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    dZ = A - Y
    dw = (X @ dZ.T) / m
    db = np.sum(dZ) / m
    return {"dw": dw, "db": db}, float(cost)


def optimize(w, b, X, Y, num_iterations=500, learning_rate=0.1):
    for it in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
    return w, b, cost


def model(X_train, Y_train, num_iterations=500, learning_rate=0.1):
    w, b = initialize_with_zeros(X_train.shape[0])
    w, b, cost = optimize(w, b, X_train, Y_train, num_iterations, learning_rate)
    return {"w": w, "b": b, "cost": cost}


if __name__ == "__main__":
    rs = np.random.RandomState(5)
    X = rs.randn(4, 60)
    Y = (X[0:1] - 0.5 * X[2:3] > 0).astype(float)
    print("final cost", model(X, Y)["cost"])
