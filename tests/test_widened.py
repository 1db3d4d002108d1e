"""A pass at one invented output is checked again at several when the loss is the student's own."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from gradcheck.audit import widened
from gradcheck.audit.batch import audit_batch
from gradcheck.audit.lossfit import LossChoice
from gradcheck.audit.ownoutputs import own_outputs
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.audit.submissions import discover


def _passed(source: str) -> SubmissionResult:
    return SubmissionResult(path="s.py", status="pass", loss_choice=LossChoice(None, 1.0, source))


def _result(n_out: int = 1, **extra) -> dict:
    return {"shape": "class", "X": np.zeros((16, 3)).tolist(), "Y": np.zeros((16, n_out)).tolist(), **extra}


def test_only_a_pass_on_an_invented_one_output_batch_under_the_codes_own_loss_is_widened():
    X, Y = widened.needs_widening(_passed("the student's loss()"), _result(), None)
    assert X.shape == (16, 3) and Y.shape == (16, widened.WIDE_OUTPUTS) and np.all(Y.sum(axis=1) == 1)
    assert widened.needs_widening(_passed("declared"), _result(), None) is not None
    for source in ("convention", "auto"):  # a convention over outputs the grader assumed: one output is fairer
        assert widened.needs_widening(_passed(source), _result(), None) is None
    assert widened.needs_widening(_passed("declared"), _result(n_out=3), None) is None  # already several
    assert widened.needs_widening(_passed("declared"), _result(), (np.zeros((4, 3)), np.zeros((4, 1)))) is None
    assert widened.needs_widening(_passed("declared"), _result(data_replaced=True), None) is None
    failed = SubmissionResult(path="s.py", status="fail", loss_choice=LossChoice(None, 1.0, "declared"))
    assert widened.needs_widening(failed, _result(), None) is None


def test_the_wider_verdict_replaces_a_pass_only_when_it_fails_at_the_codes_own_width():
    first = _passed("declared")
    worse = SubmissionResult(path="s.py", status="fail", notes=("n",))
    decided = widened.widened(first, lambda: worse, True, 3)
    assert decided.status == "fail" and "own data has 3 outputs" in decided.notes[-1]
    warned = widened.widened(first, lambda: worse, False, 4)
    assert warned.status == "pass" and warned.notes[-1].startswith("warning: checked again at 4 outputs")
    same = widened.widened(
        first, lambda: SubmissionResult(path="s.py", status="error", error="needs 1 output"), False, 4
    )
    assert same.status == "pass" and same.notes[-1] == "not checked at 4 outputs: needs 1 output"
    assert widened.outputs({"own_outputs": 3}) == 3 and widened.outputs({"own_outputs": None}) == 4


def test_own_outputs_are_read_off_target_named_globals():
    assert own_outputs({"Y": np.zeros((5, 3)), "X": np.zeros((5, 7))}) == 3
    assert own_outputs({"labels": np.array([0, 2, 1, 4])}) == 5
    assert own_outputs({"y": np.zeros((5, 1)), "W": np.zeros((3, 9))}) is None
    assert own_outputs({"labels": np.array([0, 1, 1])}) is None  # binary labels: one output is the code's
    assert own_outputs({"y": np.zeros((1, 100)), "X": np.zeros((2, 100))}) is None  # one row: samples as columns


NET = """
import numpy as np

def init_weights(n_in, n_hidden, n_out):
    rng = np.random.default_rng(1)
    W1, W2 = rng.normal(size=(n_in, n_hidden)), rng.normal(size=(n_hidden, n_out))
    return W1, np.zeros((1, n_hidden)), W2, np.zeros((1, n_out))

def forward(X, W1, b1, W2, b2):
    A1 = np.tanh(X @ W1 + b1)
    return A1, A1 @ W2 + b2

def loss_fn(X, Y, W1, b1, W2, b2):
    return float(np.mean((forward(X, W1, b1, W2, b2)[1] - Y) ** 2))

def backward(X, Y, W1, b1, W2, b2):
    A1, out = forward(X, W1, b1, W2, b2)
    dZ2 = 2 * (out - Y) / {denominator}
    dZ1 = dZ2 @ W2.T * (1 - A1 ** 2)
    return X.T @ dZ1, dZ1.sum(axis=0, keepdims=True), A1.T @ dZ2, dZ2.sum(axis=0, keepdims=True)
"""


MAIN = """
if __name__ == "__main__":
    X = np.random.default_rng(0).normal(size=(20, 4))
    Y = np.stack([X[:, 0], X[:, 1] - X[:, 2], np.tanh(X[:, 3])], axis=1)
"""


def test_a_missing_mean_over_outputs_hidden_at_one_output_is_failed_at_the_codes_own_width(tmp_path):
    files = {
        "right.py": NET.replace("{denominator}", "Y.size") + MAIN,
        "no_K.py": NET.replace("{denominator}", "X.shape[0]") + MAIN,
        "no_K_no_data.py": NET.replace("{denominator}", "X.shape[0]"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    report = audit_batch(discover([tmp_path]), AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    got = {Path(s.path).name: s for s in report.submissions}
    assert got["right.py"].status == "pass", got["right.py"].error
    assert "checked again at 3 outputs: pass" in got["right.py"].notes
    bad = got["no_K.py"]
    assert bad.status == "fail" and "uniform_scale" in [d.code for d in bad.diagnoses]
    assert any("own data has 3 outputs" in n for n in bad.notes)
    unsure = got["no_K_no_data.py"]  # maybe a one-output network: warned, not failed
    assert unsure.status == "pass" and any(n.startswith("warning: checked again at 4 outputs") for n in unsure.notes)
