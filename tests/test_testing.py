"""Tests of gradcheck.testing: the assertion helpers, tested with planted bugs."""

from __future__ import annotations

import re
import unittest

import numpy as np
import pytest

from gradcheck import testing
from gradcheck.result import Diagnosis, EntryEvidence, GradientReport, TensorResult
from gradcheck.testing import (
    assert_gradients_close,
    assert_model_gradients,
    failure_message,
)
from reference_nets import MLP, MLPConfig

# ---------------------------------------------------------------- a tiny net
# One hidden tanh layer, MSE loss, written out by hand so that the bugs below
# are planted in code the test owns (independent of reference_nets).

_rng = np.random.default_rng(0)
X = _rng.normal(size=(5, 3))
Y = _rng.normal(size=(5, 2))
PARAMS = {
    "W1": _rng.normal(size=(3, 4)),
    "b1": 0.1 * _rng.normal(size=4),
    "W2": _rng.normal(size=(4, 2)),
    "b2": 0.1 * _rng.normal(size=2),
}


def loss(p):
    h = np.tanh(X @ p["W1"] + p["b1"])
    return np.mean((h @ p["W2"] + p["b2"] - Y) ** 2)


def make_grad(*, bug=None):
    """Backward pass of :func:`loss`, optionally with one planted bug."""

    def grad(p):
        z = X @ p["W1"] + p["b1"]
        h = np.tanh(z)
        d_out = 2 * (h @ p["W2"] + p["b2"] - Y) / Y.size
        at = np.tanh(h) if bug == "tanh_of_tanh" else z  # tanh'(tanh z): derivative at the activation
        d_z = d_out @ p["W2"].T * (1 - np.tanh(at) ** 2)
        g = {"W1": X.T @ d_z, "b1": d_z.sum(0), "W2": h.T @ d_out, "b2": d_out.sum(0)}
        if bug == "one_entry":
            g["W1"][1, 2] *= 1 + 1e-4
        if bug == "sign_flip":
            g["W2"] = -g["W2"]
        return g

    return grad


def _numbers(text):
    return [float(x) for x in re.findall(r"-?\d+\.\d+(?:e[-+]\d+)?", text)]


# ------------------------------------------------------------------- passing


def test_correct_gradient_returns_report_and_prints_nothing(capfd):
    report = assert_gradients_close(loss, make_grad(), PARAMS)
    assert isinstance(report, GradientReport)
    assert report.status == "pass"
    assert capfd.readouterr() == ("", "")


def test_loss_that_is_not_complex_safe_passes_silently(capfd, recwarn):
    # float() discards an imaginary part: the complex-step probe must fall back quietly.
    report = assert_gradients_close(lambda p: float(loss(p)), make_grad(), PARAMS)
    assert report.status == "pass"
    assert capfd.readouterr() == ("", "")
    assert not recwarn.list


def test_options_are_passed_on():
    report = assert_gradients_close(loss, make_grad(), PARAMS, method="richardson", mode="sampled", seed=3, samples=3)
    assert (report.method, report.mode, report.seed) == ("richardson", "sampled", 3)


def test_kink_passes():
    # |w| at w = 0: any value in [-1, 1] is a subgradient; 0.5 is not the central difference (0).
    report = assert_gradients_close(
        lambda w: np.sum(np.abs(w)), lambda w: np.where(w == 0, 0.5, np.sign(w)), np.array([0.0, 1.0])
    )
    assert report.status == "kink"


# ------------------------------------------------------------- planted bugs


def test_one_entry_off_by_1e_4_is_named_with_its_values():
    with pytest.raises(AssertionError) as info:
        assert_gradients_close(loss, make_grad(bug="one_entry"), PARAMS)
    msg = str(info.value)
    assert msg.startswith(
        "Gradients not close: 1 of 4 tensors failed (method central, mode directional, seed 0, rtol 1.5e-08)"
    )
    row = next(line for line in msg.splitlines() if line.strip().startswith("W1[1, 2]"))
    good = make_grad()(PARAMS)["W1"][1, 2]
    analytic, numeric, abs_err, rel_err, tol, num_err = _numbers(row)
    assert analytic == pytest.approx(good * (1 + 1e-4), rel=1e-9)
    assert numeric == pytest.approx(good, rel=1e-8)
    assert rel_err == pytest.approx(1e-4, rel=1e-2)
    assert abs_err > tol > num_err
    assert "W1[0, 0]" not in msg  # only failing entries are listed


