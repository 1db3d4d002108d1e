"""The Examples in reference_nets' docstrings run and print what they say."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import reference_nets

MODULES = sorted(m.name for m in pkgutil.iter_modules(reference_nets.__path__, "reference_nets."))


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
