"""Audit a folder of submissions: one sandboxed worker each, results written as they finish.

Each submission is copied safely (:mod:`gradcheck.audit.intake`), run by the worker in
the chosen sandbox backend (:mod:`gradcheck.audit.sandbox`), which answers through a
channel only the grader holds, and judged here, in the grader. Its verdict is written
atomically to ``<folder>/submissions/<name>.json`` the moment it is known, signed with
the folder's key (:mod:`gradcheck.audit.signing`), so killing the batch at any point
leaves a valid partial report; ``resume`` reloads the verdicts whose signature and
digest (same content, same spec) verify, and audits the others again.

:func:`audit_one` is the whole job for one submission (copy, run, judge): a remote
task can call it as it is.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import secrets
import shlex
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
from gradcheck.audit import (
    answerschema,
    asdefaults,
    consistency,
    dropoutkept,
    frameworks,
    guesserror,
    intake,
    ownloss,
    runbudget,
    scriptagain,
    stepform,
    unloaded,
    untrusted,
    widened,
)
from gradcheck.audit.adapters.sizes import INVENTED_N, make_batch
from gradcheck.audit.extracted import believed_precision
from gradcheck.audit.grade import SubmissionResult, grade, point_to_code, scalar_network
from gradcheck.audit.helperclaim import NO_NETWORK, no_network_read
from gradcheck.audit.initspec import suggestion
from gradcheck.audit.lookalike import look_alike
from gradcheck.audit.newprocess import starts_a_process
from gradcheck.audit.outcome import cut_answer, fmt_bytes
from gradcheck.audit.resultfiles import BatchPlan, plan_batch, record, submission_digest  # noqa: F401 (distributed)
from gradcheck.audit.sandbox import Limits, SandboxUnavailable, get_backend, run_sandboxed
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissionresult import ERROR_SOURCES
from gradcheck.audit.submissions import SUFFIXES, content_digest, discover, result_names  # noqa: F401 (used by cli, gradescope)
from gradcheck.audit.tensornames import shown_names
from gradcheck.printable import printable, printable_tree
from gradcheck.result import worst_status

#: Learning rates for in-place updaters: small, so the update stays linear in lr,
#: and a power of two apart, so their ratio is exact.
LEARNING_RATES = (2.0**-10, 2.0**-9)
#: Modules of ours the grader never needs (an entry point, a pytest plugin that needs pytest).
NOT_PRELOADED = ("gradcheck.__main__", "gradcheck.pytest_plugin")


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
            "look_alike_names": self.look_alike_names,
        }

    @property
    def look_alike_names(self) -> list[str]:
        """Sentences naming submissions whose paths look the same (:func:`gradcheck.audit.lookalike.look_alike`)."""
        return look_alike([s.path for s in self.submissions])


def preload() -> None:
    """Import every module of gradcheck and reference_nets before any submission runs.

    Whatever the grader may import later (a report renderer, a diagnosis helper) is then
    already in memory: no file a submission might have touched is read after it ran.
    """
    import pkgutil

    import reference_nets

    for package in (gradcheck, reference_nets):
        for mod in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if mod.name not in NOT_PRELOADED:
                try:
                    importlib.import_module(mod.name)
                except ImportError:  # an optional dependency (e.g. nbformat) that is not installed
                    pass


def make_data(spec: AuditSpec, n_in: int | None, n_out: int | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The batch: from ``[data] file``, or seeded random (X normal; Y one column in {0, 1}, or one-hot rows).

    Several outputs get one-hot rows, as when sizes are invented (:func:`make_batch`): the
    only targets for which a softmax cross-entropy gradient ``probs - y`` is right, and
    the only ones integer class labels can carry.
    """
    file = spec.get("data", "file")
    if file:
        base = spec.path.parent if spec.path else Path(".")
        with np.load(base / file) as data:
            return np.asarray(data["X"], float), np.asarray(data["Y"], float)
    n_in, n_out = spec.get("data", "n_in", n_in), spec.get("data", "n_out", n_out)
    if n_in is None or n_out is None:
        return None
    return make_batch(n_in, n_out, spec.get("data", "n", INVENTED_N), spec.get("data", "seed", 0))


