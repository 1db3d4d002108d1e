"""Audit a batch on a dask.distributed cluster: one task per submission, verdicts written by the client.

``gradcheck audit PATH... --dask ADDRESS`` (or ``--dask local[:N]``) runs the same batch as
``--jobs N`` does (:mod:`gradcheck.audit.batch`), with the submissions spread over the
cluster's workers:

* each task is :func:`~gradcheck.audit.batch.audit_one` on a worker: the submission runs in
  the sandbox backend chosen (bubblewrap by default, installed on every worker), with the
  same limits, seeds and spec as a local run, and the task returns the verdict;
* only the client writes result files, one atomic signed file per submission
  (:func:`~gradcheck.audit.resultfiles.record`), so ``--resume`` works across local and cluster
  runs, and no file a worker can reach ever holds a verdict;
* the submission's files travel with its task: the client makes the same safe copy a local
  run makes (:mod:`gradcheck.audit.intake`) and sends its bytes. When every worker sees the
  submissions at the same path with the same content (a shared file system, or
  ``local``), only the path travels; a worker that does not see that content there asks
  for the bytes, and the task is sent again with them. A spec's ``[data] file`` travels
  with every task;
* faults: a task that raised (a fault of the cluster, never of the submission: a task
  does not raise for anything the submission is or does) is retried :data:`RETRIES` times;
  a task whose worker died is started again by the scheduler, and when its worker died
  every time (dask's ``KilledWorker``, after ``distributed.scheduler.allowed-failures``
  deaths, :data:`ALLOWED_FAILURES` for ``--dask local``) the submission is reported as
  ``error`` with the reason, and the batch goes on. Such a verdict of the cluster is not
  written to a result file: ``--resume`` audits that submission again. A killed worker
  cannot remove its task's scratch folder (the submission's copy, the sandbox's stage: a
  worker running one task at a time keeps every temporary file of the task there), so the
  client names each task's folder and has the workers remove those of the batch that are
  left, at once for a KilledWorker and for all at the end;
* at most :func:`window` tasks are on the cluster at once (more are sent as they finish),
  so a class of 10^5 submissions never sits in the scheduler's memory; Ctrl-C cancels
  them and leaves the result files already written, a valid partial report;
* a worker is a grader: it imports every module of the grader before its first task, as
  the local batch does, and runs student code only in the sandbox. Whoever can reach a
  dask scheduler can run code on its workers, so a local cluster for a sandbox that leaves
  the network to the submissions (``container``, ``none``) speaks TLS with certificates
  made for the run; a running cluster's security is the user's (dask's TLS settings).
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from gradcheck.audit import intake
from gradcheck.audit.batch import (
    AuditReport,
    BatchPlan,
    audit_one,
    limits_for,
    plan_batch,
    preload,
    record,
    reproduce_command,
)
from gradcheck.audit.distributed.cluster import (
    ALLOWED_FAILURES,
    CONNECT_SECONDS,
    INSTALL_HINT,
    ClusterError,
    Target,
    connect,
    parse_target,
)
from gradcheck.audit.distributed.task import (
    SCRATCH_PREFIX,
    Context,
    Files,
    Task,
    check_worker,
    data_file,
    pack,
    remove_scratch,
    run_task,
    sees,
    unpack,
)
from gradcheck.audit.distributed.watchdog import NoWorkers, Watchdog
from gradcheck.audit.grade import SubmissionResult
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec
from gradcheck.result import worst_status

__all__ = [
    "ALLOWED_FAILURES",
    "CONNECT_SECONDS",
    "INSTALL_HINT",
    "RETRIES",
    "ClusterError",
    "Context",
    "Files",
    "Target",
    "Task",
    "audit_batch_dask",
    "cluster_verdict",
    "connect",
    "pack",
    "parse_target",
    "remove_scratch",
    "run_task",
    "scratch_name",
    "unpack",
    "window",
]

#: Retries of a task that raised: an exception of the cluster (a worker's disk full, a lost
#: connection), never of the submission, which audit_one turns into a verdict.
RETRIES = 2
#: Tasks on the cluster per worker thread (the rest wait on the client): enough that a worker
#: never waits for its next task, few enough that the scheduler holds little.
TASKS_PER_THREAD = 4


def _check_workers(client, ctx: Context) -> None:
    import gradcheck

    answers = client.run(check_worker, ctx.backend, gradcheck.__version__, on_error="return")
    # a worker that left meanwhile (killed, restarted) answers with a closed connection: the others decide
    answers = {w: a for w, a in answers.items() if not isinstance(a, OSError)}
    for a in answers.values():
        if isinstance(a, BaseException):  # the task cannot even be unpickled there: gradcheck is missing
            raise ClusterError(
                f"a worker cannot run gradcheck ({type(a).__name__}: {a}); install the same gradcheck on every "
                "worker (with its sandbox: bubblewrap, or choose --sandbox container)"
            )
    bad = {w: why for w, why in answers.items() if why}
    if bad:
        worker, why = next(iter(bad.items()))
        raise ClusterError(f"{len(bad)} of {len(answers)} worker(s) cannot audit; {worker}: {why}")


def _shared(client, plan: BatchPlan, ctx: Context, files: str) -> bool:
    if files != "auto" or not plan.todo:
        return files == "shared"
    p = plan.todo[0]
    # a worker dying meanwhile answers with an error: then the files travel with the tasks, as they always can
    answers = client.run(sees, str(Path(p).resolve()), plan.digests[p], ctx, p.name, on_error="return")
    return bool(answers) and all(a is True for a in answers.values())


def window(client) -> int:
    """How many tasks are on the cluster at once: :data:`TASKS_PER_THREAD` per worker thread, at least 8."""
    return max(8, TASKS_PER_THREAD * sum(client.nthreads().values()))


def cluster_verdict(exc: BaseException, p: Path, spec: AuditSpec) -> SubmissionResult:
    """The ``error`` verdict of a task the cluster could not finish (not written: ``--resume`` retries it)."""
    if type(exc).__name__ == "KilledWorker":
        why = (
            "its worker process died every time it ran this submission (dask's KilledWorker); it was not judged. "
            "Audit it alone with --jobs 1 to see what it does"
        )
    elif isinstance(exc, NoWorkers):
        why = f"{exc}; it was not judged"
    else:
        why = f"the cluster could not run its task ({type(exc).__name__}: {exc}); it was not judged"
    return SubmissionResult(path=str(p), status="error", error=why, command=reproduce_command(p, spec), score=0.0)


def scratch_name(batch: str, p: Path) -> str:
    """The scratch folder of ``p``'s task in batch ``batch``: named by the client, which removes it on every
    worker when the worker that ran the task died (:func:`~gradcheck.audit.distributed.task.remove_scratch`)."""
    return f"{SCRATCH_PREFIX}{batch}-{hashlib.sha256(str(p).encode()).hexdigest()[:16]}"


def _task(plan: BatchPlan, p: Path, ctx: Context, ship: bool, batch: str = "") -> tuple[Task, SubmissionResult | None]:
    """The task of ``p``; with ``ship``, its files (a submission refused by the copy is judged here)."""
    scratch = scratch_name(batch, p) if batch else ""
    task = Task(str(p), str(Path(p).resolve()), plan.digests[p], plan.probe_seed(p), scratch=scratch)
    if not ship:
        return task, None
    try:
        files = pack(p.parent if ctx.siblings else p, ctx.limits.disk_bytes)
    except (intake.SubmissionRefused, OSError):  # refused before anything runs: the same verdict as locally
        kw = dict(limits=ctx.limits, backend=ctx.backend, seed=ctx.seed, probe_seed=task.probe_seed)
        return task, audit_one(p, ctx.spec, siblings=ctx.siblings, **kw)
    return dataclasses.replace(task, files=files), None


def audit_batch_dask(
    paths: list[Path],
    spec: AuditSpec,
    *,
    folder: Path,
    client,
    seed: int = 0,
    limits: Limits | None = None,
    resume: bool = False,
    backend: str = "bwrap",
    progress: Callable[[int, int, int, float], None] | None = None,
    siblings: bool = False,
    files: str = "auto",
    audit: Callable[..., SubmissionResult] | None = None,
) -> AuditReport:
    """:func:`gradcheck.audit.batch.audit_batch` with every submission a task on ``client``'s cluster.

    Parameters
    ----------
    paths, spec, folder, seed, limits, resume, backend, progress, siblings
        As for :func:`~gradcheck.audit.batch.audit_batch`; the verdicts, result files and
        reports are the same.
    client : distributed.Client
        The cluster (see :func:`connect`).
    files : str
        ``auto`` (the path alone when the workers see the submissions there with the same
        content, else their bytes), ``ship`` (always the bytes) or ``shared`` (the path; a
        worker that does not see the content asks for the bytes).
    audit : callable, optional
        Runs one submission on the worker (default :func:`~gradcheck.audit.batch.audit_one`).

    Raises
    ------
    ClusterError
        If a worker cannot audit (gradcheck or the sandbox missing there), before anything runs.
    """
    if files not in ("auto", "ship", "shared"):
        raise ValueError(f"files must be auto, ship or shared, got {files!r}")
    start = time.perf_counter()
    limits = limits or limits_for(spec)
    plan = plan_batch(paths, spec, folder=folder, limits=limits, resume=resume, siblings=siblings)
    ctx = Context(spec, limits, backend, seed, siblings, data_file(spec), audit)
    _check_workers(client, ctx)
    preload()  # the client renders the reports: import them before any submission runs
    ship = not _shared(client, plan, ctx, files)
    results: dict[Path, SubmissionResult] = dict(plan.cached)
    failures = sum(not r.passed for r in results.values())
    for p, r, keep in _run(client, plan, ctx, ship):
        if keep:
            r = record(plan, p, r)
        results[p] = r
        failures += not r.passed
        if progress:
            progress(len(results), len(paths), failures, time.perf_counter() - start)
    ordered = tuple(results[p] for p in paths)
    return AuditReport(worst_status(r.status for r in ordered), ordered, time.perf_counter() - start, folder)


def _run(client, plan: BatchPlan, ctx: Context, ship: bool) -> Iterator[tuple[Path, SubmissionResult, bool]]:
    """``(submission, verdict, keep)`` as tasks finish; ``keep`` is False for a verdict of the cluster."""
    from distributed import as_completed

    todo, running = iter(plan.todo), {}
    done = as_completed()
    batch = secrets.token_hex(6)
    watchdog = Watchdog(client, running)

    def send(p: Path, with_files: bool) -> SubmissionResult | None:
        task, judged = _task(plan, p, ctx, with_files, batch)
        if judged is None:
            fut = client.submit(run_task, task, ctx, retries=RETRIES, pure=False)
            running[fut] = p
            done.add(fut)
        return judged

    def top_up() -> Iterator[tuple[Path, SubmissionResult, bool]]:
        size = window(client)
        for p in todo:
            if watchdog.fired:  # no worker left to run it
                yield p, cluster_verdict(watchdog.reason(), p, ctx.spec), False
                continue
            judged = send(p, ship)
            if judged is not None:
                yield p, judged, True
            if len(running) >= size:
                return

    try:
        with watchdog:
            yield from top_up()
            for fut in done:
                # still in ``running`` while its result is fetched: a result lost with a killed worker is
                # computed again, and with no worker left only the watchdog's cancel ends that wait
                p = running[fut]
                try:
                    r, keep = fut.result(), True
                except Exception as exc:  # the cluster's fault (KilledWorker, a lost worker): not a verdict to keep
                    why = watchdog.reason() if watchdog.fired and fut.cancelled() else exc
                    r, keep = cluster_verdict(why, p, ctx.spec), False
                    if not watchdog.fired:  # (with no worker left, no one can)
                        _sweep(client, scratch_name(batch, p))  # its dead workers could not remove their scratch
                running.pop(fut, None)
                fut.release()
                if r is None:  # the worker does not see this submission's files: send them
                    judged = send(p, True)
                    if judged is not None:
                        yield p, judged, True
                else:
                    yield p, r, keep
                yield from top_up()
    except BaseException:  # Ctrl-C: nothing more starts; the verdicts already written stay
        client.cancel(list(running), force=True)
        raise
    finally:
        if not watchdog.fired:
            _sweep(client, f"{SCRATCH_PREFIX}{batch}-")  # a task retried after its worker died left one behind


#: Seconds the client waits for the workers to remove a batch's leftover scratch folders (a worker being
#: restarted may never answer; the batch's verdicts do not wait on it).
SWEEP_SECONDS = 30.0
#: Sweeps tried, a second apart, while some worker does not answer: as many as fit in
#: :data:`SWEEP_SECONDS` (a worker killed mid-task can take many seconds to restart under load).
SWEEP_TRIES = int(SWEEP_SECONDS)


def _sweep(client, prefix: str) -> None:
    """Have every worker remove the scratch folders named ``prefix...`` that killed workers left (the client's
    cleanup: a worker killed mid-task runs no cleanup of its own), waiting at most :data:`SWEEP_SECONDS`."""

    def run() -> None:
        # a worker just killed is being restarted: its address answers with an error, the others remove; the
        # sweep is repeated until every worker answered (a restarted one shares its host's temp dir)
        for _ in range(SWEEP_TRIES):
            try:
                answers = client.run(remove_scratch, prefix, on_error="return")
            except Exception:  # noqa: BLE001 - a cluster going down: its temp dirs are its own
                return
            if answers and not any(isinstance(a, BaseException) for a in answers.values()):
                return
            time.sleep(1.0)

    sweeper = threading.Thread(target=run, name="gradcheck-sweep", daemon=True)
    sweeper.start()
    sweeper.join(SWEEP_SECONDS)
