"""Where a script's set-up ends: a training call is never run as set-up (it would train for its epochs and
print what its random initial weights make, differently on every run)."""

import ast

import pytest

from gradcheck.audit.adapters.assembly import _trains


@pytest.mark.parametrize(
    "line",
    [
        "net.SGD(X, Y, epochs=10000, mini_batch_size=4, eta=3.0)",  # Nielsen's name, epochs by keyword
        "net.SGD(training_data, 30, 10, 3.0)",  # Nielsen's positional call
        "history = model.optimize(X, y, n_epochs=500)",  # any call given a number of epochs
        "model.fit(X, y)",
    ],
)
def test_training_calls_end_the_set_up(line):
    assert _trains(ast.parse(line).body[0])


SET_UP = ["net = Network([2, 3, 2])", "X = np.array(rows, dtype=float)", "net.add(Dense(2, 3))"]


@pytest.mark.parametrize("line", SET_UP)
def test_set_up_statements_are_not_training(line):
    assert not _trains(ast.parse(line).body[0])
