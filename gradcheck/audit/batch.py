"""Audit a folder of submissions: one sandboxed worker each, results written as they finish.

Each submission's verdict is written atomically to ``<folder>/submissions/<name>.json``
the moment it is known, so killing the batch at any point leaves a valid
partial report; ``resume`` skips the submissions already judged (same content
hash) and finishes the rest.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import gradcheck
from gradcheck.audit.grade import SubmissionResult, grade, point_to_code
from gradcheck.audit.sandbox import Limits, make_workdir, run_sandboxed, scrubbed_env
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissions import SUFFIXES, content_digest, discover, result_names  # noqa: F401 (used by cli, gradescope)
from gradcheck.report.files import to_json, write_atomic
from gradcheck.result import worst_status

#: Learning rates for in-place updaters: small, so the update stays linear in lr,
#: and a power of two apart, so their ratio is exact.
LEARNING_RATES = (2.0**-10, 2.0**-9)


@dataclass(frozen=True)
class AuditReport:
    """A batch's verdicts (``{status, submissions}`` in JSON)."""

    status: str
    submissions: tuple[SubmissionResult, ...]
    elapsed: float
    folder: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form per DESIGN.md."""
        return {
            "kind": "audit",
            "status": self.status,
            "elapsed": round(self.elapsed, 3),
            "submissions": [s.to_dict() for s in self.submissions],
        }


def make_data(spec: AuditSpec, n_in: int | None, n_out: int | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The batch: from ``[data] file``, or seeded random (X normal, Y in {0, 1})."""
    file = spec.get("data", "file")
    if file:
        base = spec.path.parent if spec.path else Path(".")
        with np.load(base / file) as data:
            return np.asarray(data["X"], float), np.asarray(data["Y"], float)
    n_in, n_out = spec.get("data", "n_in", n_in), spec.get("data", "n_out", n_out)
    if n_in is None or n_out is None:
        return None
    rng = np.random.default_rng(spec.get("data", "seed", 0))
    n = spec.get("data", "n", 16)
    return rng.standard_normal((n, n_in)), (rng.random((n, n_out)) > 0.5).astype(float)


