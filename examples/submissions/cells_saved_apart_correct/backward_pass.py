def backward_pass(weights, stash, X, Y):
    m = X.shape[1]
    dZ2 = stash["P"] - Y
    dZ1 = (weights["W2"].T @ dZ2) * (1 - stash["H"] ** 2)
    return {
        "dW2": dZ2 @ stash["H"].T / m,
        "db2": dZ2.sum(axis=1, keepdims=True) / m,
        "dW1": dZ1 @ X.T / m,
        "db1": dZ1.sum(axis=1, keepdims=True) / m,
    }
