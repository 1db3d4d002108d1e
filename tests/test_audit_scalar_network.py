"""A network whose every parameter is a plain Python number (the XOR tutorial's w1..w6, b1..b3): an honest
error naming that shape, never a generic one and never a verdict on a guessed wiring."""

from pathlib import Path

from gradcheck.audit.batch import audit_one, limits_for
from gradcheck.audit.grade import grade, scalar_network
from gradcheck.audit.spec import AuditSpec

XOR_SCALARS = """
import math
import random

random.seed(3)


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


w1, w2, w3, w4, w5, w6 = [random.uniform(-1, 1) for _ in range(6)]
b1, b2, b3 = 0.1, -0.2, 0.05
rate = 0.5
samples = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]

for epoch in range(2000):
    for (x1, x2), target in samples:
        h1 = sigmoid(w1 * x1 + w2 * x2 + b1)
        h2 = sigmoid(w3 * x1 + w4 * x2 + b2)
        out = sigmoid(w5 * h1 + w6 * h2 + b3)
        d_out = (out - target) * out * (1 - out)
        d_h1 = d_out * w5 * h1 * (1 - h1)
        d_h2 = d_out * w6 * h2 * (1 - h2)
        w5 -= rate * d_out * h1
        w6 -= rate * d_out * h2
        b3 -= rate * d_out
        w1 -= rate * d_h1 * x1
        w2 -= rate * d_h1 * x2
        b1 -= rate * d_h1
        w3 -= rate * d_h2 * x1
        w4 -= rate * d_h2 * x2
        b2 -= rate * d_h2
"""


def _result(datas):
    params = [{"name": f"w{i}", "data": d} for i, d in enumerate(datas, 1)]
    grads = [{"param": f"w{i}", "data": 0.0, "rule": "update"} for i in range(1, len(datas) + 1)]
    return {"ok": True, "shape": "script", "params": params, "grads": grads, "forward": None}


def test_only_a_network_of_plain_numbers_is_refused():
    assert scalar_network(_result([0.1, 0.2, 0.3])) is not None
    assert scalar_network(_result([[0.1, 0.2], 0.3])) is None  # an array among them: a layered network
    assert scalar_network(_result([0.5])) is None
    r = grade(_result([0.1, -0.4, 0.3]), None, None, AuditSpec(), path="xor.py")
    assert r.status == "error" and "3 plain numbers (w1, w2, w3)" in r.error and "numpy array" in r.error


def test_the_xor_tutorial_script_gets_the_honest_error(tmp_path: Path):
    sub = tmp_path / "xor_scalars.py"
    sub.write_text(XOR_SCALARS)
    r = audit_one(sub, AuditSpec(), limits=limits_for(AuditSpec()))
    assert r.status == "error", r.error
    assert "9 plain numbers" in r.error and "one per connection" in r.error, r.error