def _digest(path: Path, spec: AuditSpec) -> str:
    h = content_digest(path)  # a folder submission: every file of it
    h.update(json.dumps(spec.sections, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def reproduce_command(path: Path, spec: AuditSpec) -> str:
    """The command that audits this one submission again."""
    extra = f" --spec {spec.path}" if spec.path else ""
    return f"python -m gradcheck audit {path}{extra}"


def _request(path: Path, workdir: Path, data, spec: AuditSpec, siblings: bool = False) -> Path:
    X, Y = data if data is not None else (None, None)
    req = {
        "submission": f"{path.parent.name}/{path.name}" if siblings else path.name,
        "result": "result.json",
        "X": None if X is None else X.tolist(),
        "Y": None if Y is None else Y.tolist(),
        "lrs": list(LEARNING_RATES),
        "spec": spec.worker_spec(),
    }
    target = workdir / "request.json"
    target.write_text(json.dumps(req))
    return target


def limits_for(spec: AuditSpec, timeout: float | None = None) -> Limits:
    """Sandbox limits from the spec (and ``--timeout``)."""
    wall = timeout or float(spec.get("limits", "wall_seconds", 60.0))
    cpu = int(spec.get("limits", "cpu_seconds", max(1, int(wall))))
    mem = int(spec.get("limits", "memory_mb", 2048)) * 1024**2
    return Limits(wall_seconds=wall, cpu_seconds=cpu, memory_bytes=mem)


def run_worker(path: Path, spec: AuditSpec, *, limits: Limits, siblings: bool = False):
    """Run the worker on one submission in the sandbox.

    Returns
    -------
    box : SandboxResult or None
        What the sandbox saw (None if it could not start).
    result : dict or None
        The worker's result JSON (None if it wrote none).
    data : tuple of ndarray or None
        The batch sent (None: the worker chose it and returned it).
    failure : str or None
        Why nothing ran, when box is None.
    """
    data = make_data(spec, None, None)
    workdir = make_workdir(path.parent if siblings else path)
    try:
        _request(path, workdir, data, spec, siblings)
        env = scrubbed_env({"PYTHONPATH": str(Path(gradcheck.__file__).resolve().parent.parent)})
        box = run_sandboxed(
            [sys.executable, "-m", "gradcheck.audit.worker", "request.json"], workdir=workdir, limits=limits, env=env
        )
        result_file = workdir / "result.json"
        result = json.loads(result_file.read_text()) if result_file.exists() else None
        return box, result, data, None
    except (OSError, ValueError) as exc:
        return None, None, data, f"could not run the submission: {exc}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def audit_one(
    path: Path, spec: AuditSpec, *, limits: Limits, seed: int = 0, siblings: bool = False
) -> SubmissionResult:
    """Run one submission in the sandbox and judge what it returned.

    ``siblings``: the sandbox gets a copy of the file's whole folder (one student's
    upload, whose modules import each other), not of the file alone.
    """
    start = time.perf_counter()
    box, result, data, failure = run_worker(path, spec, limits=limits, siblings=siblings)
    common = dict(path=str(path), command=reproduce_command(path, spec))
    if box is None:
        out = SubmissionResult(status="error", error=failure, **common)
    else:
        common.update(
            output_tail=(box.stdout_tail + box.stderr_tail)[-2000:],
            isolation=box.isolation,
            network_isolated=box.network_isolated,
        )
        try:
            out = _judge_box(box, result, data, spec, seed, common)
        except Exception as exc:  # a defect of ours must not cost the batch this student's result
            out = SubmissionResult(
                status="error",
                error=f"internal error while grading ({type(exc).__name__}: "
                f"{exc}); please report it with this submission",
                **common,
            )
    return _finish(out, spec, time.perf_counter() - start)


#: What a limit looks like from inside the worker, and the words a person needs.
_LIMIT_WORDS = (
    ("MemoryError", "", "the submission exceeded the sandbox's memory limit"),
    ("", "Unable to allocate", "the submission exceeded the sandbox's memory limit"),
    ("", "File too large", "the submission hit the sandbox's file-size limit (output or files too large)"),
    ("BlockingIOError", "Resource temporarily unavailable", "the submission hit the sandbox's processes limit"),
    ("", "Too many open files", "the submission hit the sandbox's open-files limit"),
    (
        "WorkerDidNotFinish",
        "",
        "no result from the submission: it stopped the worker before it finished "
        "(os._exit, a signal or a resource limit)",
    ),
)


def _worker_error(err: dict, box) -> str:
    """The worker's error, with the exception type, where it happened and the limit it hit."""
    kind, message, where = err.get("type", "Error"), err.get("message", ""), err.get("where")
    text = f"{kind}: {message}" + (f" (in {where})" if where else "")
    for k, m, words in _LIMIT_WORDS:
        if (k and k == kind) or (m and m in message):
            return f"{words}: {text}"
    if box is not None and box.status != "ok":
        text += f"; {box.reason}"
    return text


def _judge_box(box, result, data, spec, seed, common) -> SubmissionResult:
    if box.status == "timeout":
        return SubmissionResult(status="timeout", error=box.reason, **common)
    if result is None:
        why = box.reason if box.status != "ok" else "it exited before reporting (sys.exit or os._exit?)"
        return SubmissionResult(status="error", error=f"no result from the submission: {why}", **common)
    if not result.get("ok", False) or result.get("error"):
        error = _worker_error(result.get("error") or {}, box)
        return SubmissionResult(
            status="error",
            error=error,
            shape=result.get("shape"),
            entry=result.get("entry"),
            notes=tuple(result.get("notes", [])),
            **common,
        )
    if data is None or result.get("shape") == "script" or result.get("data_replaced"):  # the batch the grads are of
        if result.get("X") is None:
            return SubmissionResult(status="error", error="the worker returned no data", **common)
        data = (np.asarray(result["X"], float), np.asarray(result["Y"], float))
    graded = grade(result, data[0], data[1], spec, path=common["path"], seed=seed)
    if box.status == "error" and graded.status in ("pass", "kink"):
        graded = _replace(graded, status="error", error=box.reason)
    graded = _replace(
        graded,
        cells=result.get("cells") or {},
        trace=result.get("trace") or {},
        **{k: v for k, v in common.items() if k != "path"},
    )
    return point_to_code(graded)


def _replace(r: SubmissionResult, **kw) -> SubmissionResult:
    import dataclasses

    return dataclasses.replace(r, **kw)


def _finish(r: SubmissionResult, spec: AuditSpec, elapsed: float) -> SubmissionResult:
    """Points from ``[points]``: gradient (shared by the tensors) and forward (it matches)."""
    g = float(spec.get("points", "gradient", 1.0))
    f = float(spec.get("points", "forward", 0.0))
    if r.status in ("error", "timeout") or not r.tensors:
        return _replace(r, elapsed=elapsed, score=0.0, max_score=g + f)
    # the gradient's points are split evenly over the tensors (as in the Gradescope results)
    right = sum(t.status in ("pass", "kink") for t in r.tensors)
    forward_ok = r.forward is not None and r.forward.status == "match"
    score = round(g * right / len(r.tensors) + f * forward_ok, 6)
    return _replace(r, elapsed=elapsed, score=score, max_score=g + f)


def audit_batch(
    paths: list[Path],
    spec: AuditSpec,
    *,
    folder: Path,
    jobs: int = 1,
    seed: int = 0,
    limits: Limits | None = None,
    resume: bool = False,
    progress: Callable[[int, int, int, float], None] | None = None,
    siblings: bool = False,
) -> AuditReport:
    """Audit every submission; per-submission JSON written atomically as each finishes.

    Parameters
    ----------
    paths : list of Path
        Submission files.
    folder : Path
        Where results go (``submissions/<name>.json`` and the summary files).
    jobs : int
        Submissions run in parallel.
    resume : bool
        Skip submissions already judged in ``folder`` (same content and spec).
    progress : callable, optional
        ``progress(done, total, failures, elapsed)``.
    siblings : bool
        Each submission runs with a copy of its folder (one student's upload), not alone.
    """
    start = time.perf_counter()
    limits = limits or limits_for(spec)
    names = result_names(paths)  # unique even when every student's file is called mlp.py
    results: dict[Path, SubmissionResult] = {}
    todo = []
    for p in paths:
        cached = _cached(folder, p, spec, names) if resume else None
        if cached is not None:
            results[p] = cached
        else:
            todo.append(p)
    failures = sum(not r.passed for r in results.values())

    def one(p: Path) -> SubmissionResult:
        r = audit_one(p, spec, limits=limits, seed=seed, siblings=siblings)
        write_atomic(_result_path(folder, p, names), to_json({"digest": _digest(p, spec), **r.to_dict()}))
        return r

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(one, p): p for p in todo}
        for fut in as_completed(futures):
            results[futures[fut]] = r = fut.result()
            failures += not r.passed
            if progress:
                progress(len(results), len(paths), failures, time.perf_counter() - start)
    except BaseException:  # Ctrl-C: drop what has not started; finished results are on disk
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    ordered = tuple(results[p] for p in paths)
    return AuditReport(worst_status(r.status for r in ordered), ordered, time.perf_counter() - start, folder)