def reproduce_command(path: Path, spec: AuditSpec) -> str:
    """The command that audits this one submission again."""
    extra = f" --spec {shell_word(str(spec.path))}" if spec.path else ""
    return f"python -m gradcheck audit {shell_word(str(path))}{extra}"


def shell_word(text: str) -> str:
    """``text`` as one shell word on one line: as is when plain, quoted when not, and in bash's
    ``$'...'`` form when it holds control characters (a file name with a newline in it)."""
    if text.isprintable():
        return shlex.quote(text)
    body = "".join(
        c if c.isprintable() and c not in "\\'" else f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
        for c in text
    )
    return f"$'{body}'"


def worker_argv() -> list[str]:
    """How the worker starts in the sandbox: the interpreter, isolated mode, the package's folder on its path."""
    parent = str(Path(gradcheck.__file__).resolve().parent.parent)
    boot = f"import sys; sys.path.insert(0, {parent!r}); from gradcheck.audit.worker import serve; serve()"
    return [sys.executable, "-I", "-B", "-u", "-c", boot]


def _request(name: str, data, spec: AuditSpec, probe_seed: int | None, extra: dict | None = None) -> dict:
    X, Y = data if data is not None else (None, None)
    req = {
        "submission": name,
        "X": None if X is None else X.tolist(),
        "Y": None if Y is None else Y.tolist(),
        "lrs": list(LEARNING_RATES),
        "spec": spec.worker_spec(),
    }
    if probe_seed is not None:
        req["probe_seed"] = probe_seed
    return {**req, **(extra or {})}


def limits_for(spec: AuditSpec, timeout: float | None = None) -> Limits:
    """Sandbox limits from the spec (and ``--timeout``)."""
    wall = timeout or float(spec.get("limits", "wall_seconds", 60.0))
    cpu = int(spec.get("limits", "cpu_seconds", max(1, int(wall))))
    mem = int(spec.get("limits", "memory_mb", 2048)) * 1024**2
    return Limits(wall_seconds=wall, cpu_seconds=cpu, memory_bytes=mem)


def _parse_channel(raw: bytes) -> dict | None:
    """The worker's answer, or None when the channel holds none the grader can read.

    The channel is the submission's to write too: bytes that are not UTF-8, not JSON, or nested too
    deep to parse or walk are no answer (an error for this submission), never the batch's crash.
    """
    try:
        result = untrusted.read_json(raw.decode("utf-8"))
        if not isinstance(result, dict) or answerschema.mistyped(result) is not None:
            return None
        return printable_tree(answerschema.clipped(result))
    except (UnicodeDecodeError, RecursionError, MemoryError):
        return None


def run_worker(
    path: Path,
    spec: AuditSpec,
    *,
    limits: Limits,
    backend: str = "bwrap",
    probe_seed: int | None = None,
    siblings: bool = False,
    data: tuple[np.ndarray, np.ndarray] | None = None,
    extra: dict | None = None,
):
    """Copy one submission safely (with its whole folder when ``siblings``) and run the worker on it in the sandbox.

    Parameters
    ----------
    data : tuple of ndarray, optional
        The batch to send (default: the spec's, or none, and the worker makes its own).
    extra : dict, optional
        More of the request (``own_loss``: the points the student's own loss is asked at).

    Returns
    -------
    box : SandboxResult or None
        What the sandbox saw (None if nothing ran).
    result : dict or None
        The worker's answer from the result channel (None if it sent none that parses).
    data : tuple of ndarray or None
        The batch sent (None: the worker chose it and returned it).
    failure : str or None
        Why nothing ran (a refused or unreadable submission), when box is None.
    """
    data = make_data(spec, None, None) if data is None else data
    path = Path(os.path.abspath(path))  # "." has no name to run under
    try:
        workdir = intake.copy_submission(path.parent if siblings else path, max_bytes=limits.disk_bytes)
    except intake.SubmissionRefused as exc:
        return None, None, data, str(exc)
    except OSError as exc:
        return None, None, data, f"could not read the submission: {exc.strerror or exc}"
    name = f"{path.parent.name}/{path.name}" if siblings else path.name
    req = _request(name, data, spec, probe_seed, extra)
    limits, budget = runbudget.within_budget(limits)
    try:
        box = run_sandboxed(
            worker_argv(),
            workdir=workdir,
            limits=limits,
            backend=backend,
            stdin=lambda fd: json.dumps({**req, "result_fd": fd}).encode(),
        )
    except (SandboxUnavailable, OSError) as exc:  # e.g. no free uid, no fds left: this one is not judged
        return None, None, data, f"could not start the sandbox: {exc}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if budget is not None and box.status == "timeout":
        box = dataclasses.replace(box, reason=runbudget.spend(budget, box.reason))
    return box, shown_names(_parse_channel(box.channel)), data, None


