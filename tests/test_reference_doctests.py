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


def test_readme_reference_networks_excerpt_is_the_example_file():
    """The README shows part of examples/reference_layers.py; its console block (run by test_readme) is the rest."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    section = (root / "README.md").read_text(encoding="utf-8").split("## The reference networks", 1)[1]
    excerpt = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert excerpt.strip() in (root / "examples" / "reference_layers.py").read_text(encoding="utf-8")
