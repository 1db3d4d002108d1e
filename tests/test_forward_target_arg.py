"""A forward given the targets under a name of what they are (``forward(self, input_vector, output_vector)``,
storing ``self.error = self.a2 - output_vector`` for the backward): the argument is the targets (a forward is
never handed its own output), and ``input_vector`` is the input. It was ``BindingError ... set [entry] forward``,
a key that binds nothing."""

from __future__ import annotations

import pytest

from gradcheck.audit.adapters.names import role_of

SOURCE = """
import numpy as np


class Net:
    def __init__(self, n_in, n_hidden, n_out, rate=0.1):
        self.W1 = np.random.randn(n_in, n_hidden) * 0.5
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.randn(n_hidden, n_out) * 0.5
        self.b2 = np.zeros(n_out)
        self.rate = rate

    def forward(self, input_vector, output_vector):
        self.a1 = np.tanh(input_vector @ self.W1 + self.b1)
        self.a2 = self.a1 @ self.W2 + self.b2
        self.error = self.a2 - output_vector
        return self.a2

    def backpropagation(self, input_vector):
        n = input_vector.shape[0]
        d2 = SIGN 2 * self.error / n
        d1 = (d2 @ self.W2.T) * (1 - self.a1 ** 2)
        self.W2 -= self.rate * self.a1.T @ d2
        self.b2 -= self.rate * d2.sum(axis=0)
        self.W1 -= self.rate * input_vector.T @ d1
        self.b1 -= self.rate * d1.sum(axis=0)
"""


@pytest.mark.parametrize("name", ["output_vector", "expected_output", "desired_outputs", "target_vector"])
def test_names_of_targets_and_inputs_held_in_containers(name):
    assert role_of(name) in ("Y", "out")  # "output_vector" is an output: a forward's is its target
    assert role_of("input_vector") == "X" and role_of("x_data") == "X"
    assert role_of("hidden_vec") is None


def test_a_forward_given_the_targets_as_output_vector_is_audited(audit_sign_pair):
    ok, bad = audit_sign_pair(SOURCE, "fwd_target")
    assert ok["status"] == "pass", (ok.get("error"), [d["code"] for d in ok["diagnoses"]])
    assert bad["status"] == "fail" and bad["diagnoses"][0]["code"] == "sign_flip"
