"""A forward at weights where activations agree (zero weights: tanh and the identity both give 0) tells none of
them apart; the grader's second point, where they differ, decides which network the gradient is judged on."""

import dataclasses

from gradcheck.audit.judge import _on_this_network
from gradcheck.audit.lossfit import LossChoice
from gradcheck.audit.network import ForwardCheck
from reference_nets.config import MLPConfig

FIRST = LossChoice(MLPConfig((4, 1), (), output="identity", loss="mse", over_samples="sum"), 1.0, "auto")
TANH = MLPConfig((4, 1), (), output="tanh", loss="mse")


def _forward(status="match", on_logits=False):
    return ForwardCheck(status, 0.0, "4-1 |tanh", "activations inferred from the forward output", on_logits=on_logits)


def test_the_loss_of_the_first_point_is_kept_on_the_network_the_second_identifies():
    there = _on_this_network(FIRST, TANH, _forward())
    assert there.config.output == "tanh" and there.factor == FIRST.factor and there.source == FIRST.source
    assert dataclasses.replace(there.config, output="identity") == FIRST.config  # reduction and convention kept


def test_a_forward_that_identifies_nothing_there_keeps_the_first_network():
    assert _on_this_network(FIRST, TANH, _forward(status="unavailable")) is FIRST
    assert _on_this_network(FIRST, TANH, _forward(on_logits=True)) is FIRST  # scores leave the output layer open
    bce = LossChoice(MLPConfig((4, 1), (), output="sigmoid", loss="bce"), 1.0, "auto")
    assert _on_this_network(bce, TANH, _forward()) is bce  # no BCE on a tanh output: nothing to judge it on
