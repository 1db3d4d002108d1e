def forward_pass(X, weights):
    H = np.tanh(weights["W1"] @ X + weights["b1"])
    P = squash(weights["W2"] @ H + weights["b2"])
    return P, {"H": H, "P": P}
