"""A notebook-style script whose training function keeps its weights as local variables and returns them in a
dict: fit_network(hidden_dim, n_steps, show) trains a tanh layer and a softmax output on module-level moons data,
network_loss(net) reads that data and the module's reg_lambda (mean cross-entropy plus (reg_lambda / 2) * sum(W**2),
all over N). The top level calls fit_network only in a loop over hidden widths. The gradient is the sum over the
samples (no 1/N), and the weight decay is reg_lambda * W: N times the gradient of network_loss."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import sklearn.datasets
import sklearn.linear_model

matplotlib.rcParams["figure.figsize"] = (10.0, 8.0)

np.random.seed(3)
X, y = sklearn.datasets.make_moons(120, noise=0.25)
N = len(X)
d_in, d_out = 2, 2
rate = 0.01
reg_lambda = 0.01


def forward_probs(net, inputs):
    h = np.tanh(inputs.dot(net["W1"]) + net["b1"])
    e = np.exp(h.dot(net["W2"]) + net["b2"])
    return e / np.sum(e, axis=1, keepdims=True)


def plot_boundary(predict_fn):
    xx, yy = np.meshgrid(np.arange(-2, 3, 0.05), np.arange(-2, 2, 0.05))
    zz = predict_fn(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    plt.contourf(xx, yy, zz, cmap=plt.cm.Spectral)
    plt.scatter(X[:, 0], X[:, 1], c=y, cmap=plt.cm.Spectral)


baseline = sklearn.linear_model.LogisticRegressionCV()
baseline.fit(X, y)
plot_boundary(lambda pts: baseline.predict(pts))
plt.title("Logistic regression")


def network_loss(net):
    probs = forward_probs(net, X)
    nll = -np.log(probs[range(N), y])
    total = np.sum(nll) + reg_lambda / 2 * (np.sum(np.square(net["W1"])) + np.sum(np.square(net["W2"])))
    return total / N


def classify(net, inputs):
    return np.argmax(forward_probs(net, inputs), axis=1)


def fit_network(hidden_dim, n_steps=3000, show=False):
    np.random.seed(0)
    W1 = np.random.randn(d_in, hidden_dim) / np.sqrt(d_in)
    b1 = np.zeros((1, hidden_dim))
    W2 = np.random.randn(hidden_dim, d_out) / np.sqrt(hidden_dim)
    b2 = np.zeros((1, d_out))
    net = {}
    for step in range(n_steps):
        h = np.tanh(X.dot(W1) + b1)
        e = np.exp(h.dot(W2) + b2)
        probs = e / np.sum(e, axis=1, keepdims=True)
        delta_out = probs
        delta_out[range(N), y] -= 1
        dW2 = h.T.dot(delta_out)
        db2 = np.sum(delta_out, axis=0, keepdims=True)
        delta_hid = delta_out.dot(W2.T) * (1 - np.power(h, 2))
        dW1 = np.dot(X.T, delta_hid)
        db1 = np.sum(delta_hid, axis=0)
        dW2 += reg_lambda * W2
        dW1 += reg_lambda * W1
        W1 += -rate * dW1
        b1 += -rate * db1
        W2 += -rate * dW2
        b2 += -rate * db2
        net = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        if show and step % 1000 == 0:
            print("loss after step %i: %f" % (step, network_loss(net)))
    return net


trained = fit_network(3, show=True)
plot_boundary(lambda pts: classify(trained, pts))

plt.figure(figsize=(12, 24))
for i, width in enumerate([1, 2, 3, 5]):
    plt.subplot(5, 2, i + 1)
    plt.title("Hidden layer of width %d" % width)
    trained = fit_network(width)
    print(width, np.mean(classify(trained, X) == y))
plt.show()