def audit_one(
    path: Path,
    spec: AuditSpec,
    *,
    limits: Limits,
    backend: str = "bwrap",
    seed: int = 0,
    probe_seed: int | None = None,
    siblings: bool = False,
) -> SubmissionResult:
    """Copy one submission safely, run it in the sandbox and judge what it returned.

    Parameters
    ----------
    path : Path
        A submission file or folder.
    spec : AuditSpec
        The assignment's spec.
    limits : Limits
        The sandbox's limits.
    backend : str
        ``bwrap``, ``container`` or ``none``.
    seed : int
        Seed of the gradient checks.
    probe_seed : int, optional
        Seed of the grader's second point (default: a fresh random one).
    siblings : bool
        The sandbox gets a copy of the file's whole folder (one student's upload, whose
        modules import each other), not of the file alone.

    Returns
    -------
    SubmissionResult
        Never raises for anything the submission is or does.
    """
    start = time.perf_counter()
    with runbudget.budget_for(limits) as budget:  # every run of this submission, whatever asks for it
        out = runbudget.judged(_attempts(path, spec, seed, limits, backend, probe_seed, siblings), budget)
    return _finish(out, spec, time.perf_counter() - start)


def _attempts(path, spec, seed, limits, backend, probe_seed, siblings) -> SubmissionResult:
    """The audit, once more when the interpreter glitched; any error of ours is this submission's verdict."""
    probe_seed = secrets.randbits(63) if probe_seed is None else probe_seed
    kw = dict(limits=limits, backend=backend, probe_seed=probe_seed, siblings=siblings)
    for attempt in (1, 2):
        try:
            out = _audited(path, spec, seed, kw)
        except SandboxUnavailable:
            raise
        except Exception as exc:  # whatever this submission made us meet costs its own verdict, never the batch
            if attempt == 1 and _interpreter_glitch(exc):
                continue
            out = SubmissionResult(
                status="error",
                error=f"internal error while auditing ({type(exc).__name__}: {exc}); please report it with this "
                "submission",
                path=str(path),
                command=reproduce_command(path, spec),
            )
        break
    return out


def _audited(path: Path, spec: AuditSpec, seed: int, kw: dict) -> SubmissionResult:
    """The run and its verdict, checked again at other sizes or settings where the first verdict asks for it."""
    out, result, data, _ = _run_and_judge(path, spec, seed, kw)
    suggested = out.suggested_spec  # the first run's: what the instructor would declare to audit it so
    wide = widened.needs_widening(out, result, data)
    if wide is not None:
        k, own = wide[1].shape[1], result.get("own_outputs") or result.get("outputs_named")
        out = widened.widened(out, lambda: _run_and_judge(path, spec, seed, kw, wide)[0], own, k)
    step = stepform.step_of(out, result, spec)
    if step is not None:  # a summed gradient that the code's own step divides by the batch size
        stepped = stepform.with_step(spec, step)
        out = stepform.judged(out, step, lambda: _run_and_judge(path, stepped, seed, kw, data)[0])
    off = asdefaults.turned_off(out, result)
    if off:  # dropout or a penalty turned off: checked again as the code sets them
        out = asdefaults.judged(out, off, lambda: _run_and_judge(path, asdefaults.kept(spec), seed, kw, data)[0])
    return _replace(out, suggested_spec=suggested)


