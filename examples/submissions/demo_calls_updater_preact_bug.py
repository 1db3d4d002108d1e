"""Two-layer classifier for the quadrant problem, written cell by cell like a course notebook.

Every function is tried out right after its definition on the module's own data, and the
training loop lives in fit_model(). The gradient dict uses the keys dlw1, dlb1, dlw2, dlb2.
"""

import numpy as np

np.random.seed(11)

m = 240
X = np.random.randn(2, m)
Y = (X[0] * X[1] > 0).astype(float).reshape(1, m)
print("X:", X.shape, "Y:", Y.shape)


def squash(v):
    return 1.0 / (1.0 + np.exp(-v))


def layer_sizes(data, targets, width=3):
    return data.shape[0], width, targets.shape[0]


n_in, n_hid, n_out = layer_sizes(X, Y)


def initialize_parameters(n_in, n_hid, n_out):
    return {
        "W1": np.random.randn(n_hid, n_in) * 0.5,
        "b1": np.zeros((n_hid, 1)),
        "W2": np.random.randn(n_out, n_hid) * 0.5,
        "b2": np.zeros((n_out, 1)),
    }


params = initialize_parameters(n_in, n_hid, n_out)
print("W1 =", params["W1"])


def forward_propagation(params, data):
    z_hid = params["W1"] @ data + params["b1"]
    a_hid = np.tanh(z_hid)
    z_out = params["W2"] @ a_hid + params["b2"]
    a_out = squash(z_out)
    memo = {"Z1": z_hid, "A1": a_hid, "Z2": z_out, "A2": a_out}
    return a_out, memo


a_out, memo = forward_propagation(params, X)
print("first outputs:", a_out[0, :4])


def compute_cost(a_out, targets):
    count = targets.shape[1]
    total = np.sum(targets * np.log(a_out) + (1 - targets) * np.log(1 - a_out))
    return float(-total / count)


print("cost =", compute_cost(a_out, Y))


def backward_propagation(memo, params, data, targets):
    count = data.shape[1]
    err_out = memo["A2"] - targets
    dlw2 = err_out @ memo["A1"].T / count
    dlb2 = np.sum(err_out, axis=1, keepdims=True) / count
    err_hid = (params["W2"].T @ err_out) * (1 - memo["Z1"] ** 2)
    dlw1 = err_hid @ data.T / count
    dlb1 = np.sum(err_hid, axis=1, keepdims=True) / count
    return {"dlw1": dlw1, "dlb1": dlb1, "dlw2": dlw2, "dlb2": dlb2}


grads = backward_propagation(memo, params, X, Y)
print("dlw2 =", grads["dlw2"])


def update_parameters(params, grads, learning_rate=1.2):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    dlw1 = grads["dlw1"]
    dlb1 = grads["dlb1"]
    dlw2 = grads["dlw2"]
    dlb2 = grads["dlb2"]
    W1 = W1 - learning_rate * dlw1
    b1 = b1 - learning_rate * dlb1
    W2 = W2 - learning_rate * dlw2
    b2 = b2 - learning_rate * dlb2
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


stepped = update_parameters(params, grads)
print("W1 after one step =", stepped["W1"])


def fit_model(data, targets, width, rounds, learning_rate):
    n_in, _, n_out = layer_sizes(data, targets)
    params = initialize_parameters(n_in, width, n_out)
    for r in range(rounds):
        a_out, memo = forward_propagation(params, data)
        cost = compute_cost(a_out, targets)
        grads = backward_propagation(memo, params, data, targets)
        params = update_parameters(params, grads, learning_rate)
        if r % 100 == 0:
            print("round", r, "cost", cost)
    return params


trained = fit_model(X, Y, 3, 400, 1.2)
final_out, _ = forward_propagation(trained, X)
print("accuracy:", np.mean((final_out > 0.5) == Y))
