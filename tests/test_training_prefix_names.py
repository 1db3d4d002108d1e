"""``train(training_inputs, training_outputs, training_iterations)``: a training set's names say their roles."""

from __future__ import annotations

import pytest

from gradcheck.audit.adapters.names import role_of


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("training_iterations", "epochs"),
        ("training_epochs", "epochs"),
        ("train_iters", "epochs"),
        ("training_inputs", "X"),
        ("trainX", "X"),
        ("training_outputs", "Y"),  # a training set's outputs are its targets
        ("training_output", "Y"),
        ("train_labels", "Y"),
        ("training_mode", "training"),  # a name of its own keeps its role
    ],
)
def test_a_training_prefix_keeps_the_role_of_what_follows(name, role):
    assert role_of(name) == role


@pytest.mark.parametrize("name", ["train_pred", "train_out", "train_loss", "training_rate", "trainer"])
def test_a_prediction_or_an_unknown_word_after_the_prefix_names_nothing(name):
    assert role_of(name) is None
