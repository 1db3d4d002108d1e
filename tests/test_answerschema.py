"""The worker's answer is read only when its fields have the types the worker writes (gradcheck.audit.answerschema):
a forged field (written through the channel the submission shares) is an error for that submission, never the
class audit's crash, and a verdict that cannot be recorded costs its student only."""

from __future__ import annotations

import json

import pytest

from gradcheck.audit import answerschema, worker
from gradcheck.audit.batch import _parse_channel


def _answer(**fields) -> bytes:
    return json.dumps({**worker.empty_result(), "ok": True, "shape": "inplace-update", **fields}).encode()


def test_the_workers_own_answer_is_read():
    assert answerschema.mistyped(worker.empty_result()) is None
    got = _parse_channel(_answer(cells={"3": "x"}, trace={"lines": 2}, notes=["a note"]))
    assert got is not None and got["cells"] == {"3": "x"}


@pytest.mark.parametrize(
    "fields, named",
    [
        ({"cells": [1]}, "'cells' (list)"),  # once: dict([1]) while recording, exit 2 for the class
        ({"trace": "x"}, "'trace' (str)"),
        ({"shape": [1]}, "'shape' (list)"),  # once: re.sub on a list while rendering report.txt, exit 2
        ({"entry": {"a": 1}}, "'entry' (dict)"),
        ({"ok": 1}, "'ok' (int)"),
        ({"notes": "one long note"}, "'notes' (str)"),
        ({"notes": ["fine", 3]}, "'notes' (an item not a str)"),
        ({"grads": [[1.0]]}, "'grads' (an item not a dict)"),
        ({"own_outputs": True}, "'own_outputs' (bool)"),
        # red team round 6: a gradient of no parameter, or of a list, ended its audit in an internal error
        ({"grads": [{"path": "W1", "data": [1.0]}]}, "'grads' (an item whose 'param' is no string)"),
        ({"grads": [{"param": ["W1"], "data": [1.0]}]}, "'grads' (an item whose 'param' is no string)"),
        ({"grads": [{"param": "W1", "path": ["x"]}]}, "'grads' (an item whose path or rule is no string)"),
    ],
)
def test_a_field_of_a_type_the_worker_never_writes_is_no_answer(fields, named):
    assert answerschema.mistyped(json.loads(_answer(**fields))) == named
    assert _parse_channel(_answer(**fields)) is None


def test_a_verdict_that_cannot_be_recorded_is_that_students_error(tmp_path, monkeypatch):
    """A defect of ours in recording one verdict (here forced) leaves the others and the report whole."""
    from gradcheck.audit import batch
    from gradcheck.audit.spec import AuditSpec

    for name in ("alice", "bob"):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / "mlp.py").write_text("import numpy as np\n")
    real = batch.record

    def record(plan, p, r):
        if "bob" in str(p) and r.status != "error":
            raise TypeError("cannot convert dictionary update sequence element #0 to a sequence")
        if "bob" in str(p) and "recording" not in (r.error or ""):
            raise TypeError("forged")
        return real(plan, p, r)

    monkeypatch.setattr(batch, "record", record)
    report = batch.audit_batch(
        sorted((tmp_path / "class").glob("*/mlp.py")), AuditSpec(), folder=tmp_path / "out", backend="none"
    )
    by = {p.parent.name: r for p, r in zip(sorted((tmp_path / "class").glob("*/mlp.py")), report.submissions)}
    assert by["bob"].status == "error" and "internal error while recording the verdict" in by["bob"].error
    assert by["alice"].status == "error" and "recording" not in (by["alice"].error or "")


def test_a_gradients_path_is_cut_when_read():
    """Red team round 6: four 3 MB ``grads[].path`` went verbatim into every report's suggested spec (12 MB each)."""
    grads = [{"param": "W1", "path": "x" * 3_000_000, "rule": "y" * 5000, "data": [1.0]}]
    got = _parse_channel(_answer(grads=grads, params=[{"name": "W1", "path": "p" * 10_000, "data": [1.0]}]))
    assert got is not None
    assert len(got["grads"][0]["path"]) == answerschema.TEXT_CHARS == len(got["grads"][0]["rule"])
    assert len(got["params"][0]["path"]) == answerschema.TEXT_CHARS and got["grads"][0]["param"] == "W1"
