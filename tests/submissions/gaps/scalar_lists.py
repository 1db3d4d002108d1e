"""A network written as scalar Python loops over lists of lists (no numpy arrays)."""
import math
import random

random.seed(1)
n_in, n_hid, n_out = 2, 3, 1
w_ih = [[random.uniform(-1, 1) for _ in range(n_hid)] for _ in range(n_in)]
w_ho = [[random.uniform(-1, 1) for _ in range(n_out)] for _ in range(n_hid)]
b_h = [0.0] * n_hid
b_o = [0.0] * n_out


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def forward(x):
    hidden = [sigmoid(sum(x[i] * w_ih[i][j] for i in range(n_in)) + b_h[j]) for j in range(n_hid)]
    output = [sigmoid(sum(hidden[j] * w_ho[j][k] for j in range(n_hid)) + b_o[k]) for k in range(n_out)]
    return hidden, output


def backward(x, target, hidden, output, lr):
    d_out = [(target[k] - output[k]) * output[k] * (1 - output[k]) for k in range(n_out)]
    d_hid = [sum(d_out[k] * w_ho[j][k] for k in range(n_out)) * hidden[j] * (1 - hidden[j]) for j in range(n_hid)]
    for j in range(n_hid):
        for k in range(n_out):
            w_ho[j][k] += lr * d_out[k] * hidden[j]
    for k in range(n_out):
        b_o[k] += lr * d_out[k]
    for i in range(n_in):
        for j in range(n_hid):
            w_ih[i][j] += lr * d_hid[j] * x[i]
    for j in range(n_hid):
        b_h[j] += lr * d_hid[j]


if __name__ == "__main__":
    data = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
    for epoch in range(2000):
        for x, t in data:
            h, o = forward(x)
            backward(x, t, h, o, 0.5)
    print([forward(x)[1] for x, _ in data])
