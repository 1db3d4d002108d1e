"""Per-sample code stepped on more samples than the first (adapters/othersamples.py, samplecheck.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gradcheck.audit import adapters, loading, probes
from gradcheck.audit.adapters.othersamples import picked

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def test_new_targets_are_picked_first_then_the_rest_in_order():
    Y = np.array([[0.0], [0.0], [0.0], [0.0], [1.0], [0.0]])
    assert picked(Y, 3) == [4, 1, 2]  # the only label-1 row is taken before the other label-0 rows
    assert picked(Y[:1], 3) == []
    assert picked(np.eye(3)[[0, 0, 1, 2]], 2) == [2, 3]
    assert picked(np.eye(3)[[0, 0, 1, 2]], 3) == [2, 3, 1]


def _samples(name: str) -> tuple[dict, list[dict]]:
    loaded = loading.load(FOLDER / name)
    partial: dict = {"notes": []}
    found = adapters.audit(loaded, None, None, [1e-3, 2e-3], {}, partial)
    ctx = {**partial["probe_context"], "spec": {}, "lrs": [1e-3, 2e-3], "root": str(FOLDER)}
    out = probes.run_probes(ctx, found["shape"], 7, found.get("update"))
    return partial, out["samples"]


def test_a_branch_on_the_label_shows_on_the_samples_of_the_other_label():
    good, ok = _samples("online_label_branch_correct.py")
    bad, wrong = _samples("online_label_branch_sign_bug.py")
    assert [s["index"] for s in ok] == [s["index"] for s in wrong] and len(ok) == 3
    first = float(np.asarray(good["Y"]).ravel()[0])
    for right, planted in zip(ok, wrong):
        same = all(np.allclose(a, b) for a, b in zip(right["grads"], planted["grads"]))
        label = float(right["Y"].ravel()[0])
        assert same == (label == 0.0), (label, same)  # the planted sign error is on label 1 only
    assert first == 0.0 and any(float(s["Y"].ravel()[0]) == 1.0 for s in ok)


def test_batch_code_is_not_stepped_again():
    _, more = _samples("delta_layers_update_correct.py")
    assert more == []


def test_a_malformed_sample_from_the_worker_is_said_and_changes_no_verdict():
    from gradcheck.audit.grade import SubmissionResult
    from gradcheck.audit.samplecheck import judge_samples
    from gradcheck.audit.spec import AuditSpec

    r = SubmissionResult(status="pass", path="x.py")
    result = {"grads": [{"param": "W1", "data": [[1.0]]}], "params": []}
    probes = {"samples": [{"index": 2, "X": "not an array", "Y": None, "grads": [[[1.0]]]}]}
    judged = judge_samples(r, result, probes, AuditSpec(), 0)
    assert judged.status == "pass" and any("malformed" in n for n in judged.notes)
