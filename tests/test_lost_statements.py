"""A statement needing a library the sandbox lacks (a scikit-learn baseline fitted to compare with) is skipped, and
so is every later statement that fails for a name only it made; the training code after it still runs. A statement
that fails on its own (a bug of the code) still stops the script."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradcheck.audit import tracer

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "local_model_widths_correct.py"


def test_the_baseline_and_its_plot_are_skipped_and_the_training_function_audited(audit_json, tmp_path):
    s = audit_json([EXAMPLE], tmp_path)[EXAMPLE.name]
    assert s["status"] == "pass", (s["status"], s["error"])
    skipped = [n for n in s["notes"] if n.endswith("skipped")]
    assert any("needs a library the sandbox lacks" in n and "linear_model" in n for n in skipped), s["notes"]
    assert any("reads baseline, which a skipped statement made" in n for n in skipped), s["notes"]


SCRIPT = """
import numpy as np
import seaborn
W1 = np.ones((2, 3))
X = np.ones((4, 2))
style = seaborn.set_theme()
print(style)
for _ in range(3):
    dW1 = X.T @ (X @ W1) {bug}
    W1 -= 0.1 * dW1
"""


def _run(tmp_path, bug: str):
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(bug=bug))
    notes: list[str] = []
    sr = tracer.prepare(path, notes)
    return tracer.run(sr, {"params": ["W1"], "grads": ["dW1"]}, notes, None), notes


def test_a_missing_library_statement_is_skipped_before_the_capture(tmp_path):
    cap, notes = _run(tmp_path, "")
    assert list(cap.params) == ["W1"]
    assert any("seaborn" in n and "skipped" in n for n in notes), notes


def test_the_codes_own_error_still_stops_it(tmp_path):
    with pytest.raises(Exception, match="operands could not be broadcast|shapes"):
        _run(tmp_path, "+ np.ones((5, 5))")