def _interpreter_glitch(exc: BaseException) -> bool:
    """CPython 3.11's spurious ``SystemError: AST constructor recursion depth mismatch`` (python/cpython#106905,
    fixed in later releases): the interpreter's, never the submission's or ours; the audit is run once more."""
    return isinstance(exc, SystemError) and "AST constructor recursion depth mismatch" in str(exc)


def first_run(path: Path, spec: AuditSpec, seed: int = 0) -> tuple[SubmissionResult, str | None]:
    """One sandboxed run of ``path``, judged (no second audit at other sizes or settings): what ``--init-spec``
    writes from. Returns the verdict, with the spec it suggests, and why the audit stopped (None: it did not)."""
    kw = dict(limits=limits_for(spec), backend="bwrap", probe_seed=secrets.randbits(63), siblings=False)
    out, _, _, stopped = _run_and_judge(path, spec, seed, kw)
    return out, stopped


def write_spec(path: Path, target: Path, spec: AuditSpec) -> tuple[Path, str | None]:
    """``--init-spec``: audit ``path`` once (:func:`first_run`) and write the spec it suggests to ``target``;
    (target, why the audit stopped or None)."""
    graded, stopped = first_run(path, spec)
    target = Path(target)
    target.write_text(graded.suggested_spec, encoding="utf-8")
    return target, stopped


def _run_and_judge(path: Path, spec: AuditSpec, seed: int, kw: dict, data=None):
    """``(verdict, worker result, data sent, why it stopped)`` of one sandboxed run on ``data`` (None: the worker's
    own batch); the verdict carries the spec the run suggests (:func:`gradcheck.audit.initspec.suggestion`)."""
    out, result, data, failure = _judged_run(path, spec, seed, kw, data)
    text, stopped = suggestion(Path(path), result, out, failure)
    return _replace(out, suggested_spec=text), result, data, stopped


def _judged_run(path: Path, spec: AuditSpec, seed: int, kw: dict, data=None):
    """``(verdict, worker result, data sent, why the sandbox ran nothing)`` of one sandboxed run."""
    box, result, data, failure = run_worker(path, spec, data=data, **kw)
    common = dict(path=str(path), command=reproduce_command(path, spec))
    if box is None:
        return SubmissionResult(status="error", error=failure, **common), result, data, failure
    common.update(
        output_tail=printable((box.stdout_tail + box.stderr_tail)[-2000:]),
        isolation=box.isolation,
        network_isolated=box.network_isolated,
    )
    try:
        again = {k: v for k, v in kw.items() if k != "probe_seed"}
        ask = ownloss.asker(run_worker, path, spec, data, **again)
        rerun = lambda extra: run_worker(path, spec, data=data, **again, extra=extra)[1]  # noqa: E731
        out = _judge_box(box, result, data, spec, (seed, kw["probe_seed"]), common, ask, rerun)
    except Exception as exc:  # a defect of ours must not cost the batch this student's result
        out = SubmissionResult(
            status="error",
            error=f"internal error while grading ({type(exc).__name__}: {exc}); please report it with this submission",
            **common,
        )
    return out, result, data, None


