"""A file whose model comes from the student's own module, left out of the submission, beside helper functions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gradcheck.audit.frameworks import own_modules_missing
from gradcheck.audit.worker import run_request

DRIVER = """
import numpy as np
{imports}

def rel_error(x, y):
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))

def init_toy_data():
    return np.random.randn(5, 4), np.array([0, 1, 2, 2, 1])
"""


def test_published_libraries_are_not_the_students_modules():
    notes = ["line 2: No module named 'pandas'", "line 3: No module named 'classifiers'", "No module named 'cv2'"]
    assert own_modules_missing(notes) == ["classifiers"]


@pytest.mark.parametrize(
    ("imports", "said"),
    [
        ("from classifiers.neural_net import TwoLayerNet\nfrom data_utils import load_CIFAR10", "classifiers"),
        ("import pandas as pd", None),
    ],
)
def test_helpers_beside_a_missing_model_module_name_the_module(tmp_path, imports, said, clean_imports):
    (tmp_path / "run.py").write_text(textwrap.dedent(DRIVER.format(imports=imports)))
    _, result = run_request({"submission": "run.py", "X": None, "Y": None}, Path(tmp_path))
    msg = result["error"]["message"]
    if said:
        assert f"it imports {said}, data_utils, which is neither in the submission" in msg
    else:
        assert "no class with forward/backward methods" in msg and "pandas" not in msg
