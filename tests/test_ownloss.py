"""A backward checked against the student's own loss when no reference network models it (gradcheck.audit.ownloss).

The grader's side is driven here with a stand-in for the worker: ``ask`` evaluates a loss written in this file
at the points the grader sends, as the worker evaluates the student's (the sandboxed round trip is exercised by
the example submissions and by the guard test at the end). Ground truth of every claimed gradient here is
its own hand-derived formula; planted bugs must fail, on the tensor they touch.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck.audit import ownloss, ownlosstable
from gradcheck.audit.ownlosspoints import _point
from gradcheck.audit.submissionresult import SubmissionResult

RNG = np.random.default_rng(5)
X = RNG.normal(size=(9, 3))
Y = (RNG.random((9, 1)) > 0.5).astype(float)
NAMES = ["W1", "b1", "W2", "b2"]
SOURCE = "the student's hinge_loss()"


def _params():
    rng = np.random.default_rng(1)
    shapes = {"W1": (3, 4), "b1": (4,), "W2": (4, 1)}
    return {**{k: rng.normal(size=s) for k, s in shapes.items()}, "b2": np.zeros(1)}


def hinge(p):
    score = np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    return float(np.mean(np.maximum(0.0, 1.0 - (2 * Y - 1) * score)))


def hinge_grad(p):
    """d hinge / d params, derived by hand: dscore = -s [1 - s score > 0] / N, then back through tanh."""
    s = 2 * Y - 1
    H = np.tanh(X @ p["W1"] + p["b1"])
    dS = np.where(1 - s * (H @ p["W2"] + p["b2"]) > 0, -s, 0.0) / len(X)
    dH = dS @ p["W2"].T * (1 - H**2)
    return {"W1": X.T @ dH, "b1": dH.sum(0), "W2": H.T @ dS, "b2": dS.sum(0)}


def _result(p, g, value=None):
    return {
        "params": [{"name": n, "data": p[n].tolist()} for n in NAMES],
        "grads": [{"param": n, "data": np.asarray(g[n]).tolist()} for n in NAMES],
        "student_losses": [{"source": SOURCE, "value": hinge(p) if value is None else value, "tier": 2}],
    }


def _graded():
    return SubmissionResult(
        path="s.py", status="error", error="none of the losses modelled", unmodelled="no loss models it"
    )


class Worker:
    """Answers the grader's points as the worker does, with ``loss`` standing for the student's."""

    def __init__(self, p, loss=hinge, weights=None):
        self.p, self.loss, self.rounds, self.evaluations = p, loss, 0, 0
        self.weights = p if weights is None else weights

    def __call__(self, request):
        self.rounds += 1
        base = np.concatenate([self.p[n].ravel() for n in NAMES])
        cuts = np.cumsum([self.p[n].size for n in NAMES])[:-1]
        values = []
        for spec in request["points"]:
            flat = _point(spec, base)
            parts = np.split(flat, cuts)
            values.append(self.loss({n: a.reshape(self.p[n].shape) for n, a in zip(NAMES, parts)}))
        self.evaluations += len(values)
        answer = {"source": request["sources"][0], "values": values}
        return {"params": [{"name": n, "data": self.weights[n].tolist()} for n in NAMES], "own_loss": answer}


def test_a_correct_backward_passes_against_the_students_own_loss_and_says_so():
    p = _params()
    worker = Worker(p)
    r = ownloss.judged(_graded(), _result(p, hinge_grad(p)), 0, worker)
    assert r.status == "pass", (r.status, r.notes)
    assert r.error is None and [t.name for t in r.tensors] == NAMES
    assert r.loss == ownloss.OWN_LOSS + SOURCE and r.own_loss == SOURCE
    assert r.forward.status == "unavailable" and r.forward.note == ownloss.NOT_COMPARED  # no forward was compared
    said = [n for n in r.notes if "student's own loss" in n]
    assert said and "not the assignment's" in said[0] and SOURCE in said[0]
    assert 1 <= worker.rounds <= ownloss.MAX_ROUNDS


@pytest.mark.parametrize("tensor, factor", [("b2", 2.0), ("W1", -1.0), ("b1", 0.0)])
def test_a_planted_bug_fails_on_its_tensor(tensor, factor):
    p = _params()
    g = hinge_grad(p)
    g[tensor] = g[tensor] * factor
    r = ownloss.judged(_graded(), _result(p, g), 0, Worker(p))
    assert r.status == "fail"
    assert [t.name for t in r.tensors if t.status == "fail"] == [tensor]


def test_one_entry_off_by_a_percent_is_caught():
    p = _params()
    g = hinge_grad(p)
    g["W1"][1, 2] *= 1.01
    r = ownloss.judged(_graded(), _result(p, g), 0, Worker(p))
    assert r.status == "fail" and [t.name for t in r.tensors if t.status == "fail"] == ["W1"]
    assert next(t for t in r.tensors if t.name == "W1").worst_index == (1, 2)


def test_other_errors_and_modelled_losses_are_left_alone():
    p = _params()
    result = _result(p, hinge_grad(p))
    for graded in (
        SubmissionResult(path="s.py", status="error", error="no gradient found"),  # not a loss no net models
        SubmissionResult(path="s.py", status="pass"),
    ):
        assert ownloss.judged(graded, result, 0, Worker(p)) is graded
    swapped = {**result, "student_losses": [{"source": SOURCE, "value": 1.0, "tier": 2, "swapped": True}]}
    assert ownloss.judged(_graded(), swapped, 0, Worker(p)).status == "error"  # called against its names only


def _refusal(worker, result=None, p=None):
    p = _params() if p is None else p
    r = ownloss.judged(_graded(), result or _result(p, hinge_grad(p)), 0, worker)
    assert r.status == "error" and r.error == "none of the losses modelled", r.status
    notes = [n for n in r.notes if n.startswith("the backward was not checked against the student's own loss")]
    assert len(notes) == 1, r.notes
    return notes[0]


def test_a_random_loss_keeps_the_honest_error():
    p = _params()
    rng = np.random.default_rng(0)
    assert "not deterministic" in _refusal(Worker(p, lambda q: hinge(q) + 1e-3 * rng.random()))


def test_a_loss_that_ignores_the_weights_keeps_the_honest_error():
    p = _params()
    value = hinge(p)
    assert "does not depend on the parameters" in _refusal(Worker(p, lambda q: value))


def test_a_first_loss_that_ignores_the_weights_gives_way_to_the_next_one():
    """``get_loss()`` reading what a training loop left (0 before any) comes first; the module's hinge serves."""
    p = _params()
    stale = "the student's get_loss()"

    class TwoLosses(Worker):
        def __call__(self, request):
            answer = super().__call__(request)
            if request["sources"][0] == stale:
                answer["own_loss"]["values"] = [0.0] * len(request["points"])
            return answer

    result = _result(p, hinge_grad(p))
    result["student_losses"].insert(0, {"source": stale, "value": 0.0, "tier": 1})
    r = ownloss.judged(_graded(), result, 0, TwoLosses(p))
    assert r.status == "pass" and r.own_loss == SOURCE, (r.status, r.notes)
    g = hinge_grad(p)
    g["b1"] = -g["b1"]
    r = ownloss.judged(_graded(), _result(p, g) | {"student_losses": result["student_losses"]}, 0, TwoLosses(p))
    assert r.status == "fail" and [t.name for t in r.tensors if t.status == "fail"] == ["b1"]


