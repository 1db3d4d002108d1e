"""Bug: the same script with the first weight's penalty gradient doubled (2 * reg * W): the loss has 0.5 * reg * sum(W**2)."""
import numpy as np

np.random.seed(3)
N, D, K = 30, 2, 3
X = np.zeros((N * K, D))
y = np.zeros(N * K, dtype="uint8")
for j in range(K):
    ix = range(N * j, N * (j + 1))
    r = np.linspace(0.0, 1, N)
    t = np.linspace(j * 4, (j + 1) * 4, N) + np.random.randn(N) * 0.2
    X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
    y[ix] = j

h = 12
W = 0.5 * np.random.randn(D, h)
b = np.zeros((1, h)) + 0.1
W2 = 0.5 * np.random.randn(h, K)
b2 = np.zeros((1, K))
step_size = 0.5
reg = 1e-2
n = X.shape[0]
for i in range(200):
    hidden_layer = np.maximum(0, np.dot(X, W) + b)
    scores = np.dot(hidden_layer, W2) + b2
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    data_loss = np.sum(-np.log(probs[range(n), y])) / n
    reg_loss = 0.5 * reg * np.sum(W * W) + 0.5 * reg * np.sum(W2 * W2)
    loss = data_loss + reg_loss
    dscores = probs
    dscores[range(n), y] -= 1
    dscores /= n
    dW2 = np.dot(hidden_layer.T, dscores)
    db2 = np.sum(dscores, axis=0, keepdims=True)
    dhidden = np.dot(dscores, W2.T)
    dhidden[hidden_layer <= 0] = 0
    dW = np.dot(X.T, dhidden)
    db = np.sum(dhidden, axis=0, keepdims=True)
    dW2 += reg * W2
    dW += 2 * reg * W  # the penalty's gradient doubled
    W += -step_size * dW
    b += -step_size * db
    W2 += -step_size * dW2
    b2 += -step_size * db2
