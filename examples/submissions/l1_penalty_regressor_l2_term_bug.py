"""Sparse regression net: a sigmoid hidden layer, a linear output, mean squared error plus an L1
penalty on the weight matrices (lambd * sum |W|), as in the lab on sparsity."""

import numpy as np


def initialize_parameters(layer_dims):
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.5
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = sigmoid(Z1)
    A2 = parameters["W2"] @ A1 + parameters["b2"]
    cache = (Z1, A1, A2)
    return A2, cache


def compute_cost(A2, Y, parameters, lambd=0.01):
    m = Y.shape[1]
    mse = np.sum((A2 - Y) ** 2) / m
    l1 = lambd * (np.sum(np.abs(parameters["W1"])) + np.sum(np.abs(parameters["W2"])))
    return mse + l1


def backward_propagation(X, Y, cache, parameters, lambd=0.01):
    m = X.shape[1]
    Z1, A1, A2 = cache
    dA2 = 2 * (A2 - Y) / m
    dW2 = dA2 @ A1.T + lambd * parameters["W2"]
    db2 = np.sum(dA2, axis=1, keepdims=True)
    dZ1 = (parameters["W2"].T @ dA2) * A1 * (1 - A1)
    dW1 = dZ1 @ X.T + lambd * parameters["W1"]
    db1 = np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def model(X, Y, layer_dims, learning_rate=0.1, num_iterations=1000, lambd=0.01):
    parameters = initialize_parameters(layer_dims)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y, parameters, lambd)
        grads = backward_propagation(X, Y, cache, parameters, lambd)
        for l in (1, 2):
            parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
            parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return parameters
