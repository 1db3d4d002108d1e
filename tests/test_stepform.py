"""A backward returning the summed gradient, checked again through the code's own step (gradcheck.audit.stepform),
and the worker-side pieces the step is found and run with: the step method, the loss call a training loop makes
between forward and backward (loopprime), and the count of forwards a step's call runs (forwardcount).

The examples forwardprop_cache_lists_*, stateful_loss_layer_* and train_loop_inline_targets_correct.py
(tests/test_audit_examples.py) run them end to end in the sandbox.
"""

from __future__ import annotations

import numpy as np

from gradcheck.audit import stepform
from gradcheck.audit.adapters import forwardcount, loopprime, stepmethod
from gradcheck.audit.spec import parse_spec
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.result import Diagnosis

MEAN = Diagnosis("missing_batch_mean", "W1", "N times", 0.9)
SLOPE = Diagnosis("derivative_at_activation", "W1", "at the activation", 0.9)
FIRST_RUN = {"step_method": "update_batch"}


def verdict(status: str, diagnoses=(), **kw) -> SubmissionResult:
    return SubmissionResult("s.py", status, diagnoses=tuple(diagnoses), notes=("first",), entry="Net.backprop", **kw)


def test_asked_only_for_a_missing_batch_mean_beside_a_step_method_and_no_declared_backward():
    spec = parse_spec({})
    assert stepform.step_of(verdict("fail", [MEAN]), FIRST_RUN, spec) == "update_batch"
    assert stepform.step_of(verdict("fail", [SLOPE]), FIRST_RUN, spec) is None
    assert stepform.step_of(verdict("pass"), FIRST_RUN, spec) is None
    assert stepform.step_of(verdict("fail", [MEAN]), {}, spec) is None
    declared = parse_spec({"entry": {"backward": "backprop"}})
    assert stepform.step_of(verdict("fail", [MEAN]), FIRST_RUN, declared) is None
    assert stepform.with_step(spec, "update_batch").sections["entry"] == {"backward": "update_batch"}


def test_the_step_decides_unless_it_misses_the_mean_too():
    passed = stepform.judged(verdict("fail", [MEAN]), "update_batch", lambda: verdict("pass"))
    assert passed.status == "pass" and "update_batch(), the step the code trains with" in passed.notes[-1]
    other = stepform.judged(verdict("fail", [MEAN, SLOPE]), "update_batch", lambda: verdict("fail", [SLOPE]))
    assert other.status == "fail" and [d.code for d in other.diagnoses] == ["derivative_at_activation"]
    same = verdict("fail", [MEAN])
    assert stepform.judged(same, "update_batch", lambda: verdict("fail", [MEAN])) is same
    assert stepform.judged(same, "update_batch", lambda: verdict("error")) is same


class Layered:
    """A model whose training step is update_batch(x, y, lr), and a loop of 5 steps with a loss call between."""

    def __init__(self):
        self.W = np.ones((2, 1))

    def forward(self, x):
        self.x = x
        return x @ self.W

    def remember(self, labels):
        self.labels = labels

    def backprop(self, y):
        return self.x.T @ (self.x @ self.W - y)

    def update_batch(self, x, y, lr):
        self.forward(x)
        self.W = self.W - lr * self.backprop(y) / len(y)

    def train(self, x, y):
        for _ in range(5):
            out = self.forward(x)
            self.remember(y)
            self.cost(out)
            self.backprop(y)

    def cost(self, out):
        return float(np.sum(out))


def test_the_step_method_is_the_one_calling_the_backward_once_and_writing_the_weights():
    assert stepmethod.step_method(Layered, "backprop") == "update_batch"
    assert stepmethod.step_method(Layered, "remember") is None  # train() calls it in a loop, writes and takes no rate
    assert stepmethod.step_method(Layered, None) is None


def test_the_loop_s_calls_between_forward_and_backward_given_the_targets_or_named_as_a_loss():
    assert list(loopprime.loop_calls(Layered, "forward", "backprop")) == [(["remember"], ["Y"]), (["cost"], ["out"])]
    net = Layered()
    labels = np.array([[1.0], [0.0]])
    assert loopprime.run(net, "Layered", "forward", "backprop", {"X": None, "Y": labels, "out": None}) == (
        "Layered.remember"
    )
    assert np.array_equal(net.labels, labels) and net.labels is not labels  # a copy, as the batch is for every call


def test_the_forwards_of_a_call_are_counted_on_the_instance_and_put_back():
    net = Layered()
    with forwardcount.counting(net, "forward") as count:
        net.train(np.ones((3, 2)), np.zeros((3, 1)))
    assert count == [5] and "forward" not in vars(net)
    with forwardcount.counting(None, "forward") as none:
        pass
    assert none == [0]
