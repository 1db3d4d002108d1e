"""A momentum coefficient found by its recurrence (``self.v = self.alpha * self.v - self.eta * g``), set to 0 so the
update is plain descent (held-out set 10: ``alpha``, the textbook's name, was not taken for momentum, and the file
was refused as stateful). Adam's state, whose step is a quotient, stays refused: its first step is no gradient."""

from __future__ import annotations

import pytest

MOMENTUM = """
import numpy as np


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


class PatternNet:
    def __init__(self, n_in, n_hid, n_out, eta=0.1, alpha=0.9):
        self.eta, self.alpha = eta, alpha
        self.W1 = np.random.randn(n_hid, n_in) * 0.4
        self.b1 = np.zeros(n_hid)
        self.W2 = np.random.randn(n_out, n_hid) * 0.4
        self.b2 = np.zeros(n_out)
        self.dW1, self.db1 = np.zeros_like(self.W1), np.zeros_like(self.b1)
        self.dW2, self.db2 = np.zeros_like(self.W2), np.zeros_like(self.b2)

    def forward(self, x):
        self.z1 = self.W1 @ x + self.b1
        self.h = sig(self.z1)
        return self.W2 @ self.h + self.b2

    def train(self, x, t):
        y = self.forward(x)
        d2 = y - t
        d1 = (self.W2.T @ d2) * DERIV
        self.dW2 = self.alpha * self.dW2 - self.eta * np.outer(d2, self.h)
        self.db2 = self.alpha * self.db2 - self.eta * d2
        self.dW1 = self.alpha * self.dW1 - self.eta * np.outer(d1, x)
        self.db1 = self.alpha * self.db1 - self.eta * d1
        self.W2 += self.dW2
        self.b2 += self.db2
        self.W1 += self.dW1
        self.b1 += self.db1
        return 0.5 * np.sum((y - t) ** 2)
"""

_VELOCITY = MOMENTUM[MOMENTUM.index("        self.dW2 = self.alpha") : MOMENTUM.index("        return 0.5")]
#: RMSprop: the step divided by the root of a running mean of squared gradients (the decay named alpha too).
ADAM = (
    MOMENTUM.replace(
        _VELOCITY,
        """        gW2, gW1 = np.outer(d2, self.h), np.outer(d1, x)
        self.dW2 = self.alpha * self.dW2 + (1 - self.alpha) * gW2 * gW2
        self.db2 = self.alpha * self.db2 + (1 - self.alpha) * d2 * d2
        self.dW1 = self.alpha * self.dW1 + (1 - self.alpha) * gW1 * gW1
        self.db1 = self.alpha * self.db1 + (1 - self.alpha) * d1 * d1
        self.W2 -= self.eta * gW2 / (np.sqrt(self.dW2) + 1e-8)
        self.b2 -= self.eta * d2 / (np.sqrt(self.db2) + 1e-8)
        self.W1 -= self.eta * gW1 / (np.sqrt(self.dW1) + 1e-8)
        self.b1 -= self.eta * d1 / (np.sqrt(self.db1) + 1e-8)
""",
    )
    .replace("self.dW", "self.sW")
    .replace("self.db", "self.sb")
)  # running means, not stored gradients


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory, audit_json):
    tmp = tmp_path_factory.mktemp("momentum")
    files = {
        "momentum_alpha_right.py": MOMENTUM.replace("DERIV", "self.h * (1 - self.h)"),
        "momentum_alpha_at_activation_bug.py": MOMENTUM.replace("DERIV", "sig(self.h) * (1 - sig(self.h))"),
        "rmsprop_like_right.py": ADAM.replace("DERIV", "self.h * (1 - self.h)"),
    }
    for name, src in files.items():
        (tmp / name).write_text(src)
    return audit_json([tmp / n for n in files], tmp / "out")


def test_a_momentum_coefficient_named_alpha_is_set_to_0_and_the_step_read(verdicts):
    right, bug = verdicts["momentum_alpha_right.py"], verdicts["momentum_alpha_at_activation_bug.py"]
    assert right["status"] == "pass", (right.get("error"), [d["message"] for d in right["diagnoses"]])
    assert any("momentum (alpha) set to 0" in n for n in right["notes"]), right["notes"]
    assert bug["status"] == "fail", bug.get("error")
    assert bug["diagnoses"][0]["code"] == "derivative_at_activation"
    assert {t["name"] for t in bug["tensors"] if t["status"] == "fail"} == {"W1", "b1"}


def test_a_step_divided_by_its_running_state_stays_refused(verdicts):
    """RMSprop's ``g / sqrt(v)``: with its decay at 0 the step is ``eta * sign(g)``, linear in eta and stateless, and
    no gradient; it is never read as one (no false FAIL of a right optimizer)."""
    s = verdicts["rmsprop_like_right.py"]
    assert s["status"] == "error", (s["status"], [d["code"] for d in s["diagnoses"]])
    assert not any("momentum" in n and "set to 0" in n for n in s["notes"])


def test_the_coefficient_is_read_off_the_recurrence_only():
    import textwrap
    import types

    from gradcheck.audit.adapters.readers.momentumoff import coefficients

    src = textwrap.dedent(
        """
        def step(self, g):
            self.v = self.gamma * self.v + self.lr * g
            self.w -= self.v
            self.m = self.beta * self.m + (1 - self.beta) * g
            self.u -= self.lr * self.m / (self.s + 1e-8)
        """
    )
    ns: dict = {}
    exec(compile(src, "<momentum>", "exec"), ns)  # noqa: S102 - this test's own source
    fn = types.FunctionType(ns["step"].__code__, ns)
    import linecache

    linecache.cache["<momentum>"] = (len(src), None, src.splitlines(True), "<momentum>")
    assert coefficients(fn) == ["gamma"]  # beta drives a quotient's state (Adam's m): not momentum
    assert coefficients(fn, skip="gamma") == []
