"""Audit worker: runs *inside* the sandbox, next to the untrusted submission.

Started by the grader as ``python -I -c "... serve()"`` (:func:`serve`): the request
comes on stdin, the result goes to the result channel, a file the grader opened and
whose fd number the request names (``result_fd``); no file in any folder carries
either. For tests and debugging, ``python -m gradcheck.audit.worker REQUEST_JSON_PATH``
(:func:`main`) reads the request from a file and writes ``result.json`` in the cwd.

The worker loads the submission, finds its parameters, runs its forward and backward
on the request's data and returns the claimed gradient; with ``probe_seed`` in the
request it also asks again at the same weights and at weights the grader chose, and
watches the backward's calls (:mod:`gradcheck.audit.probes`); with ``own_loss`` in the
request (``{"sources", "points"}``) it evaluates the student's own loss function at the
grader's points (:mod:`gradcheck.audit.ownlosspoints`, result key ``own_loss``). It never judges
correctness: the grader compares the returned arrays with numerical gradients itself.
Imports stay light (numpy, json, stdlib).

Request (JSON)::

    {"submission": "student.py", "result": "result.json",
     "X": [[...]], "Y": [[...]],          # samples as rows: (N, n_in), (N, n_out); both null:
                                          # sizes read off the weights, batch made (n=16, seed=0,
                                          # or the request's "n"/"seed"), echoed in the result
     "lrs": [0.001, 0.002],
     "spec": {"entry", "init_args", "init_kwargs", "init_none", "forward", "backward", "params",
              "grads", "samples_as_columns", "lr_arg", "run_toplevel", "loss",
              # script-style submissions (see gradcheck.audit.tracer):
              "mode",                # "auto" (default) | "script"
              "forward_output",      # the script's output variable, e.g. "y_pred"
              "data" | "data_x", "data_y",   # {"X": "X_train", "Y": "y_train"} or the two names
              "cell" | "line",       # captures count from this notebook cell / source line on
              "trace_seconds", "trace_lines"}}   # budget before the gradients must be bound

Result (JSON, written atomically, always, even on failure)::

    {"ok", "shape", "entry", "notes", "params", "grads", "forward", "forward_path",
     "samples_as_columns", "update", "error", "X", "Y", "precision"}

Script mode (``shape: "script"``) adds ``cells`` (notebooks: ``{"backward": N,
"update": N}``) and ``trace`` (where the gradients and the update are, and the
lines the script ran before the capture), and always returns the script's own
data as ``X``/``Y``: its gradients belong to that batch, not to the request's.

Arrays are nested float lists; non-finite entries are the strings "nan", "inf", "-inf".
Exit status: 0 when a result was written (even with ``ok: false``), 2 when the
request itself could not be read.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from gradcheck.audit import hookguard, intact, lastword, seccomp
from gradcheck.audit.auditerrors import AuditError, clipped
from gradcheck.audit.definednames import defined_names
from gradcheck.audit.errordict import error_dict as _error_dict

# Bind what is needed to write the result before student code can monkeypatch modules.
_replace, _fdopen, _mkstemp = os.replace, os.fdopen, tempfile.mkstemp
# The encoders themselves, made now: their class and its module's functions are watched (gradcheck.audit.intact),
# and a json.JSONEncoder the submission puts in the module later is not the one that encodes the answer.
_ANSWER_JSON = json.JSONEncoder(allow_nan=False).encode
_FILE_JSON = json.JSONEncoder(allow_nan=False, indent=1).encode
_ftruncate, _pwrite, _exit = os.ftruncate, os.pwrite, os._exit

__all__ = ["main", "serve", "run_request", "encode", "write_result", "send_result"]

#: The result in place while the worker runs: what the grader finds if the process is stopped.
DID_NOT_FINISH = {
    "type": "WorkerDidNotFinish",
    "where": "worker",
    "traceback": "",
    "message": "the worker was stopped before it finished "
    "(time or memory limit, or the student code ended the process)",
}
#: What the adapters found that the result keeps even when the audit stops later.
KEPT_PARTIAL = (
    "entry",
    "forward_path",
    "params",
    "forward",
    "forward_random",
    "forward_knob",
    "samples_as_columns",
    "step_method",
)
SPEC_KEYS = {
    "entry",
    "keep_defaults",
    "init_args",
    "init_kwargs",
    "init_none",
    "forward",
    "backward",
    "params",
    "grads",
    "samples_as_columns",
    "lr_arg",
    "backward_args",
    "run_toplevel",
    "loss",
    "mode",
    "forward_output",
    "data",
    "data_x",
    "data_y",
    "cell",
    "line",
    "trace_seconds",
    "trace_lines",
}


def encode(value: Any) -> Any:
    """JSON-safe copy: arrays to nested lists, non-finite floats to "nan"/"inf"/"-inf".

    Told by the identity of the value's exact type, never by ``isinstance``, hashing or a method of the value's own:
    a value of the submission's (a str subclass whose ``__class__`` is a property, a dict subclass's ``items``, a
    float subclass's ``__float__``, a metaclass's ``__hash__``) would otherwise run its code while the answer is
    encoded, after every check (a sign bug passed so). Subclasses of str, dict, list and tuple are read through
    the base type's own methods; anything else is a placeholder.
    """
    t = type(value)
    k = id(t)
    if k in _FLOATS:
        f = float(value)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return f
    if k in _BOOLS:
        return bool(value)
    if k in _INTS:
        return int(value)
    if value is None or t is str:
        return value
    if issubclass(t, np.ndarray):  # (the base class's tolist: a subclass's own is the submission's)
        return encode(np.ndarray.tolist(value))
    if issubclass(t, str):
        return str.__str__(value)
    if issubclass(t, dict):
        return {_key(key): encode(v) for key, v in dict.items(value)}
    if issubclass(t, list):
        return [encode(v) for v in list.__iter__(value)]
    if issubclass(t, tuple):
        return [encode(v) for v in tuple.__iter__(value)]
    return repr(value)[:200] if k in _SHOWN else "<an object of the submission's>"


def _key(key: Any) -> str:
    return key if type(key) is str else str.__str__(key) if issubclass(type(key), str) else encode(key).__str__()


#: The types :func:`encode` converts, by identity (numpy's scalars are C types: their conversions are numpy's).
_FLOATS = frozenset(map(id, (float, np.float16, np.float32, np.float64, np.longdouble)))
_BOOLS = frozenset(map(id, (bool, np.bool_)))
_INTS = frozenset(map(id, (int, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)))
#: ... and those shown by their repr (the interpreter's and numpy's own; a repr of the submission's runs its code).
_SHOWN = frozenset(map(id, (complex, bytes, np.complex64, np.complex128, type(Path()))))


def write_result(path: Path, result: dict) -> None:
    """Write ``result`` to ``path`` atomically (temp file in the same directory + os.replace)."""
    text = _FILE_JSON(encode(result))
    fd, tmp = _mkstemp(prefix=".result-", suffix=".json", dir=str(path.parent))
    with _fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    _replace(tmp, str(path))


def send_result(fd: int, result: dict) -> None:
    """Replace the channel's content with ``result`` (the last complete write is the answer)."""
    data = _encoded(result)
    _ftruncate(fd, 0)
    _pwrite(fd, data, 0)


