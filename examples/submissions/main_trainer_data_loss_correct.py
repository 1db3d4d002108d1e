"""A trainer whose weights are local variables, reached only through main() under the main guard: main() picks
a hidden width and calls train_net(width, n_epochs, step), whose loop runs a sigmoid layer and a softmax output
on module-level blobs. compute_loss(params, X, y) takes the model and the data: mean cross-entropy plus
(lam / 2N) * sum(W**2); the gradients here are its exact derivative (the output delta and the decay over N)."""

import matplotlib.pyplot as plt
import numpy as np
from sklearn import datasets

np.random.seed(1)
X, y = datasets.make_blobs(150, centers=3, n_features=2)
N = X.shape[0]
n_in, n_out = 2, 3
n_epochs = 2000
step = 0.05
lam = 0.02


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def compute_loss(params, X, y):
    Wa, ba, Wb, bb = params["Wa"], params["ba"], params["Wb"], params["bb"]
    hid = sigmoid(X @ Wa + ba)
    scores = hid @ Wb + bb
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    nll = np.sum(-np.log(probs[np.arange(N), y]))
    nll += lam / 2 * (np.sum(Wa * Wa) + np.sum(Wb * Wb))
    return nll / N


def predict(params, pts):
    hid = sigmoid(pts @ params["Wa"] + params["ba"])
    return np.argmax(hid @ params["Wb"] + params["bb"], axis=1)


def train_net(width, epochs, lr):
    Wa = np.random.randn(n_in, width) * 0.5
    ba = np.zeros((1, width))
    Wb = np.random.randn(width, n_out) * 0.5
    bb = np.zeros((1, n_out))
    params = {}
    for epoch in range(epochs):
        hid = sigmoid(X @ Wa + ba)
        scores = hid @ Wb + bb
        scores = scores - scores.max(axis=1, keepdims=True)
        probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
        d_out = probs.copy()
        d_out[np.arange(N), y] -= 1
        d_out = d_out / N
        dWb = hid.T @ d_out + lam / N * Wb
        dbb = d_out.sum(axis=0, keepdims=True)
        d_hid = (d_out @ Wb.T) * hid * (1 - hid)
        dWa = X.T @ d_hid + lam / N * Wa
        dba = d_hid.sum(axis=0, keepdims=True)
        Wa -= lr * dWa
        ba -= lr * dba
        Wb -= lr * dWb
        bb -= lr * dbb
        params = {"Wa": Wa, "ba": ba, "Wb": Wb, "bb": bb}
        if epoch % 500 == 0:
            print("epoch", epoch, "loss", compute_loss(params, X, y))
    return params


def main():
    width = 6
    params = train_net(width, n_epochs, step)
    print("accuracy", np.mean(predict(params, X) == y))
    plt.scatter(X[:, 0], X[:, 1], c=predict(params, X))
    plt.show()


if __name__ == "__main__":
    main()