#: What a limit looks like from inside the worker, and the words a person needs.
_LIMIT_WORDS = (
    ("MemoryError", "", "the submission exceeded the sandbox's memory limit"),
    ("", "Unable to allocate", "the submission exceeded the sandbox's memory limit"),
    ("", "File too large", "the submission hit the sandbox's file-size limit (output or files too large)"),
    ("BlockingIOError", "Resource temporarily unavailable", "the submission hit the sandbox's processes limit"),
    ("", "Operation not permitted", "the submission did what the sandbox does not allow (start a process, ...)"),
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
    process = starts_a_process(err)
    if process:
        return process
    text = f"{kind}: {message}" + (f" (in {where})" if where else "")
    for k, m, words in _LIMIT_WORDS:
        if (k and k == kind) or (m and m in message):
            return f"{words}: {text}"
    if box is not None and box.status != "ok":
        text += f"; {box.reason}"
    return text


def _cut_short(box) -> str:
    """Why a channel filled to the file-size limit holds no answer, and what the instructor can change."""
    why = (
        f"its answer ({cut_answer(box.channel)}) is over the {fmt_bytes(len(box.channel))} file-size limit of the "
        "sandbox's result channel and was cut short: give the constructor small sizes in the spec "
        "([entry] init_kwargs = {...} or init_args = [...]: a few units per layer)"
    )
    return why if box.status == "ok" else f"{why}; {box.reason}"


def _invented_batch_ok(result: dict) -> bool:
    """Is a batch the worker invented the one the grader's rule makes from its sizes (any n, seed 0)?"""
    from gradcheck.audit.adapters.sizes import make_batch

    X, Y = np.asarray(result["X"], float), np.asarray(result["Y"], float)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != Y.shape[0] or X.shape[0] == 0:
        return False
    eX, eY = make_batch(X.shape[1], Y.shape[1], X.shape[0], 0)
    return np.array_equal(X, eX) and np.array_equal(Y, eY)


def _judge_box(box, result, data, spec, seeds, common, ask=None, rerun=None) -> SubmissionResult:
    """The verdict from what the sandbox saw and the worker answered; ``seeds`` is ``(seed, probe_seed)`` or a seed;
    ``ask``: :func:`gradcheck.audit.ownloss.asker` (None: the worker is not run again); ``rerun(extra)``: the worker's
    answer to the request with ``extra`` (a script's second run at the grader's weights; None: not run again)."""
    seed, probe_seed = seeds if isinstance(seeds, tuple) else (seeds, None)
    if box.status == "timeout":
        return SubmissionResult(status="timeout", error=box.reason, **common)
    if result is None:
        why = box.reason if box.status != "ok" else "it exited before reporting (sys.exit or os._exit?)"
        if box.channel_full:  # the answer's writes were cut at RLIMIT_FSIZE: no exit of the code's, a JSON cut short
            why = _cut_short(box)
        return SubmissionResult(status="error", error=f"no result from the submission: {why}", **common)

    def refused(error: str, source: str | None = None) -> SubmissionResult:
        """An error verdict keeping what the worker found (shape, entry, notes)."""
        shape, entry, notes = result.get("shape"), result.get("entry"), tuple(result.get("notes", []))
        invented = data is None and result.get("shape") != "script"
        error = guesserror.on_inferred_object(guesserror.explain(error, invented, notes), notes)
        explained = unloaded.interactive(unloaded.explain(frameworks.explain(error, notes), notes))
        error = unloaded.unparsed_cell(error, explained, notes)
        if source == "audit" and error.startswith(NO_NETWORK) and not no_network_read(Path(common["path"]), error):
            source = "submission"  # the answer's claim alone, which would leave the file out of a lowest score
        kept = dict(shape=shape, entry=entry, notes=notes, error_source=source)
        return SubmissionResult(status="error", error=error, **kept, **common)

    if not result.get("ok", False) or result.get("error"):
        err = result.get("error") if isinstance(result.get("error"), dict) else {}
        return refused(_worker_error(err, box), err.get("raised_by") if err.get("raised_by") in ERROR_SOURCES else None)
    scalars = scalar_network(result)
    if scalars:  # said before the data: such a script's data is rarely an array either
        return SubmissionResult(status="error", error=scalars, shape=result.get("shape"), **common)
    if data is None or result.get("shape") == "script" or result.get("data_replaced"):  # the batch the grads are of
        if result.get("X") is None or result.get("Y") is None:
            error = "the worker returned no data"
            if result.get("shape") == "script":
                missing = "X" if result.get("X") is None else "Y"
                error = (
                    f"the data the gradients were computed on was not found ({missing}): name it with "
                    "[entry] data_x and [entry] data_y in the spec (the script's variables)"
                )
            return refused(error)
        invented = data is None and result.get("shape") != "script" and not result.get("data_replaced")
        if invented and not _invented_batch_ok(result):
            return SubmissionResult(
                status="error", error="the worker's batch is not the one the grader makes", **common
            )
        data = (np.asarray(result["X"], float), np.asarray(result["Y"], float))
    precision, why = believed_precision(result)  # the answer's float32 loosens every tolerance: checked first
    if why:
        result = {**result, "precision": precision, "notes": [*(result.get("notes") or []), why]}
    graded = grade(result, data[0], data[1], spec, path=common["path"], seed=seed)
    graded = dropoutkept.own_step_loss(graded, result, spec)  # the code's own dropout: its step's loss judges
    if ask is not None:
        graded = ownloss.judged(graded, result, seed, ask)
    own_at = None
    if ask is not None and graded.own_loss:
        first = graded
        own_at = lambda again: ownloss.at_point(first, result, again, seed, ask, data)  # noqa: E731
    script_again = None
    if rerun is not None and probe_seed is not None:  # a script is run again, at weights the grader chose
        script_again = lambda r: scriptagain.judged(r, result, spec, probe_seed, rerun)  # noqa: E731
    graded = consistency.judge_probes(
        graded,
        result,
        data[0],
        data[1],
        spec,
        seed=seed,
        probe_seed=probe_seed,
        own_at=own_at,
        script_again=script_again,
    )
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
    """Points from ``[points]``: gradient (shared by the tensors) and forward (it matches).

    A gradient that is not the student's backprop (numerical, changing from call to call)
    earns no gradient points, whatever its tensors show; nor does one failed on its shapes
    (its other tensors are checked to name a second bug, not probed again to earn points).
    """
    g = float(spec.get("points", "gradient", 1.0))
    f = float(spec.get("points", "forward", 0.0))
    if r.status in ("error", "timeout") or not r.tensors:
        return _replace(r, elapsed=elapsed, score=0.0, max_score=g + f)
    # the gradient's points are split evenly over the tensors (as in the Gradescope results)
    right = sum(t.status in ("pass", "kink") for t in r.tensors)
    if r.failed_on_shapes or consistency.earns_no_gradient_points(r):
        right = 0
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
    backend: str = "bwrap",
    progress: Callable[[int, int, int, float], None] | None = None,
    siblings: bool = False,
) -> AuditReport:
    """Audit every submission; per-submission JSON written atomically (and signed) as each finishes.

    Parameters
    ----------
    paths : list of Path
        Submission files or folders.
    folder : Path
        Where results go (``submissions/<name>.json``, the summary files, the run's key).
    jobs : int
        Submissions run in parallel, each in its own sandbox.
    resume : bool
        Reload the verdicts in ``folder`` that verify (signature, content and spec); audit the rest.
    backend : str
        The sandbox: ``bwrap``, ``container`` or ``none``.
    progress : callable, optional
        ``progress(done, total, failures, elapsed)``.
    siblings : bool
        Each submission runs with a copy of its folder (one student's upload), not alone.

    Raises
    ------
    gradcheck.audit.sandbox.SandboxUnavailable
        If the backend cannot run here (before anything runs).
    """
    start = time.perf_counter()
    get_backend(backend)
    preload()
    limits = limits or limits_for(spec)
    plan = plan_batch(paths, spec, folder=folder, limits=limits, resume=resume, siblings=siblings)
    results: dict[Path, SubmissionResult] = dict(plan.cached)
    failures = sum(not r.passed for r in results.values())

    def one(p: Path) -> SubmissionResult:
        kw = dict(limits=limits, backend=backend, seed=seed, probe_seed=plan.probe_seed(p), siblings=siblings)
        r = audit_one(p, spec, **kw)
        try:
            return record(plan, p, r)
        except Exception as exc:  # a verdict that cannot even be written costs its student, not the class
            failed = SubmissionResult(
                status="error",
                error=f"internal error while recording the verdict ({type(exc).__name__}: {exc}); please report it "
                "with this submission",
                path=r.path,
                command=r.command,
            )
            return record(plan, p, failed)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(one, p): p for p in plan.todo}
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
