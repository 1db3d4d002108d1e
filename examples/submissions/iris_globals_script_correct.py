"""Iris with one tanh hidden layer: the data comes from scikit-learn, the weights are sized from it."""

import numpy as np
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer, StandardScaler

iris = load_iris()
features = StandardScaler().fit_transform(iris.data)
onehot = LabelBinarizer().fit_transform(iris.target)
X_tr, X_te, Y_tr, Y_te = train_test_split(features, onehot, test_size=0.25, random_state=3)

n_in = X_tr.shape[1]
n_hid = 6
n_cls = Y_tr.shape[1]

rng = np.random.default_rng(5)
Wh = rng.normal(0, 0.5, (n_in, n_hid))
bh = np.zeros((1, n_hid))
Wo = rng.normal(0, 0.5, (n_hid, n_cls))
bo = np.zeros((1, n_cls))


def softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(X):
    h = np.tanh(X @ Wh + bh)
    probs = softmax(h @ Wo + bo)
    return h, probs


def cross_entropy(Y, probs):
    return -np.mean(np.sum(Y * np.log(probs + 1e-12), axis=1))


def backward(X, Y, h, probs, lr=0.05):
    global Wh, bh, Wo, bo
    n = X.shape[0]
    d_out = (probs - Y) / n
    g_Wo = h.T @ d_out
    g_bo = d_out.sum(axis=0, keepdims=True)
    d_hid = (d_out @ Wo.T) * (1 - h**2)
    g_Wh = X.T @ d_hid
    g_bh = d_hid.sum(axis=0, keepdims=True)
    Wo -= lr * g_Wo
    bo -= lr * g_bo
    Wh -= lr * g_Wh
    bh -= lr * g_bh


if __name__ == "__main__":
    for epoch in range(300):
        h, probs = forward(X_tr)
        backward(X_tr, Y_tr, h, probs)
        if epoch % 50 == 0:
            print(epoch, cross_entropy(Y_tr, probs))
