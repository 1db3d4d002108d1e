"""Per-sample code of rows: gradients(x, t) for one row x of shape (1, n_in) and nothing in the file calling it.
On a batch its weight gradients come out summed, its bias gradients (batch, n_out): it is checked on one
sample."""

import numpy as np


class TinyNet:
    def __init__(self, n_in=3, n_hidden=5, n_out=2):
        g = np.random.default_rng(1)
        self.w_in = g.normal(0, 0.6, (n_in, n_hidden))
        self.c_in = g.normal(0, 0.1, (1, n_hidden))
        self.w_out = g.normal(0, 0.6, (n_hidden, n_out))
        self.c_out = g.normal(0, 0.1, (1, n_out))

    def output(self, x):
        return np.tanh(np.tanh(x @ self.w_in + self.c_in) @ self.w_out + self.c_out)

    def error(self, x, t):
        return 0.5 * float(np.sum((self.output(x) - t) ** 2))

    def gradients(self, x, t):
        h = np.tanh(x @ self.w_in + self.c_in)
        o = np.tanh(h @ self.w_out + self.c_out)
        d_out = (o - t) * (1 - o**2)
        d_hid = (d_out @ self.w_out.T) * (1 - h**2)
        return {"w_in": x.T @ d_hid, "c_in": d_hid, "w_out": h.T @ d_out, "c_out": d_out}