def test_a_loss_that_is_not_finite_keeps_the_honest_error():
    p = _params()
    assert "no finite value" in _refusal(Worker(p, lambda q: float("nan")), _result(p, hinge_grad(p), value=1.0))


def test_a_loss_giving_another_value_than_before_keeps_the_honest_error():
    p = _params()
    assert "not the" in _refusal(Worker(p), _result(p, hinge_grad(p), value=hinge(p) + 0.5))


def test_a_run_again_from_other_weights_keeps_the_honest_error():
    p = _params()
    other = {k: v + 1.0 for k, v in p.items()}
    assert "same weights" in _refusal(Worker(p, weights=other))


def test_a_worker_that_cannot_call_the_loss_again_keeps_the_honest_error():
    def ask(request):
        return {"params": _result(_params(), hinge_grad(_params()))["params"], "own_loss": {"error": "it raised"}}

    assert "it raised" in _refusal(ask)


def test_points_travel_sparse_and_come_back_whole():
    base = np.arange(10.0)
    moved = base.copy()
    moved[3] += 1e-6
    sent = ownlosstable.sent(moved, base)
    assert sent == {"i": [3], "v": [moved[3]]}
    assert np.array_equal(_point(sent, base), moved)
    everywhere = base + 1e-6
    assert np.array_equal(_point(ownlosstable.sent(everywhere, base), base), everywhere)
    assert _point({"i": [11], "v": [0.0]}, base) is None and _point([1.0, 2.0], base) is None
    # a move kept in the table travels as it is kept
    assert ownlosstable.wire(ownlosstable.move_of(moved, base)) == sent


def test_the_table_keeps_digests_and_moves_not_whole_weight_vectors():
    """A network of 250,000 weights asked at a thousand single-entry points: the table's keys are 16-byte
    digests and its points the entries moved (the bytes of every weight vector were once kept per point: gigabytes).

    Every point is checked for what it keeps, so their number is not what is tested: a thousand (each costs a pass
    over the 250,000 weights; 5,000 took 10 s of CPU) keep 2 GB of whole vectors from 16 kB of moves."""
    base = np.linspace(-1.0, 1.0, 250_000)
    table = ownlosstable.Table(["w"], base, np.ones_like(base), 2.0)
    for i in range(0, 250_000, 250):
        w = base.copy()
        w[i] += 1e-5
        table.loss({"w": w})
    assert table.lacking and len(table.missing) == 1_000
    assert all(m.idx is not None and m.idx.size == 1 for m in table.missing.values())
    assert all(len(k) == 16 for k in table.missing)
    points = list(table.missing.values())
    table.fill(points, [float(i) for i in range(len(points))])
    w = base.copy()
    w[250] += 1e-5
    assert table.loss({"w": w}) == 1.0  # found again by its digest
    table.start_round()
    assert not table.lacking and not table.missing


