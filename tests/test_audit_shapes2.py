"""Variants of the architecture-list, notebook-globals, list-script and unrolled-cost shapes, written here as
look-alikes with other names and layouts than the examples (``layers_config`` with ``in``/``out`` keys and samples
in rows, ``W[i]``/``b[i]`` scripts in the descent form, ``model = init_model(n_features, ...)`` with ``logits``,
an initializer whose arguments come from a data file, a case-study script with integer labels, an L2 penalty
it computes itself and ``probs`` edited in place by the backward). Each correct file was checked against
central differences of its own loss when written; each bug file differs from them. One sandboxed batch,
zero-config.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from auditcheck import assert_verdict

HERE = Path(__file__).resolve().parent / "submissions" / "shapes2"
#: submission -> (status, top diagnosis code or None, a phrase the error or a note must contain)
EXPECTED = {
    "arch_rows_correct.py": ("pass", None, "called with the architecture list"),
    "arch_rows_missing_deriv_bug.py": ("fail", "missing_activation_derivative", None),
    "init_model_globals_correct.py": ("pass", None, "init_model(3, 10, 4)"),
    "globals_unresolved_correct.py": ("pass", None, "invented"),
    "script_short_list_correct.py": ("pass", None, "W[1] <- its update"),
    "script_short_list_mean_bug.py": ("fail", "missing_batch_mean", None),
    "unrolled_tanh_hidden.py": ("error", None, "which this shape cannot model"),
    "spiral_reg_script_correct.py": ("pass", None, "an L2 penalty (l2 / 2) * sum(W**2) with l2 = 0.01"),
    "spiral_reg_script_double_bug.py": ("fail", "regularization_mismatch", "y holds integer class labels"),
}


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    return audit_json([HERE / name for name in EXPECTED], tmp_path_factory.mktemp("r"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant_gets_the_truth(audited, name):
    status, code, phrase = EXPECTED[name]
    s = audited[name]
    assert_verdict(s, status, code)
    if phrase is not None:
        said = (s["error"] or "") + " " + " ".join(s["notes"])
        assert phrase in said, said
    if status == "error":
        assert "internal error" not in (s["error"] or "")


def test_the_output_is_what_the_loop_makes_of_the_logits(audited):
    notes = audited["init_model_globals_correct.py"]["notes"]
    assert any("the network's output is probs, made from the forward's logits" in n for n in notes), notes
    assert any("loss read off the student's cross_entropy()" in n for n in notes), notes
