"""Bug: as globals_list_nested_grads_correct.py, but the cost is the mean of the cross-entropy over the four
outputs while the gradients are those of its sum: every gradient is 4 times the cost's.

One sample at a time, 1-D vectors. The weights are module globals W_hid, W_out, b_hid, b_out, also
held in the module-level list `weights`, which fit() refreshes entry by entry (weights[j] = weights[j] - ...)
and passes on as train_step(x, t, *weights). train_step returns the cost and the gradients nested in a tuple,
cost, (dW_hid, dW_out, err_hid, err_out); the bias gradients are the layers' error vectors. tanh hidden layer,
sigmoid outputs. predict() thresholds the outputs into 0/1 ints."""
import numpy as np

n_in, n_hid, n_out = 5, 8, 4
rate = 0.05

np.random.seed(2)
W_hid = np.random.normal(scale=0.3, size=(n_in, n_hid))
W_out = np.random.normal(scale=0.3, size=(n_hid, n_out))
b_hid = np.zeros(n_hid)
b_out = np.zeros(n_out)
weights = [W_hid, W_out, b_hid, b_out]


def squash(z):
    return 1.0 / (1.0 + np.exp(-z))


def train_step(x, t, W_hid, W_out, b_hid, b_out):
    pre = x @ W_hid + b_hid
    hid = np.tanh(pre)
    y = squash(hid @ W_out + b_out)

    err_out = y - t
    err_hid = (1 - hid**2) * (W_out @ err_out)
    dW_out = np.outer(hid, err_out)
    dW_hid = np.outer(x, err_hid)

    cost = -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
    return cost, (dW_hid, dW_out, err_hid, err_out)


def predict(x, W_hid, W_out, b_hid, b_out):
    y = squash(np.tanh(x @ W_hid + b_hid) @ W_out + b_out)
    return (y > 0.5).astype(int)


def fit(data, targets, epochs):
    for epoch in range(epochs):
        costs = []
        for x, t in zip(data, targets):
            cost, grads = train_step(x, t, *weights)
            for j in range(len(weights)):
                weights[j] = weights[j] - rate * grads[j]
            costs.append(cost)
        print("epoch %d cost %.5f" % (epoch, np.mean(costs)))


data = np.random.binomial(1, 0.5, (200, n_in))
targets = 1 - data[:, :n_out]
fit(data, targets, 30)
probe = np.random.binomial(1, 0.5, n_in)
print(probe, predict(probe, *weights))
