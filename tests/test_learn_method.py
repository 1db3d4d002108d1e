"""A class trained by learn(X, y), its layer widths given as `dimensions`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gradcheck.audit.adapters.names import BACKWARD_NAMES, CLASS_TRAIN_METHODS, SIZE_LIST_NAMES
from gradcheck.audit.grade import grade
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.worker import run_request

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def test_learn_is_a_model_class_training_method_and_dimensions_a_list_of_widths():
    assert "learn" in CLASS_TRAIN_METHODS and "dimensions" in SIZE_LIST_NAMES
    assert "learn" not in BACKWARD_NAMES  # a module function learn(I, T, H, O, eta) is a script's own step


def test_the_learn_example_is_called_with_invented_widths_and_its_rate_found(tmp_path, clean_imports):
    (tmp_path / "s.py").write_text((EXAMPLES / "learn_method_class_tanh_twice_bug.py").read_text())
    _, result = run_request({"submission": "s.py", "X": None, "Y": None}, Path(tmp_path))
    assert result["ok"], result["error"]
    assert result["entry"] == "TanhNet.learn"
    r = grade(result, np.asarray(result["X"]), np.asarray(result["Y"]), AuditSpec(), path="s.py")
    assert r.status == "fail"
    assert [t.name for t in r.tensors if t.status == "fail"] == ["weights[0]", "biases[0]"]
    assert any("dimensions = [" in n for n in r.notes)
