"""Correct: notebook-style globals N, D, K; params = init_params(D, 20, K); softmax CE, integer labels."""
import numpy as np

N, D, K = 60, 2, 3
np.random.seed(0)
X = np.random.randn(N * K, D)
y = np.repeat(np.arange(K), N)


def init_params(D, H, K):
    return {"W1": 0.1 * np.random.randn(D, H), "b1": np.zeros((1, H)),
            "W2": 0.1 * np.random.randn(H, K), "b2": np.zeros((1, K))}


params = init_params(D, 20, K)


def forward(params, X):
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    scores = hidden @ params["W2"] + params["b2"]
    return hidden, scores


def softmax(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def compute_loss(probs, y):
    return float(-np.mean(np.log(probs[np.arange(len(y)), y])))


def backward(params, X, y, hidden, probs):
    n = X.shape[0]
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    dscores /= n
    grads = {"W2": hidden.T @ dscores, "b2": dscores.sum(axis=0, keepdims=True)}
    dhidden = dscores @ params["W2"].T
    dhidden[hidden <= 0] = 0
    grads["W1"] = X.T @ dhidden
    grads["b1"] = dhidden.sum(axis=0, keepdims=True)
    return grads


for it in range(200):
    hidden, scores = forward(params, X)
    probs = softmax(scores)
    loss = compute_loss(probs, y)
    grads = backward(params, X, y, hidden, probs)
    for k in params:
        params[k] -= 1.0 * grads[k]
