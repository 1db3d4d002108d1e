"""A backward handed its batch as one (inputs, targets) pair (gradcheck.audit.adapters.pairarg)."""

from __future__ import annotations

import importlib.util

import pytest

from gradcheck.audit.adapters.pairarg import pair_arg


@pytest.fixture
def fn(tmp_path):
    """``f`` defined in a file of its own (the source is read back with inspect)."""

    def make(src: str):
        path = tmp_path / f"pair_{abs(hash(src))}.py"
        path.write_text(src)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.f

    return make


@pytest.mark.parametrize(
    "src,expected",
    [
        ("def f(self, input_data):\n    x = input_data[0]\n    t = input_data[1]\n", "input_data"),
        ("def f(self, batch):\n    x, y = batch\n    return x, y\n", "batch"),
        ("def f(batch, lr=0.1):\n    return batch[0] @ batch[1]\n", "batch"),
        # the targets have an argument of their own: the first argument is the inputs
        ("def f(self, x, y):\n    return x[0], x[1]\n", None),
        # indexed by something else than exactly (0, 1): not a pair
        ("def f(self, x):\n    return x[0] + x[1] + x[2]\n", None),
        ("def f(self, dout):\n    return dout * 2\n", None),
    ],
)
def test_pair_arg(fn, src, expected):
    assert pair_arg(fn(src)) == expected


def test_no_source_is_no_pair():
    assert pair_arg(len) is None
