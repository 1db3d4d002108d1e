"""Verdicts of their own, never ``pass``: a loss that is not a scalar, non-finite parameters or
gradients, a gradient of the wrong shape. Each case is a student file audited in the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit.grade import Extracted
from gradcheck.audit.verdicts import VERDICT_CODES, refuse
from gradcheck.cli import main

HERE = Path(__file__).resolve().parent / "submissions" / "verdicts"
#: file -> (status, top diagnosis code, tensor named)
EXPECTED = {
    "functions_correct.py": ("pass", None, None),
    "cs231n_array_loss.py": ("error", "loss_not_scalar", None),
    "nan_params.py": ("error", "nonfinite_parameter", "b1"),
    "inf_grad.py": ("fail", "nonfinite_gradient", "b1"),
    "shape_bug.py": ("fail", "shape_mismatch", "W1"),
    "bias_unsummed.py": ("fail", "bias_not_summed", "b1"),
}


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    paths = [str(HERE / name) for name in EXPECTED]
    code = main(["audit", *paths, "--format", "json", "--output", str(out)])
    (folder,) = out.iterdir()
    data = json.loads((folder / "report.json").read_text())
    return code, {Path(s["path"]).name: s for s in data["submissions"]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_case_gets_its_named_verdict(name, audited):
    code, subs = audited
    assert code == 1
    status, top, tensor = EXPECTED[name]
    s = subs[name]
    assert s["status"] == status, (s["error"], s["diagnoses"])
    if top is None:
        assert s["diagnoses"] == [] and s["score"] == s["max_score"]
        return
    assert s["diagnoses"][0]["code"] == top
    assert s["diagnoses"][0]["tensor"] == tensor
    assert s["score"] == 0.0  # never full marks, never partial credit for a gradient that was never checked
    assert s["error"]


def test_a_bias_not_summed_is_also_stated_as_a_shape_mismatch(audited):
    codes = [d["code"] for d in audited[1]["bias_unsummed.py"]["diagnoses"]]
    assert codes == ["bias_not_summed", "shape_mismatch"]


def test_messages_name_the_shape_and_the_entry(audited):
    subs = audited[1]
    assert "array of shape (16,), not a scalar" in subs["cs231n_array_loss.py"]["error"]
    assert "b1[0] = nan" in subs["nan_params.py"]["error"]
    assert "first: b1[0] = inf" in subs["inf_grad.py"]["error"]
    assert "has shape (2, 3) but W1 has shape (2, 4)" in subs["shape_bug.py"]["diagnoses"][0]["message"]


def _result(params, grads, loss_shape=None):
    """A worker result as the grader receives it (non-finite entries as the strings "nan", "inf")."""

    def enc(v):
        return [[x if np.isfinite(x) else str(x) for x in row] for row in v.tolist()]

    out = {
        "ok": True,
        "params": [{"name": k, "data": enc(v)} for k, v in params.items()],
        "grads": [{"param": k, "data": enc(v), "rule": "name"} for k, v in grads.items()],
    }
    if loss_shape is not None:
        out["loss_value"] = {"shape": list(loss_shape), "finite": True}
    return out


@pytest.mark.parametrize(
    ("params", "grads", "loss_shape", "expected"),
    [
        ({"W": np.ones((2, 2))}, {"W": np.ones((2, 2))}, None, None),
        ({"W": np.ones((2, 2))}, {"W": np.ones((2, 2))}, (), None),  # a 0-d array is a scalar
        ({"W": np.ones((2, 2))}, {"W": np.ones((2, 2))}, (1,), None),  # so is a one-element array
        ({"W": np.ones((2, 2))}, {"W": np.ones((2, 2))}, (8, 1), ("error", "loss_not_scalar")),
        ({"W": np.array([[1.0, np.inf]])}, {"W": np.ones((1, 2))}, None, ("error", "nonfinite_parameter")),
        ({"W": np.ones((1, 2))}, {"W": np.array([[np.nan, 1.0]])}, None, ("fail", "nonfinite_gradient")),
        ({"W": np.array([[np.nan]])}, {"W": np.array([[np.nan]])}, None, ("error", "nonfinite_parameter")),
    ],
)
def test_refuse(params, grads, loss_shape, expected):
    result = _result(params, grads, loss_shape)
    got = refuse(result, Extracted.from_result(result))
    if expected is None:
        assert got is None
    else:
        status, diagnosis = got
        assert (status, diagnosis.code) == expected
        assert diagnosis.code in VERDICT_CODES
