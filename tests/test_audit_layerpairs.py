"""A constructor given (width, activation) pairs (gradcheck.audit.adapters.layerpairs)."""

from __future__ import annotations

import importlib.util
import typing

import pytest

from gradcheck.audit.adapters.layerpairs import is_pairs_annotation, pairs

CODE = """
def make(layers):
    for units, act in layers:
        if act == "relu":
            pass
        elif act == "sigmoid":
            pass
        elif act == "softmax":
            pass
        elif act == "swish":
            pass
"""


@pytest.fixture
def make(tmp_path):
    path = tmp_path / "pairs_code.py"
    path.write_text(CODE)
    spec = importlib.util.spec_from_file_location("pairs_code", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make


@pytest.mark.parametrize(
    "annotation,expected",
    [
        (typing.List[typing.Tuple[int, str]], True),  # noqa: UP006 - as students write it
        (list[tuple[int, str]], True),
        (typing.Sequence[tuple[int, str]], True),
        ("List[Tuple[int, str]]", True),
        (list[int], False),
        (typing.List[typing.Tuple[str, int]], False),  # noqa: UP006 - as students write it
        ("list", False),
    ],
)
def test_pairs_annotation(annotation, expected):
    assert is_pairs_annotation(annotation) is expected


def test_pairs_take_the_activations_the_code_names(make):
    notes: list[str] = []
    assert pairs([3, 4, 1], make, "layers", "ANN", notes) == [(3, "relu"), (4, "relu"), (1, "sigmoid")]
    assert pairs([3, 4, 5], make, "layers", "ANN", notes) == [(3, "relu"), (4, "relu"), (5, "softmax")]
    assert len(notes) == 2 and "(width, activation) pairs" in notes[0]


def test_no_pairs_without_an_output_activation_the_code_names(tmp_path):
    path = tmp_path / "relu_only.py"
    path.write_text("def make(layers):\n    return [a == 'relu' for _, a in layers]\n")
    spec = importlib.util.spec_from_file_location("relu_only", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert pairs([3, 4, 1], module.make, "layers", "ANN", []) is None
