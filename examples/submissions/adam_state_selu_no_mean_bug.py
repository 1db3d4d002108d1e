"""A three-layer classifier trained with Adam: the initializer returns the parameters with the optimizer's two
moment dicts, the hidden layers are ReLU then SELU, the output a softmax, and the loss guards its log."""

import numpy as np

SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def relu(Z):
    return np.maximum(0, Z)


def relu_derivative(Z):
    return (Z > 0).astype(float)


def selu(Z):
    return SELU_SCALE * np.where(Z > 0, Z, SELU_ALPHA * (np.exp(Z) - 1))


def selu_derivative(Z):
    return SELU_SCALE * np.where(Z > 0, 1.0, SELU_ALPHA * np.exp(Z))


def softmax(Z):
    e = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def compute_loss(Y, Y_hat):
    return -np.mean(np.sum(Y * np.log(Y_hat + 1e-8), axis=1))


def init_parameters_with_state(layer_dims):
    np.random.seed(7)
    parameters, m, v = {}, {}, {}
    for i in range(1, len(layer_dims)):
        parameters[f"W{i}"] = np.random.randn(layer_dims[i - 1], layer_dims[i]) * np.sqrt(2 / layer_dims[i - 1])
        parameters[f"b{i}"] = np.zeros((1, layer_dims[i]))
        for state in (m, v):
            state[f"W{i}"] = np.zeros_like(parameters[f"W{i}"])
            state[f"b{i}"] = np.zeros_like(parameters[f"b{i}"])
    return parameters, m, v


def forward_propagation(X, parameters):
    Z1 = np.dot(X, parameters["W1"]) + parameters["b1"]
    A1 = relu(Z1)
    Z2 = np.dot(A1, parameters["W2"]) + parameters["b2"]
    A2 = selu(Z2)
    Z3 = np.dot(A2, parameters["W3"]) + parameters["b3"]
    A3 = softmax(Z3)
    return A3, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "A3": A3}


def backward_propagation(X, Y, parameters, cache):
    m = X.shape[0]
    grads = {}
    dZ3 = cache["A3"] - Y
    grads["dW3"] = np.dot(cache["A2"].T, dZ3)
    grads["db3"] = np.sum(dZ3, axis=0, keepdims=True)
    dZ2 = np.dot(dZ3, parameters["W3"].T) * selu_derivative(cache["Z2"])
    grads["dW2"] = np.dot(cache["A1"].T, dZ2)
    grads["db2"] = np.sum(dZ2, axis=0, keepdims=True)
    dZ1 = np.dot(dZ2, parameters["W2"].T) * relu_derivative(cache["Z1"])
    grads["dW1"] = np.dot(X.T, dZ1)
    grads["db1"] = np.sum(dZ1, axis=0, keepdims=True)
    return grads


def update_parameters_with_adam(parameters, grads, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    for key in parameters:
        g = grads["d" + key]
        m[key] = beta1 * m[key] + (1 - beta1) * g
        v[key] = beta2 * v[key] + (1 - beta2) * g**2
        m_hat = m[key] / (1 - beta1**t)
        v_hat = v[key] / (1 - beta2**t)
        parameters[key] -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return parameters, m, v


def train(X, Y, layer_dims, epochs=50, batch_size=32):
    parameters, m, v = init_parameters_with_state(layer_dims)
    t = 0
    for _ in range(epochs):
        order = np.random.permutation(X.shape[0])
        for i in range(0, X.shape[0], batch_size):
            Xb, Yb = X[order[i : i + batch_size]], Y[order[i : i + batch_size]]
            Y_hat, cache = forward_propagation(Xb, parameters)
            grads = backward_propagation(Xb, Yb, parameters, cache)
            t += 1
            parameters, m, v = update_parameters_with_adam(parameters, grads, m, v, t)
    return parameters


if __name__ == "__main__":
    X = np.random.randn(300, 4)
    Y = np.eye(3)[(X[:, 0] > 0).astype(int) + (X[:, 1] > 1).astype(int)]
    params = train(X, Y, [4, 5, 4, 3])
    print(compute_loss(Y, forward_propagation(X, params)[0]))
