"""A project with a toy computational graph of scalars (``price = 100; mul.forward(price, 2)``, a textbook's first
backward) beside the real network class: the toy's replayed calls are no network (they hold no weight and are
handed a number), so the class is audited. Before, the toy was taken as the network: ParamsNotFound."""

from __future__ import annotations

LAYERS = """
import numpy as np


def softmax(s):
    s = s - s.max(axis=1, keepdims=True)
    return np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)


class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout = dout.copy()
        dout[self.mask] = 0
        return dout


class Mul:
    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x
"""

TOY = """
from layers import Mul

price = 100
count = 2
tax = 1.1
mul_count = Mul()
mul_tax = Mul()
subtotal = mul_count.forward(price, count)
total = mul_tax.forward(subtotal, tax)
dtotal = 1
dsubtotal, dtax = mul_tax.backward(dtotal)
dprice, dcount = mul_count.backward(dsubtotal)
print(total, dprice, dcount, dtax)
"""

NET = """
import numpy as np
from layers import Relu, softmax


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.1):
        self.params = {"W1": weight_init_std * np.random.randn(input_size, hidden_size),
                       "b1": np.zeros(hidden_size),
                       "W2": weight_init_std * np.random.randn(hidden_size, output_size),
                       "b2": np.zeros(output_size)}

    def predict(self, x):
        h = Relu().forward(x @ self.params["W1"] + self.params["b1"])
        return h @ self.params["W2"] + self.params["b2"]

    def loss(self, x, t):
        p = softmax(self.predict(x))
        return -np.sum(t * np.log(p + 1e-7)) / x.shape[0]

    def gradient(self, x, t):
        a = x @ self.params["W1"] + self.params["b1"]
        relu = Relu()
        h = relu.forward(a)
        p = softmax(h @ self.params["W2"] + self.params["b2"])
        d = (p - t) / x.shape[0]
        dh = relu.backward(d @ self.params["W2"].T)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": h.T @ d, "b2": SIGN d.sum(axis=0)}
"""

TRAIN = """
import numpy as np
from two_layer_net import TwoLayerNet

net = TwoLayerNet(input_size=4, hidden_size=5, output_size=3)
x = np.random.randn(20, 4)
t = np.eye(3)[np.random.randint(0, 3, 20)]
for i in range(100):
    grad = net.gradient(x, t)
    for key in ("W1", "b1", "W2", "b2"):
        net.params[key] -= 0.1 * grad[key]
"""


def _folder(root, sign):
    root.mkdir()
    (root / "layers.py").write_text(LAYERS)
    (root / "buy_things.py").write_text(TOY)
    (root / "two_layer_net.py").write_text(NET.replace("SIGN ", sign))
    (root / "train_net.py").write_text(TRAIN)
    return root


def test_a_toy_graph_of_scalars_is_passed_over_for_the_network(audit_json, tmp_path):
    right, wrong = _folder(tmp_path / "toy_right", ""), _folder(tmp_path / "toy_sign_bug", "-")
    got = audit_json([right, wrong], tmp_path / "out")
    assert got["toy_right"]["status"] == "pass", got["toy_right"].get("error")
    bad = got["toy_sign_bug"]
    assert bad["status"] == "fail" and [t["name"] for t in bad["tensors"] if t["status"] == "fail"] == ["params['b2']"]


def test_objects_holding_any_number_are_no_toy_graph():
    """Red-team round 7, S3: integer weights (np.random.randint) or plain float weights are weights, so a script
    replaying them is never passed over (for a correct decoy elsewhere) as a toy graph of scalars."""
    import numpy as np

    from gradcheck.audit.adapters.shapes.assembled import _numeric

    assert _numeric(np.array([[1, -1], [0, 1]])) and _numeric(0.5) and _numeric([None, 2])
    assert not _numeric(None) and not _numeric([None, None]) and not _numeric(True) and not _numeric("w")