def _encoded(result: dict) -> bytes:
    return _ANSWER_JSON(encode(result)).encode("utf-8")


def empty_result() -> dict:
    return {
        "ok": False,
        "shape": None,
        "entry": None,
        "notes": [],
        "params": [],
        "grads": [],
        "forward": None,
        "forward_path": None,
        "samples_as_columns": None,
        "update": None,
        "error": None,
        "X": None,
        "Y": None,
    }


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
    out, result, _ = run_request_frozen(req, base, alt)
    _HELD.clear()  # (in-process callers, tests among them, run many requests in one process)
    return out, result


def run_request_frozen(req: dict, base: Path, alt: Path | None = None) -> tuple[Path, dict, bytes]:
    """:func:`run_request`, and its answer encoded the moment the measurements end: with what the submission
    made still held (no finalizer of its runs), no garbage collected and no other thread given the interpreter
    lock. Code of the submission's that runs later can change the dict, never these bytes."""
    start = os.getcwd()
    try:
        out, result = _run_request(req, base, alt)
        result["precision"] = precision(result)
        frozen = _encoded(result)
    finally:
        lastword.unhush()
        os.chdir(start)
    return out, result, frozen


def _enter(sub: Path) -> None:
    """Work in the submission's own folder, as its student ran it: a project folder's root, else the file's
    folder (a project's ``open('config.yaml')`` finds its file; a lone file's folder is the cwd already)."""
    home = sub if sub.is_dir() else sub.parent
    if home.is_dir():
        os.chdir(home)