def test_sign_flip_lists_every_wrong_entry_of_the_tensor():
    with pytest.raises(AssertionError) as info:
        assert_gradients_close(loss, make_grad(bug="sign_flip"), PARAMS)
    msg = str(info.value)
    assert "1 of 4 tensors failed" in msg
    rows = [line.split()[0] for line in msg.splitlines() if line.startswith(" W2[")]
    assert len(rows) == testing.MAX_ROWS
    assert info.value.report.tensor("W2").status == "fail"
    assert "Diagnosis: sign_flip (W2): " in msg  # named by gradcheck.diagnose
    for line in msg.splitlines():
        if line.startswith(" W2["):
            analytic, numeric = _numbers(line)[:2]
            assert analytic == pytest.approx(-numeric, rel=1e-6)


def test_derivative_at_the_activation_fails_in_the_first_layer():
    with pytest.raises(AssertionError) as info:
        assert_gradients_close(loss, make_grad(bug="tanh_of_tanh"), PARAMS)
    msg = str(info.value)
    assert "2 of 4 tensors failed" in msg
    assert re.search(r"^ W1\[\d, \d\] +fail", msg, re.M)
    assert re.search(r"^ b1\[\d\] +fail", msg, re.M)
    assert " W2[" not in msg and " b2[" not in msg


def test_message_has_aligned_table_and_reproduction_line():
    with pytest.raises(AssertionError) as info:
        assert_gradients_close(loss, make_grad(bug="sign_flip"), PARAMS, seed=7, mode="full")
    lines = str(info.value).splitlines()
    header = next(line for line in lines if line.lstrip().startswith("entry"))
    for col in ("status", "analytic", "numeric", "abs err", "rel err", "tolerance", "numeric err"):
        assert col in header
    rows = [line for line in lines if line.startswith(" W2[")]
    assert {len(r) for r in rows} == {len(header)}  # right-aligned numbers end together
    assert lines[-1] == (
        "Reproduce: gradcheck.check_gradients(loss, grad, params, method='central', mode='full', seed=7)"
    )


def test_explicit_rtol_appears_in_reproduction_line():
    with pytest.raises(AssertionError, match=r"rtol=1e-06\)$"):
        assert_gradients_close(loss, make_grad(bug="sign_flip"), PARAMS, rtol=1e-6)


def test_failure_prints_nothing(capfd):
    with pytest.raises(AssertionError):
        assert_gradients_close(loss, make_grad(bug="sign_flip"), PARAMS)
    assert capfd.readouterr() == ("", "")


def test_invalid_input_is_not_an_assertion():
    with pytest.raises(ValueError, match="method must be one of"):
        assert_gradients_close(loss, make_grad(), PARAMS, method="forward")


# ---------------------------------------------------------------- diagnoses


def _report(status="fail", diagnoses=(), entry_status=None):
    entry_status = entry_status or status
    e = EntryEvidence(
        index=(3, 7),
        analytic=0.5,
        numeric=0.25,
        numeric_error=1e-3,
        abs_error=0.25,
        rel_error=0.5,
        tolerance=4e-3,
        status=entry_status,
    )
    bad = TensorResult(
        "W1", (4, 8), status, 0.25, 0.5, (3, 7), 0.5, 0.25, 32, 32, {entry_status: 1, "pass": 31}, 64, (e,)
    )
    ok = TensorResult("b1", (8,), "pass", 0.0, 0.0, (0,), 1.0, 1.0, 8, 8, {"pass": 8}, 16, ())
    return GradientReport(
        status, (bad, ok), "central", "full", 0, 1.5e-8, "float64", 80, 0.01, notes=("a note",), diagnoses=diagnoses
    )


def test_diagnoses_in_message():
    d = Diagnosis("sign_flip", "W1", "W1 has the wrong sign: use dL/dW, not -dL/dW.", 0.9)
    msg = failure_message(_report(diagnoses=(d,)))
    assert "Diagnosis: sign_flip (W1): W1 has the wrong sign: use dL/dW, not -dL/dW. [confidence 0.90]" in msg
    assert "Note: a note" in msg
    assert " W1[3, 7]  fail" in msg


