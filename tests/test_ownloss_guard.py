"""Guard-sized misses of a reference loss, checked again against the student's own loss (gradcheck.audit.ownloss).

A loss with ``log(p + 1e-7)`` whose derivative keeps the epsilon is exactly differentiated, and misses plain BCE
by about eps / p: examples/submissions/eps_logloss_stack_* run it end to end; here, which tensors are asked about
and how the two verdicts join.
"""

from __future__ import annotations

from types import SimpleNamespace

from gradcheck.audit import ownloss
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.result import Diagnosis, TensorResult


def tensor(name: str, status: str, rel: float = 0.0) -> TensorResult:
    return TensorResult(name, (2,), status, rel, rel, (0,), 1.0, 1.0, 2, 2, {status: 2}, 4)


def graded(**rels) -> SubmissionResult:
    tensors = tuple(tensor(n, "fail" if r else "pass", r) for n, r in rels.items())
    diagnoses = (Diagnosis("derivative_at_activation", "W1, b1", "layer 1", 0.9), Diagnosis("localized", "W2", "", 0.2))
    status = "fail" if any(rels.values()) else "pass"
    return SubmissionResult("s.py", status, tensors=tensors, diagnoses=diagnoses, loss="bce (mean)")


def own(**statuses) -> SimpleNamespace:
    return SimpleNamespace(status="pass", tensors=[tensor(n, s) for n, s in statuses.items()], notes=(), diagnoses=())


def test_only_tensors_failed_by_less_than_a_guard_sized_miss_are_asked_about():
    assert ownloss.guard_sized(graded(W1=0.3, b1=0.05, W2=2e-6, b2=0.0)) == ["W2"]
    assert ownloss.guard_sized(graded(W1=0.3, b1=0.05, W2=0.0, b2=0.0)) == []
    assert ownloss.guard_sized(graded(W1=0.0, b1=0.0, W2=0.0, b2=0.0)) == []  # a pass: nothing to ask
    assert ownloss.guard_sized(graded(W1=2 * ownloss.GUARD_SIZED, b1=0.0, W2=0.0, b2=0.0)) == []


def test_all_of_them_passing_against_the_students_own_loss_is_a_pass_against_it():
    first = graded(W1=1e-6, b1=3e-7, W2=2e-6, b2=0.0)
    out = ownloss._against_own(first, own(W1="pass", b1="pass", W2="pass", b2="pass"), "the student's L()", 80)
    assert out.status == "pass" and out.diagnoses == () and out.own_loss == "the student's L()"
    assert out.loss == "own: the student's L()" and "a guard's own effect on the derivative is no bug" in out.notes[-1]
    assert "at most 2e-06" in out.notes[-1]


def test_a_real_bug_beside_them_keeps_its_verdict_and_diagnosis_and_the_guarded_tensors_are_not_blamed():
    first = graded(W1=0.3, b1=0.05, W2=2e-6, b2=0.0)
    out = ownloss._against_own(first, own(W1="fail", b1="fail", W2="pass", b2="pass"), "the student's L()", 80)
    assert out.status == "fail"
    assert [t.name for t in out.tensors if t.status == "fail"] == ["W1", "b1"]
    assert [d.code for d in out.diagnoses] == ["derivative_at_activation"]  # the one about W2 alone is gone
    assert out.own_loss is None and out.loss == "bce (mean)"


def test_misses_shared_by_the_students_own_loss_stay_failed_with_a_note():
    first = graded(W1=0.0, b1=0.0, W2=2e-6, b2=0.0)
    out = ownloss._against_own(first, own(W1="pass", b1="pass", W2="fail", b2="pass"), "the student's L()", 80)
    assert out.status == "fail" and out.tensors == first.tensors and out.diagnoses == first.diagnoses
    assert out.notes[-1].startswith("W2 missed the reference loss by less than")
    assert out.notes[-1].endswith("they fail there as well")