NOISY_MARGIN = """
import numpy as np


class Margin:
    def __init__(self, n_in, n_hidden, n_out=1):
        rng = np.random.default_rng(2)
        self.W1 = rng.normal(size=(n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(size=(n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X, self.H = X, np.tanh(X @ self.W1 + self.b1)
        self.S = self.H @ self.W2 + self.b2
        return self.S

    def hinge_loss(self, scores, y):
        jitter = {jitter}
        return np.mean(np.maximum(0.0, 1.0 - (2 * y - 1) * scores)) + jitter

    def backward(self, y):
        s = 2 * y - 1
        dS = np.where(1 - s * self.S > 0, -s, 0.0) / len(y)
        self.dW2, self.db2 = self.H.T @ dS, dS.sum(axis=0)
        dH = dS @ self.W2.T * (1 - self.H**2)
        self.dW1, self.db1 = self.X.T @ dH, dH.sum(axis=0) * {db1_factor}
"""


@pytest.mark.parametrize(
    "jitter, db1_factor, status, said",
    [
        ("0.0", "1.0", "pass", "checked against the student's own loss, the student's Margin.hinge_loss()"),
        ("0.0", "0.5", "fail", "checked against the student's own loss, the student's Margin.hinge_loss()"),
        ("1e-3 * np.random.rand()", "1.0", "error", "it is not deterministic"),
    ],
)
def test_in_the_sandbox(tmp_path, jitter, db1_factor, status, said):
    """The round trip through the sandboxed worker: the loss evaluated there, the verdict or the guard here."""
    from gradcheck.audit.batch import audit_one
    from gradcheck.audit.sandbox import Limits
    from gradcheck.audit.spec import AuditSpec

    path = tmp_path / "margin.py"
    path.write_text(NOISY_MARGIN.replace("{jitter}", jitter).replace("{db1_factor}", db1_factor))
    r = audit_one(path, AuditSpec(), limits=Limits(wall_seconds=30, cpu_seconds=30))
    assert r.status == status, (r.status, r.error, r.notes)
    assert any(said in n for n in r.notes), r.notes
    if status == "fail":
        assert [t.name for t in r.tensors if t.status == "fail"] == ["b1"]
    if status == "error":
        assert "none of the losses the reference networks model" in r.error


@pytest.mark.parametrize(
    "name, source",
    [
        ("svm_scores_loss_and_grads_correct.py", "the loss value TwoLayerSVM.loss returns"),
        ("inline_hinge_train_correct.py", "the loss `loss = np.mean(np.maximum(0, 1 - (2 * y - 1) * out))` (line 32)"),
    ],
)
def test_a_returned_or_inline_loss_is_asked_again(name, source, examples_audit):
    """A ``loss(X, y)`` returning (loss, grads): the entry called again at each set of weights; a loss written
    inline in train(): the expression evaluated again, its names bound as before, after the forward.

    The examples' sandboxed audit with no spec is the README's audit of examples/submissions (conftest's
    ``examples_audit``, run once for the suite): read here rather than run once more (15 s of CPU for the first)."""
    import json
    from pathlib import Path

    from gradcheck.audit.resultfiles import from_dict

    report = json.loads((examples_audit.folder / "report.json").read_text())
    (r,) = [from_dict(s) for s in report["submissions"] if Path(s["path"]).name == name]
    assert r.status == "pass", (r.status, r.error, r.notes)
    assert r.loss == ownloss.OWN_LOSS + source


def test_gradients_returned_for_a_parameter_not_found_keep_the_honest_error():
    """A bias kept as ``params['b1'] = 0`` is no parameter the search finds: checking the others is no verdict."""
    p = _params()
    result = {**_result(p, hinge_grad(p)), "unmatched_grads": ["ret[1]['b3']"]}
    assert "no parameter was found for (ret[1]['b3'])" in _refusal(Worker(p), result)


def test_unmatched_names_the_returned_gradients_left_over():
    from gradcheck.audit.adapters.readers.returned import unmatched
    from gradcheck.audit.adapters.step import Grad

    w = np.ones(3)
    found = [Grad(0, "ret[1]['W1']", "name", w)]
    assert unmatched((1.0, {"W1": w, "b1": np.ones(3)}), found) == ["ret[1]['b1']"]
    assert unmatched((1.0, {"W1": w}), found) == []
    assert unmatched(w, found) == []
    # the activations' gradients a course's backward returns beside the weights' are no parameter's
    acts = {"W1": w, "dA0": np.ones((3, 16)), "dZ1": np.ones(3), "delta2": np.ones(2), "db1": np.ones(3)}
    assert unmatched((1.0, acts), found) == ["ret[1]['db1']"]
