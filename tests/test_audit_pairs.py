"""Training on lists of [input, target] pairs: the per-pair step is the backward, a sample goes in as vectors."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

from gradcheck.audit.adapters import driver, pairarg, vectorsample
from gradcheck.audit.loader import load_submission

TRAINERS = """
class Net:
    def epochs_indexed(self, patterns, epochs=10):
        for e in range(epochs):
            for p in patterns:
                self.run(p[0])
                self.step_on(p[1], 0.1)

    def epochs_unpacked(self, data):
        while True:
            for x, t in data:
                err = self.learn(self.run(x), t)

    def mini_batch(self, batch, eta):
        for x, y in batch:
            self.backprop(x, y)

    def one_pair(self, pair):
        x, y = pair[0], pair[1]
"""


@pytest.fixture
def net(tmp_path, monkeypatch):
    path = tmp_path / "trainers.py"
    path.write_text(TRAINERS)
    spec = importlib.util.spec_from_file_location("trainers", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "trainers", module)  # the source of its methods is read
    spec.loader.exec_module(module)
    return module.Net


@pytest.mark.parametrize(
    "method, arg, step",
    [("epochs_indexed", "patterns", "step_on"), ("epochs_unpacked", "data", "learn")],
)
def test_epochs_over_pairs_name_the_list_and_the_step_on_the_target(net, method, arg, step):
    assert pairarg.epoch_pairs_arg(getattr(net, method)) == arg
    assert pairarg.per_pair_step(getattr(net, method)) == step
    assert arg in pairarg.epoch_pairs_message(f"Net.{method}", arg)


@pytest.mark.parametrize("method", ["mini_batch", "one_pair"])
def test_one_pass_or_one_pair_is_no_epoch_trainer(net, method):
    """A mini-batch loop sums per-pair gradients into one update (Nielsen): that is a step, not epochs."""
    assert pairarg.epoch_pairs_arg(getattr(net, method)) is None
    assert pairarg.per_pair_step(getattr(net, method)) is None


def test_the_example_is_checked_on_one_sample_given_as_vectors(clean_imports):
    path = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "pattern_pairs_epochs_correct.py"
    partial: dict = {}
    driver.audit(load_submission(path), None, None, [0.1], {}, partial)
    assert partial["entry"] == "PatternNet.back_propagate"
    assert vectorsample.NOTE in partial["notes"], partial["notes"]


def test_code_that_fails_on_vectors_too_keeps_the_batch_error(clean_imports, tmp_path):
    source = textwrap.dedent(
        """
        import numpy as np

        class Net:
            def __init__(self):
                self.W = np.ones((3, 2))

            def forward(self, x):
                self.x = x
                return x @ self.W

            def backward(self, y, lr):
                raise ValueError("shapes do not fit")
        """
    )
    path = tmp_path / "broken.py"
    path.write_text(source)
    with pytest.raises(Exception, match="shapes do not fit"):
        driver.audit(load_submission(path), None, None, [0.1], {}, {})