def _result_path(folder: Path, p: Path, names: dict[Path, str] | None = None) -> Path:
    return folder / "submissions" / f"{(names or {}).get(p, p.name)}.json"


def _cached(folder: Path, p: Path, spec: AuditSpec, names: dict[Path, str] | None = None) -> SubmissionResult | None:
    f = _result_path(folder, p, names)
    try:
        data = json.loads(f.read_text())
    except (OSError, ValueError):
        return None
    if data.get("digest") != _digest(p, spec):
        return None
    return from_dict(data)


def from_dict(d: dict[str, Any]) -> SubmissionResult:
    """Rebuild a SubmissionResult from its JSON (for resume and re-rendering)."""
    from gradcheck.audit.grade import ForwardCheck
    from gradcheck.result import Diagnosis, EntryEvidence, TensorResult

    tensors = tuple(
        TensorResult(
            name=t["name"],
            shape=tuple(t["shape"]),
            status=t["status"],
            max_abs_error=t["max_abs_error"],
            max_rel_error=t["max_rel_error"],
            worst_index=tuple(t["worst_index"]),
            analytic=t["analytic"],
            numeric=t["numeric"],
            checked=t.get("checked", 0),
            size=t.get("size", 0),
            counts=t.get("counts", {}),
            evaluations=t.get("evaluations", 0),
            worst=tuple(EntryEvidence(**{**e, "index": tuple(e["index"])}) for e in t.get("worst", [])),
        )
        for t in d.get("tensors", [])
    )
    diags = tuple(
        Diagnosis(x["code"], x["tensor"], x["message"], x["confidence"], x.get("evidence", {}))
        for x in d.get("diagnoses", [])
    )
    fwd = ForwardCheck(**d["forward"]) if d.get("forward") else None
    keep = {
        k: d.get(k)
        for k in (
            "path",
            "status",
            "error",
            "shape",
            "entry",
            "loss",
            "command",
            "output_tail",
            "network_isolated",
            "score",
            "max_score",
        )
    }
    return SubmissionResult(
        tensors=tensors,
        diagnoses=diags,
        forward=fwd,
        notes=tuple(d.get("notes", [])),
        rules=d.get("rules", {}),
        elapsed=d.get("elapsed", 0.0),
        isolation=tuple(d.get("isolation", [])),
        error_maps=d.get("error_maps") or {},
        **keep,
    )
