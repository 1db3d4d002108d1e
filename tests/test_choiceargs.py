"""Arguments that choose rather than carry data: a selector string and a derivative flag."""

from __future__ import annotations

import functools

import numpy as np

from gradcheck.audit.adapters import choiceargs, namedchoices
from gradcheck.audit.adapters.lossfind import Candidate


class Net:
    def _cost(self, method, y, y_hat, deriv):
        if method == "cross_entropy":
            return -(y / y_hat) if deriv else -float((y * y_hat).sum())
        if method == "mse":
            return y_hat - y if deriv else float(((y_hat - y) ** 2).sum())

    def back(self, loss_method, y, out, lr):
        return self._cost(loss_method, y, out, True) * lr

    def back_kw(self, how, y, out):
        return self._cost(method=how, y=y, y_hat=out, deriv=True)

    def scaled(self, y, out, factor):
        return (out - y) * factor  # a number, not a flag


def _run():
    Net().back("mse", 1.0, 2.0, 0.1)  # the file's own choice: "mse", compared second


def test_the_selector_is_the_string_the_file_passes():
    assert namedchoices.selector(Net.back, "loss_method") == "mse"


def test_the_selector_is_followed_through_a_keyword_call():
    assert namedchoices.selector(Net.back_kw, "how") == "mse"


def test_an_argument_never_compared_is_no_selector():
    assert namedchoices.selector(Net.back, "lr") is None
    assert namedchoices.selector(Net.scaled, "factor") is None


def test_a_truth_tested_argument_is_a_flag_and_a_number_is_not():
    assert choiceargs.fixed(Net._cost) == {"method": "mse", "deriv": False}
    assert choiceargs.fixed(Net.scaled) == {}


def test_a_loss_candidate_is_called_with_its_choices_given():
    cand = Candidate("Net._cost", Net()._cost, 1)
    assert isinstance(cand.fn, functools.partial)
    assert cand.fn(y=np.ones(2), y_hat=np.full(2, 3.0)) == 8.0  # the mse value, not its derivative
    plain = Candidate("Net.scaled", Net().scaled, 1)
    assert not isinstance(plain.fn, functools.partial)


def _xent_grad(probs, labels_one_hot):
    return probs - labels_one_hot


class Labelled:
    def backward(self, labels_one_hot):  # the targets: handed to the loss's derivative
        return _xent_grad(self.probs, labels_one_hot)

    def relay(self, incoming):  # an upstream gradient: multiplied on
        return incoming * 2.0


def test_an_argument_handed_to_a_loss_derivative_is_the_targets():
    from gradcheck.audit.adapters.argroles import handed_to_loss_gradient
    from gradcheck.audit.adapters.calling import backward_fallback

    assert handed_to_loss_gradient(Labelled.backward, "labels_one_hot")
    assert not handed_to_loss_gradient(Labelled.relay, "incoming")
    ctx = {"dout": lambda: None, "Y": lambda: None}
    assert backward_fallback(Labelled().backward, ctx) == ["Y"]
    assert backward_fallback(Labelled().relay, ctx) == ["dout"]