def precision(result: dict) -> str:
    """The narrowest float dtype among the student's weights, gradients and forward output ("float64" if none).

    The arrays travel as float lists; this is the only trace of a network computed
    in float32, whose gradients are accurate to float32's rounding, not float64's.
    """
    entries = [e for key in ("params", "grads") for e in result.get(key) or [] if isinstance(e, dict)]
    arrays = [e.get("data") for e in entries] + [result.get("forward")]
    floats = [a.dtype for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    floats += [np.dtype(e["dtype"]) for e in entries if e.get("dtype") in ("float16", "float32", "float64")]
    return min(floats, key=lambda d: d.itemsize, default=np.dtype(np.float64)).name


#: The frames' locals of every request run: what the submission made stays alive until the process ends, so
#: no finalizer of its (``__del__`` of the network, run when the request's frame let go of it) runs after the
#: measurements and rewrites the answer (``examples/hostile/finalizer_rewrite.py``).
_HELD: list[dict] = []


def _held(frame: dict, out: Path, result: dict) -> tuple[Path, dict]:
    lastword.hush()  # (undone by run_request_frozen once the answer is bytes)
    _HELD.append(frame)
    return out, result


def _run_request(req: dict, base: Path, alt: Path | None) -> tuple[Path, dict]:
    from gradcheck.audit import adapters, loading, scriptplan
    from gradcheck.audit.adapters import knobs
    from gradcheck.audit.ownoutputs import outputs_named, own_outputs

    sub, out, X, Y, lrs, spec = _parse_request(req, base, alt or base)
    _enter(sub)
    result = empty_result()
    result["X"], result["Y"] = X, Y
    result["defined"] = defined_names(sub)  # for the spec the audit suggests (read here, never in the grader)
    if spec.get("_unknown"):
        result["notes"].append(f"unknown spec keys ignored: {spec.pop('_unknown')}")
    loaded = None
    mode = spec.get("mode", "auto")
    if mode not in scriptplan.MODES:
        result["notes"].append(f"unknown spec mode {mode!r} ignored (auto, script)")
        mode = "auto"
    # what a training function's body run as a script falls back to: the submission as given (a project folder
    # whose one training script was chosen falls back to the whole folder, not that file alone)
    before = (spec, list(result["notes"]), sub)
    if mode == "auto":  # a plain training script: its weights and gradients named by its own updates
        sub, spec = scriptplan.auto_spec(sub, spec, result["notes"])
    if scriptplan.wants_script(mode, spec, sub):
        from gradcheck.audit import tracer

        try:
            pre_notes: list[str] = []
            sr = scriptplan.prepared(sub, spec, pre_notes)
            if mode == "script" or tracer.looks_like_script(sr, spec):
                loaded = sr.loaded
                result["notes"].extend(pre_notes)
                sr.loaded.notes = result["notes"]
                if mode == "auto" and spec.get("inline_function"):
                    result["notes"].append(
                        f"script mode: [network] grads are variables of {spec['inline_function']}()'s body, "
                        "whose body is run as the script"
                    )
                elif mode == "auto":
                    result["notes"].append(
                        "script mode: [network] grads are variables of the top-level code "
                        "and there is no model class or backward function"
                    )
                _run_script(sr, spec, result, X is not None, req.get("script_point"))
                return _held(locals(), out, result)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - includes SystemExit from student code
            if not spec.get("inline_function") or getattr(exc, "type", "") == "RandomForward":
                result["ok"] = False
                result["error"] = _error_dict(exc, loaded)
                return _held(locals(), out, result)
            result["notes"][:] = before[1] + [  # its data may be a file the submission lacks: the functions remain
                f"{spec['inline_function']}()'s body run as a script stopped ({type(exc).__name__}: "
                f"{clipped(str(exc))}): the {'project' if before[2].is_dir() else 'module'}'s functions are "
                "audited instead"
            ]
            spec, loaded, sub = before[0], None, before[2]
            _enter(sub)
    try:
        loaded = loading.load(sub, run_toplevel=bool(spec.get("run_toplevel")))  # a file or a project folder
        result["own_outputs"] = own_outputs(vars(loaded.module))
        result["outputs_named"] = outputs_named(vars(loaded.module), loaded.owns)
        result["notes"].extend(loaded.notes)
        loaded.notes = result["notes"]
        partial: dict = {"notes": result["notes"]}
        knobs.start(bool(spec.get("keep_defaults")))
        try:
            found = adapters.audit(
                loaded, X, Y, lrs, spec, partial, data={k: req[k] for k in ("n", "seed") if k in req}
            )
        finally:
            for key in (*KEPT_PARTIAL, "X", "Y"):
                if key in partial:
                    result[key] = partial[key]
        result.update(found, neutral_defaults=knobs.off(), defaults_kept=bool(spec.get("keep_defaults")))
        result["ok"] = bool(result["grads"])
        if result["ok"] and "probe_seed" in req:
            result["probes"] = _probe(partial, result, spec, lrs, req["probe_seed"], base)
        if result["ok"] and isinstance(req.get("own_loss"), dict):
            reading = {"spec": spec, "lrs": lrs, "root": str(base)}
            result["own_loss"] = _own_loss(partial, req["own_loss"], result, reading)
        if not result["ok"]:
            result["error"] = {
                "type": "GradsNotFound",
                "message": "no gradients were extracted: set [network] grads",
                "where": "reading gradients",
                "traceback": "",
            }
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - includes SystemExit from student code
        result["ok"] = False
        result["error"] = _error_dict(exc, loaded)
    return _held(locals(), out, result)


def _probe(partial: dict, result: dict, spec: dict, lrs: list, seed: Any, base: Path) -> dict:
    """The probes of :mod:`gradcheck.audit.probes`, or why there are none."""
    from gradcheck.audit import probes

    ctx = partial.get("probe_context")
    try:
        if not ctx:
            raise RuntimeError("the gradient was not read from a forward/backward step")
        ctx = {**ctx, "spec": spec, "lrs": lrs, "root": str(base)}
        return probes.run_probes(ctx, result["shape"], int(seed), result.get("update"))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - student code raised at the grader's point
        return {"seed": int(seed), "error": _error_dict(exc, None)}


def _own_loss(partial: dict, ask: dict, result: dict, reading: dict) -> dict:
    """The student's own loss at the grader's points (:mod:`gradcheck.audit.ownlosspoints`), or why not; ``reading``:
    what a step at other weights reads its gradient with (``spec``, ``lrs``, ``root``), as :func:`_probe` gives."""
    from gradcheck.audit.ownlosspoints import own_loss_values

    ctx = partial.get("probe_context")
    if not ctx:
        return {"error": "the gradient was not read from a forward/backward step"}
    try:
        return own_loss_values({**ctx, **reading}, ask, result)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - student code raised at the grader's point
        return {"error": _error_dict(exc, None)["message"]}


def _turned_inside(X, Y, fwd) -> bool:
    """A script whose data has samples as rows and whose output has them as columns (it transposes its input
    itself): X (N, d), output (K, N), targets (K, N) or one per sample."""
    if X is None or Y is None or fwd is None or X.ndim != 2 or fwd.ndim != 2:
        return False
    n = X.shape[0]
    return fwd.shape[1] == n and fwd.shape[0] != n and (Y.shape == fwd.shape or Y.shape == (n, 1))


def _run_script(sr: Any, spec: dict, result: dict, request_has_data: bool, point: dict | None = None) -> None:
    """Script mode: run the script under the tracer and fill ``result`` from the capture (``point``: the
    grader's weights to set, :mod:`gradcheck.audit.scriptpoint`)."""
    from gradcheck.audit import scriptrandom, tracer

    notes = result["notes"]
    trained = [str(g) for g in spec.get("grads") or []] + [str(p) for p in spec.get("params") or []]
    scriptrandom.refuse_random_mask(sr.stmts, trained, sr.where)  # the loop computing or applying the gradients
    cap = tracer.run(sr, spec, notes, point)
    cell = sr.cell_of(cap.line)
    nb = sr.loaded.kind == "ipynb"
    result["shape"] = "script"
    result["entry"] = f"<cell {cell}>" if nb and cell is not None else sr.loaded.locate(cap.line)
    result["params"] = [{"name": n, "path": n, "shape": list(v.shape), "data": v} for n, v in cap.params.items()]
    result["grads"] = [
        {"param": p, "path": g, "rule": "spec", "shape": list(v.shape), "data": v}
        for p, (g, v) in zip(cap.params, cap.grads.items())
    ]
    X, Y, fwd = cap.X, cap.Y, cap.forward
    if spec.get("inline_function") and (X is None or Y is None):  # a training function's body whose batch is
        # slices the tracer cannot name (Xbatch = X[:, j:k]): its module's functions are audited instead
        raise AuditError(
            f"the data the gradients were computed on was not found ({'X' if X is None else 'Y'})",
            where="running the script",
            type_="ScriptDataNotFound",
        )
    if X is not None and X.ndim == 1:
        X = X[:, None]
    flat_y = Y is not None and Y.ndim == 1  # one target per sample, whichever axis X keeps its samples on
    if flat_y:
        Y = Y[:, None]
    columns = spec.get("samples_as_columns")
    if columns is None:
        columns = bool(
            X is not None
            and fwd is not None
            and fwd.ndim == 2
            and X.shape[0] != fwd.shape[0]
            and X.shape[1] == fwd.shape[1]
        )
    if columns and X is not None and Y is not None:
        X, Y = X.T, (Y if flat_y else Y.T)  # the grader takes samples as rows
        notes.append("samples are columns in the script; X and Y returned as rows")
    elif _turned_inside(X, Y, fwd):  # a1 = data.T: rows in, columns out
        fwd, Y = fwd.T, (Y if flat_y else Y.T)
        notes.append(
            "the script turns its samples from rows into columns itself (its data rows, its output columns): "
            "its output and targets returned as rows"
        )
    result["samples_as_columns"] = bool(columns)
    result.update(cap.extra)  # an inline update's learning rate, the script's own loss values
    result["forward"], result["forward_path"] = fwd, cap.forward_name
    result["X"], result["Y"] = X, Y
    if X is None or Y is None:
        notes.append(
            "the script's data was not found: set [entry] data_x and [entry] data_y "
            "(the variables the gradients were computed on)"
        )
    elif request_has_data:
        notes.append(
            "the request's data was not used: a script computes its gradients on its own data "
            f"({cap.data_names[0]}, {cap.data_names[1]}), returned as X and Y"
        )
    upd = sr.where(cap.update_line) if cap.update_line is not None else None
    notes.append(_capture_note(sr, cap.line, cap.update_line))
    notes.extend(cap.interleaved[:3])
    result["trace"] = {
        "backward": sr.where(cap.line),
        "update": upd,
        "grads": {g: {"where": sr.where(n), "code": sr.code(n)} for g, n in cap.grad_lines.items()},
        "executed": [{"line": n, "where": sr.where(n), "code": sr.code(n)} for n in cap.executed],
    }
    if sr.cells:
        result["cells"] = {
            "backward": cell,
            "update": sr.cell_of(cap.update_line) if cap.update_line is not None else None,
        }
    result["ok"] = bool(result["grads"])


def _capture_note(sr: Any, line: int, update: int | None) -> str:
    """``gradients captured in cell 11 at line 22, before the first update (cell 11, line 24)``."""
    if sr.loaded.kind == "ipynb" and line in sr.loaded.line_map:
        cell, in_cell = sr.loaded.line_map[line]
        text = f"gradients captured in cell {cell} at line {in_cell}"
        after = f"({sr.loaded.locate(update)})" if update is not None else ""
    else:
        cell = sr.cell_of(line)
        text = f"gradients captured at {sr.loaded.locate(line)}" + (f" (cell {cell})" if cell is not None else "")
        after = f"at {sr.loaded.locate(update)}" if update is not None else ""
    return text + (
        f", before the first update {after}"
        if update is not None
        else ", at the end of the script (it never updated the weights)"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m gradcheck.audit.worker REQUEST_JSON``: load, run, extract, write the result."""
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
    hookguard.install()
    provisional = empty_result()
    provisional["error"] = dict(DID_NOT_FINISH)
    try:
        write_result(out, provisional)
    except OSError as exc:
        print(f"cannot write result {out}: {exc}", file=sys.stderr)
        return 2
    changed = intact.snapshot()
    try:
        out, result = run_request(req, base, req_path.parent)
    except (ValueError, TypeError) as exc:
        result = empty_result()
        result["error"] = {"type": "RequestError", "message": str(exc), "where": "request", "traceback": ""}
    write_result(out, _unless_rewritten(result, changed()))
    return 0


def _rewritten_answer(rebound: list[str]) -> bytes:
    """The error answer naming ``rebound``, made from bytes encoded before any submission loaded (an encoder the
    submission rebound must not write the answer that says so): the names kept to letters, digits, ``_.,`` and
    spaces."""
    shown = ", ".join(rebound[:6]) + (f" and {len(rebound) - 6} more" if len(rebound) > 6 else "")
    return _REWRITTEN.replace(b"@NAMES@", shown.encode("ascii", "replace").translate(None, _UNSAFE))


def _unless_rewritten(result: dict, rebound: list[str]) -> dict:
    """``result``, or an error naming the grader's functions the submission rebound (:mod:`gradcheck.audit.intact`)."""
    if not rebound:
        return result
    shown = ", ".join(rebound[:6]) + (f" and {len(rebound) - 6} more" if len(rebound) > 6 else "")
    out = empty_result()
    out["error"] = {
        "type": "GraderRewritten",
        "message": f"the submission replaced the grader's own functions in the sandbox ({shown}): no verdict is "
        "built on a run whose checks it rewrote",
        "where": "the grader's code in the worker",
        "traceback": "",
    }
    return out


_REWRITTEN = _encoded(_unless_rewritten(empty_result(), ["@NAMES@"]))
_UNSAFE = bytes(c for c in range(256) if not (chr(c).isalnum() and c < 128) and chr(c) not in "_., ")


#: What the worker imports (packages with all their modules), before any student code runs.
WORKER_IMPORTS = (
    "gradcheck.audit.adapters",
    "gradcheck.audit.loader",
    "gradcheck.audit.loading",
    "gradcheck.audit.projects",
    "gradcheck.audit.standins",
    "gradcheck.audit.tracer",
    "gradcheck.audit.folderscript",
    "gradcheck.audit.scriptrandom",
    "gradcheck.audit.probes",
    "gradcheck.audit.complexstep",
    "gradcheck.audit.plaingrads",
    "gradcheck.audit.ownlosspoints",
    "gradcheck.audit.ownoutputs",
    "gradcheck.audit.scriptplan",
    "gradcheck.audit.scriptpoint",
    "gradcheck.audit.definednames",
)


def preload() -> list[str]:
    """Import :data:`WORKER_IMPORTS` (packages whole); return the files of every gradcheck module now loaded.

    The sandbox shows exactly these files of gradcheck (:mod:`gradcheck.audit.bwrap`), so
    the worker finds what it needs and a submission finds nothing else of the grader's.
    """
    import importlib
    import pkgutil

    for name in WORKER_IMPORTS:
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        for sub in pkgutil.walk_packages(getattr(mod, "__path__", []), name + "."):
            importlib.import_module(sub.name)
    return sorted(
        m.__file__
        for n, m in list(sys.modules.items())
        if n.split(".")[0] == "gradcheck" and getattr(m, "__file__", None)
    )


def _read_request() -> tuple[dict, int]:
    """The request from stdin (then stdin becomes /dev/null) and the channel's fd."""
    chunks = []
    while chunk := os.read(0, 1 << 20):
        chunks.append(chunk)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    req = json.loads(b"".join(chunks))
    fd = req.pop("result_fd")
    if not isinstance(fd, int) or isinstance(fd, bool) or fd < 3:
        raise ValueError(f"result_fd must be an open fd >= 3, got {fd!r}")
    os.fstat(fd)
    return req, fd


def serve() -> None:
    """Inside the sandbox: answer the request on stdin through the result channel; never returns.

    Everything the worker needs is imported before the submission is loaded. The
    student code sees ``sys.argv == [<submission>]`` and runs as module ``__main__``.
    Exit status 0 when a result was sent, 2 when the request could not be read.
    """
    try:
        req, fd = _read_request()
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        print(f"cannot read the request: {exc}", file=sys.stderr)
        _exit(2)
    preload()  # everything the worker may import, before any student code
    hookguard.install()  # the watch on the backward's calls cannot be switched off by the submission
    changed = intact.snapshot()  # nor can its checks be rebound to do nothing
    try:  # nor can the submission compute in a child process the watch does not see
        seccomp.forbid_new_processes()
    except seccomp.SeccompUnavailable:  # libseccomp missing here (a container without it): threads only watched
        pass

    # No KeyboardInterrupt from a SIGINT the submission sends itself: as init of its pid
    # namespace (bwrap) the worker then ignores it, elsewhere it ends the run as a signal.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.argv = [str(req.get("submission", ""))]
    provisional = empty_result()
    provisional["error"] = dict(DID_NOT_FINISH)
    send_result(fd, provisional)
    try:
        _, _, frozen = run_request_frozen(req, Path.cwd())
    except (ValueError, TypeError) as exc:
        result = empty_result()
        result["error"] = {"type": "RequestError", "message": str(exc), "where": "request", "traceback": ""}
        frozen = _encoded(result)
    # no code of the submission's runs from here on (flush hooks, finalizers, signal handlers, Python threads);
    # interpreter teardown and its atexit hooks are skipped. The grader's functions are checked there, and the
    # answer frozen before is sent only if none was rebound
    lastword.final(fd, lambda: _rewritten_answer(rebound) if (rebound := changed()) else frozen)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter teardown: student atexit hooks/threads cannot block or rewrite
