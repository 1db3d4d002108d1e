"""A backward's one argument that it hands on to another object's backward is the gradient from above."""

from __future__ import annotations

import textwrap

import pytest

from gradcheck.audit.adapters.relayed import relayed_gradient


@pytest.fixture
def module(tmp_path, monkeypatch):
    def make(body: str):
        path = tmp_path / f"m{abs(hash(body))}.py"
        path.write_text(textwrap.dedent(body))
        monkeypatch.syspath_prepend(str(tmp_path))
        import importlib

        return importlib.import_module(path.stem).backward

    return make


@pytest.mark.parametrize(
    "body, name",
    [
        (
            "def backward(self, x):\n    for layer in self.layers:\n        x = layer.backward(x)\n    return x\n",
            "x",
        ),
        ("def backward(self, inputs):\n    return self.head.backprop(inputs)\n", "inputs"),
        ("def backward(self, x):\n    return self.backward(x)\n", None),  # its own, not another object's
        ("def backward(self, X, y):\n    return self.out.backward(X)\n", None),  # two required: roles decide
        ("def backward(self, x):\n    return x @ self.W.T\n", None),  # used, not handed on
        ("def backward(self, y):\n    return self.net.backward(self.crit.backward(y))\n", None),  # a target
        ("def backward(self, out):\n    g = self.loss_fn.backward(out)\n    return g\n", None),  # a loss object's
    ],
)
def test_handed_on_to_another_backward(module, body, name):
    assert relayed_gradient(module(body)) == name


def test_a_held_out_pair_beside_the_training_pair_is_named(module):
    from gradcheck.audit.adapters.pairarg import held_out_args

    fn = module("def backward(self, train, valid, n_epochs=5, test_data=None):\n    X, y = train\n    return valid\n")
    assert held_out_args(fn, "train") == ["valid"]  # test_data has a default: kept
    fn = module("def backward(self, train, lr):\n    X, y = train\n    return lr\n")
    assert held_out_args(fn, "train") == []
