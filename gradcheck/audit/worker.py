"""Audit worker: ``python -m gradcheck.audit.worker REQUEST_JSON_PATH``.

Runs *inside* the sandbox (cwd = a temp dir holding a copy of the submission),
loads the untrusted submission, finds its parameters, runs its forward and
backward on the request's data and writes the claimed gradient as a RESULT JSON.
It never judges correctness: the grader compares the returned arrays with
numerical gradients itself. Imports stay light (numpy, json, stdlib).

Request (JSON)::

    {"submission": "student.py", "result": "result.json",
     "X": [[...]], "Y": [[...]],          # samples as rows: (N, n_in), (N, n_out); both null:
                                          # sizes read off the weights, batch made (n=16, seed=0,
                                          # or the request's "n"/"seed"), echoed in the result
     "lrs": [0.001, 0.002],
     "spec": {"entry", "init_args", "init_kwargs", "forward", "backward", "params",
              "grads", "samples_as_columns", "lr_arg", "run_toplevel", "loss"}}

Result (JSON, written atomically, always, even on failure)::

    {"ok", "shape", "entry", "notes", "params", "grads", "forward", "forward_path",
     "samples_as_columns", "update", "error", "X", "Y"}

Arrays are nested float lists; non-finite entries are the strings "nan", "inf", "-inf".
Exit status: 0 when a result was written (even with ``ok: false``), 2 when the
request itself could not be read.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import numpy as np

# Bind what is needed to write the result before student code can monkeypatch modules.
_dumps, _replace, _fdopen, _mkstemp = json.dumps, os.replace, os.fdopen, tempfile.mkstemp

__all__ = ["main", "run_request", "encode", "write_result"]

TRACEBACK_LINES = 15
SPEC_KEYS = {"entry", "init_args", "init_kwargs", "forward", "backward", "params", "grads",
             "samples_as_columns", "lr_arg", "run_toplevel", "loss"}


def encode(value: Any) -> Any:
    """JSON-safe copy: arrays to nested lists, non-finite floats to "nan"/"inf"/"-inf"."""
    if isinstance(value, np.ndarray):
        return encode(value.tolist())
    if isinstance(value, (np.floating, float)):
        f = float(value)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return f
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return repr(value)[:200]


def write_result(path: Path, result: dict) -> None:
    """Write ``result`` to ``path`` atomically (temp file in the same directory + os.replace)."""
    text = _dumps(encode(result), indent=1, allow_nan=False)
    fd, tmp = _mkstemp(prefix=".result-", suffix=".json", dir=str(path.parent))
    with _fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    _replace(tmp, str(path))


def empty_result() -> dict:
    return {"ok": False, "shape": None, "entry": None, "notes": [], "params": [], "grads": [],
            "forward": None, "forward_path": None, "samples_as_columns": None, "update": None,
            "error": None, "X": None, "Y": None}


def _error_dict(exc: BaseException, loaded: Any) -> dict:
    from gradcheck.audit.loader import AuditError, StudentCodeError

    if isinstance(exc, StudentCodeError):
        orig, where, tb = exc.original, exc.where, exc.traceback
        etype, message = type(orig).__name__, str(orig)
        if isinstance(orig, SystemExit):
            message = f"the submission called sys.exit({orig.code!r}) in {exc.where}"
        if loaded is not None:
            line = _student_line(orig, loaded)
            if line:
                where = f"{where} ({line})"
    elif isinstance(exc, AuditError):
        etype, message, where, tb = exc.type, exc.message, exc.where, exc.traceback
    else:
        etype, message, where = type(exc).__name__, str(exc), "worker"
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if loaded is not None and tb:
        tb = loaded.annotate_traceback(tb)
    tb_lines = tb.rstrip("\n").splitlines()[-TRACEBACK_LINES:] if tb else []
    return {"type": etype, "message": message[:2000], "where": where, "traceback": "\n".join(tb_lines)}


def _student_line(exc: BaseException, loaded: Any) -> str | None:
    """``line 12`` / ``cell 3, line 4`` of the innermost frame in the submission file."""
    tb = exc.__traceback__
    hit = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(loaded.path):
            hit = tb.tb_lineno
        tb = tb.tb_next
    return loaded.locate(hit) if hit else None


def _parse_request(req: dict, base: Path, alt: Path) -> tuple[Path, Path, np.ndarray, np.ndarray, list, dict]:
    if "submission" not in req:
        raise ValueError("request has no 'submission'")
    X = Y = None
    if req.get("X") is not None or req.get("Y") is not None:
        X = np.asarray(req.get("X"), dtype=float)
        Y = np.asarray(req.get("Y"), dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        if Y.ndim == 1:
            Y = Y[:, None]
        if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != Y.shape[0]:
            raise ValueError(f"X and Y must be (N, n_in) and (N, n_out), got {X.shape} and {Y.shape}")
    lrs = [float(v) for v in req.get("lrs") or [1e-3, 2e-3]]
    if not lrs or any(not (v > 0) for v in lrs):
        raise ValueError(f"lrs must be positive learning rates, got {lrs}")
    spec = dict(req.get("spec") or {})
    unknown = set(spec) - SPEC_KEYS
    spec = {k: v for k, v in spec.items() if v is not None}
    sub = (base / req["submission"]).resolve()
    if not sub.exists() and (alt / req["submission"]).exists():
        sub = (alt / req["submission"]).resolve()
    out = (base / req.get("result", "result.json")).resolve()
    if unknown:
        spec["_unknown"] = sorted(unknown)
    return sub, out, X, Y, lrs, spec


def run_request(req: dict, base: Path, alt: Path | None = None) -> tuple[Path, dict]:
    """Perform one audit request; returns (result path, result dict). Never raises for student code.

    Relative paths in the request are taken from ``base`` (the cwd), else from ``alt``
    (the request file's directory).
    """
    from gradcheck.audit import adapters, loader

    sub, out, X, Y, lrs, spec = _parse_request(req, base, alt or base)
    result = empty_result()
    result["X"], result["Y"] = X, Y
    if spec.get("_unknown"):
        result["notes"].append(f"unknown spec keys ignored: {spec.pop('_unknown')}")
    loaded = None
    try:
        loaded = loader.load_submission(sub, run_toplevel=bool(spec.get("run_toplevel")))
        result["notes"].extend(loaded.notes)
        loaded.notes = result["notes"]
        partial: dict = {"notes": result["notes"]}
        try:
            found = adapters.audit(loaded, X, Y, lrs, spec, partial,
                                   data={k: req[k] for k in ("n", "seed") if k in req})
        finally:
            for key in ("entry", "forward_path", "params", "forward", "samples_as_columns", "X", "Y"):
                if key in partial:
                    result[key] = partial[key]
        result.update(found)
        result["ok"] = bool(result["grads"])
        if not result["ok"]:
            result["error"] = {"type": "GradsNotFound", "message": "no gradients were extracted: "
                               "set spec.grads", "where": "reading gradients", "traceback": ""}
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - includes SystemExit from student code
        result["ok"] = False
        result["error"] = _error_dict(exc, loaded)
    return out, result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m gradcheck.audit.worker REQUEST_JSON_PATH", file=sys.stderr)
        return 2
    req_path = Path(argv[1]).resolve()
    base = Path.cwd()
    try:
        req = json.loads(req_path.read_text(encoding="utf-8"))
        out = (base / req.get("result", "result.json")).resolve()
    except (OSError, ValueError, AttributeError) as exc:
        print(f"cannot read request {req_path}: {exc}", file=sys.stderr)
        return 2
    provisional = empty_result()
    provisional["error"] = {"type": "WorkerDidNotFinish", "where": "worker", "traceback": "",
                            "message": "the worker was stopped before it finished (time or memory "
                                       "limit, or the student code ended the process)"}
    try:
        write_result(out, provisional)
    except OSError as exc:
        print(f"cannot write result {out}: {exc}", file=sys.stderr)
        return 2
    try:
        out, result = run_request(req, base, req_path.parent)
    except (ValueError, TypeError) as exc:
        result = empty_result()
        result["error"] = {"type": "RequestError", "message": str(exc), "where": "request",
                           "traceback": ""}
    write_result(out, result)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter teardown: student atexit hooks/threads cannot block or rewrite
