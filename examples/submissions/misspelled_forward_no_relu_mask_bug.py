"""Bug: a two-layer network in functions, samples in columns, ReLU hidden / sigmoid output, BCE; the model's
forward is misspelled (forward_propagetaion) and a helper (linear_forward) also has "forward" in its name; the hidden delta
skips the ReLU mask, so negative pre-activations pass their gradient back."""
import numpy as np


def initialize_parameters(n_x, n_h, n_y):
    rng = np.random.default_rng(3)
    return {
        "W1": rng.standard_normal((n_h, n_x)) * 0.5,
        "b1": np.zeros((n_h, 1)),
        "W2": rng.standard_normal((n_y, n_h)) * 0.5,
        "b2": np.zeros((n_y, 1)),
    }


def linear_forward(A, W, b):
    return W @ A + b


def relu(Z):
    return np.maximum(0, Z)


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def forward_propagetaion(X, parameters):
    Z1 = linear_forward(X, parameters["W1"], parameters["b1"])
    A1 = relu(Z1)
    Z2 = linear_forward(A1, parameters["W2"], parameters["b2"])
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = dZ2 @ cache["A1"].T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = parameters["W2"].T @ dZ2
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate=0.5):
    for key in parameters:
        parameters[key] = parameters[key] - learning_rate * grads["d" + key]
    return parameters


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 200))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    parameters = initialize_parameters(2, 8, 1)
    for i in range(2000):
        A2, cache = forward_propagetaion(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if i % 500 == 0:
            print(i, cost)