def test_diagnose_module_is_used_when_present(monkeypatch):
    import sys
    import types
    from dataclasses import replace

    calls = []

    def diagnose(report, *, params=None):
        calls.append(params)
        return replace(report, diagnoses=(Diagnosis("sign_flip", "W2", "flip W2's sign", 0.8),))

    monkeypatch.setitem(sys.modules, "gradcheck.diagnose", types.SimpleNamespace(diagnose=diagnose))
    monkeypatch.setattr(testing, "check_gradients", lambda *a, **k: _report("fail"))  # undiagnosed
    with pytest.raises(AssertionError, match=r"Diagnosis: sign_flip \(W2\): flip W2's sign") as info:
        assert_gradients_close(loss, make_grad(), PARAMS)
    assert calls == [PARAMS]
    assert info.value.report.diagnoses[0].code == "sign_flip"


def test_failing_diagnose_does_not_hide_the_failure(monkeypatch):
    import sys
    import types

    def diagnose(report):
        raise RuntimeError("boom")

    monkeypatch.setitem(sys.modules, "gradcheck.diagnose", types.SimpleNamespace(diagnose=diagnose))
    monkeypatch.setattr(testing, "check_gradients", lambda *a, **k: _report("fail"))
    with pytest.raises(AssertionError, match="Note: diagnosis unavailable: RuntimeError: boom"):
        assert_gradients_close(loss, make_grad(), PARAMS)


# ------------------------------------------------------------- inconclusive


def test_inconclusive_raises_and_says_the_numeric_side_was_unreliable(monkeypatch):
    monkeypatch.setattr(testing, "check_gradients", lambda *a, **k: _report("inconclusive"))
    with pytest.raises(AssertionError) as info:
        assert_gradients_close(loss, make_grad(), PARAMS)
    msg = str(info.value)
    assert msg.startswith("Gradients inconclusive: the numeric side was unreliable for 1 of 2 tensors")
    assert "method='richardson'" in msg and "float64" in msg
    assert " W1[3, 7]  inconclusive" in msg


# ----------------------------------------------------------------- unittest


def test_works_in_plain_unittest(capfd):
    class Case(unittest.TestCase):
        def test_good(self):
            assert_gradients_close(loss, make_grad(), PARAMS)

        def test_bad(self):
            assert_gradients_close(loss, make_grad(bug="one_entry"), PARAMS)

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    result = unittest.TestResult()
    suite.run(result)
    assert result.testsRun == 2 and not result.errors
    assert [t.id().rsplit(".", 1)[-1] for t, _ in result.failures] == ["test_bad"]
    traceback = result.failures[0][1]
    assert "W1[1, 2]" in traceback
    assert "testing.py" not in traceback.replace("test_testing.py", "")  # helper frames hidden
    assert traceback.splitlines()[-1] == (
        "Reproduce: gradcheck.check_gradients(loss, grad, params, method='central', mode='directional', seed=0)"
    )
    assert capfd.readouterr() == ("", "")


# ------------------------------------------------------------------- models

CONFIG = MLPConfig((3, 4, 2), ("tanh",), output="identity", loss="mse")


def test_model_gradients_of_a_config_and_a_net(capfd):
    report = assert_model_gradients(CONFIG, X, Y)
    assert report.status == "pass" and [t.name for t in report.tensors] == ["W1", "b1", "W2", "b2"]
    params = MLP(CONFIG).init_params(seed=5)
    assert assert_model_gradients(MLP(CONFIG), X, Y, params, mode="sampled", samples=3).mode == "sampled"
    assert capfd.readouterr() == ("", "")


def test_model_with_planted_bug_fails():
    class Buggy(MLP):
        def _bias_grad(self, layer, delta):
            return 2 * super()._bias_grad(layer, delta)

    with pytest.raises(AssertionError, match=r"2 of 4 tensors failed(?s:.*)\n b1\["):
        assert_model_gradients(Buggy(CONFIG), X, Y)


def test_model_rejects_other_objects():
    with pytest.raises(TypeError, match="net_or_config must be a reference_nets MLP or MLPConfig, got dict"):
        assert_model_gradients({"sizes": (3, 4, 2)}, X, Y)
