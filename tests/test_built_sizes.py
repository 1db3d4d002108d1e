"""A model the code builds from sizes no value reaches (read off a data file not handed in, or a loop's width) is
built as the code builds it, with the loop's first width and an invented count, said in the note; a width the
code assigns (``hidden = 64``) is its own."""

import textwrap

_LAYERS = """
import numpy as np


class Layer:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * 0.3
        self.b = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, g):
        self.dW, self.db = self.x.T @ g, g.sum(axis=0, keepdims=True)
        return g @ self.W.T


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, g):
        return g * (1 - self.y**2)


class Model:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, g):
        for layer in reversed(self.layers):
            g = layer.backward(g)


def mse(p, y):
    return np.mean((p - y) ** 2)


def mse_grad(p, y):
    return 2 * (p - y) / p.size


def main():
    data = np.load("train.npz")
    n_features = data["X"].shape[1]
    hidden = 64
    model = Model([Layer(n_features, hidden), Tanh(), Layer(hidden, 1)])
    for lr in [0.1, 0.01]:
        model.backward(mse_grad(model.forward(data["X"]), data["y"]))


if __name__ == "__main__":
    main()
"""


def test_a_size_read_off_missing_data_is_invented_and_an_assigned_one_kept(tmp_path, audit_json):
    (tmp_path / "hw.py").write_text(textwrap.dedent(_LAYERS))
    s = audit_json([tmp_path / "hw.py"], tmp_path / "out")["hw.py"]
    assert s["status"] == "pass", s["error"]
    built = next(n for n in s["notes"] if "built as the submission builds it" in n)
    assert "`Model([Layer(3, 64), Tanh(), Layer(64, 1)])`" in built, built
    assert "n_features = 3 (invented: read off data the submission does not include)" in built
    assert "hidden = 64" not in built  # its own value, inlined, not invented


def test_a_loop_width_is_the_loops_first(tmp_path, audit_json):
    looped = _LAYERS.replace("    hidden = 64\n", "").replace(
        "    model = Model([Layer(n_features, hidden), Tanh(), Layer(hidden, 1)])\n",
        "    for hidden in [32, 8]:\n        model = Model([Layer(n_features, hidden), Tanh(), Layer(hidden, 1)])\n",
    )
    (tmp_path / "hw.py").write_text(textwrap.dedent(looped))
    s = audit_json([tmp_path / "hw.py"], tmp_path / "out")["hw.py"]
    assert s["status"] == "pass", s["error"]
    built = next(n for n in s["notes"] if "built as the submission builds it" in n)
    assert "`Model([Layer(3, 32), Tanh(), Layer(32, 1)])`" in built and "hidden = 32 (the first of its loop)" in built
