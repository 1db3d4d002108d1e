"""The worker's discovery on every example submission, run in this process (the sandbox runs the same code).

The sandboxed audit of the examples (tests/test_audit_examples.py) checks the verdicts; here the
worker's answer itself is checked where a coverage tool can see it: every example that gets a
verdict yields one finite gradient per parameter, of the parameter's shape where the file is
correct. The examples are this project's own code; student code never runs in the auditing
process.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit import worker

GIVEN = Path(__file__).resolve().parents[1] / "examples" / "submissions"
EXPECTED = tomllib.loads((GIVEN / "EXPECTED.toml").read_text())["files"]
_ANSWERED = sorted(
    name
    for name, e in EXPECTED.items()
    if e.get("verdict") in ("pass", "fail")
    and e.get("audit", e["verdict"]) != "error"
    and "/" not in name
    and (GIVEN / name).exists()
)
#: Every other correct example and every sixth planted bug, in name order: a bug file takes the discovery path of
#: the correct file it was made from, and most correct files have a twin of the same shape beside them (the
#: sandboxed audit of every example checks each verdict and each correct file's gradient); these runs are here for
#: what a coverage tool sees of the worker, and for the gradient's shape on correct files.
JUDGED = [n for i, n in enumerate(_ANSWERED) if i % (2 if EXPECTED[n]["verdict"] == "pass" else 6) == 0]


@pytest.mark.parametrize("name", JUDGED)
def test_the_worker_answers_with_a_gradient_per_parameter(name, tmp_path, monkeypatch, clean_imports):
    src = GIVEN / name
    work = tmp_path / "work"
    work.mkdir()
    (shutil.copytree if src.is_dir() else shutil.copy)(src, work / name)
    (work / "req.json").write_text(json.dumps({"submission": name}))
    monkeypatch.chdir(work)
    assert worker.main(["worker", "req.json"]) == 0
    result = json.loads((work / "result.json").read_text())
    assert result["ok"] and not result.get("error"), result.get("error")
    params = {p["name"]: np.asarray(p["data"], float) for p in result["params"]}
    grads = {g["param"]: np.asarray(g["data"], float) for g in result["grads"]}
    assert set(grads) == set(params) and params
    for key, g in grads.items():
        # a planted bug may give a gradient of the wrong shape (a bias not summed over the batch, or
        # summed over everything): the grader names it; a correct file's gradient has the parameter's,
        # or lacks only its leading axes of length 1 (numpy's update broadcasts it onto the parameter)
        if EXPECTED[name]["verdict"] == "pass":
            p = params[key]
            assert g.shape == p.shape or (g.size == p.size and np.broadcast_shapes(p.shape, g.shape) == p.shape), (
                key,
                g.shape,
                p.shape,
            )
        assert np.all(np.isfinite(g)), key
