"""Audit a batch on a dask.distributed cluster: one task per submission, verdicts written by the client.

``gradcheck audit PATH... --dask ADDRESS`` (or ``--dask local[:N]``) runs the same batch as
``--jobs N`` does (:mod:`gradcheck.audit.batch`), with the submissions spread over the
cluster's workers:

* each task is :func:`~gradcheck.audit.batch.audit_one` on a worker: the submission runs in
  the sandbox backend chosen (bubblewrap by default, installed on every worker), with the
  same limits, seeds and spec as a local run, and the task returns the verdict;
* only the client writes result files, one atomic signed file per submission
  (:func:`~gradcheck.audit.batch.record`), so ``--resume`` works across local and cluster
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
  written to a result file: ``--resume`` audits that submission again;
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

import contextlib
import dataclasses
import logging
import os
import shutil
import signal
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    submission_digest,
)
from gradcheck.audit.grade import SubmissionResult
from gradcheck.audit.sandbox import Limits, get_backend
from gradcheck.audit.spec import AuditSpec
from gradcheck.result import worst_status

__all__ = [
    "ALLOWED_FAILURES",
    "INSTALL_HINT",
    "RETRIES",
    "ClusterError",
    "Files",
    "Target",
    "Task",
    "audit_batch_dask",
    "connect",
    "pack",
    "parse_target",
    "run_task",
    "unpack",
]

INSTALL_HINT = 'pip install "gradcheck[distributed]"'
#: Retries of a task that raised: an exception of the cluster (a worker's disk full, a lost
#: connection), never of the submission, which audit_one turns into a verdict.
RETRIES = 2
#: Deaths of a task's worker before ``--dask local``'s scheduler gives up on it (KilledWorker):
#: one death is bad luck (the machine's OOM killer, a pre-empted node), three in a row is
#: the submission.
ALLOWED_FAILURES = 2
#: Tasks on the cluster per worker thread (the rest wait on the client): enough that a worker
#: never waits for its next task, few enough that the scheduler holds little.
TASKS_PER_THREAD = 4
#: Seconds to reach a scheduler (or to wait for the first worker of one) before giving up.
CONNECT_SECONDS = 10.0


class ClusterError(Exception):
    """The cluster cannot be used: dask missing, no scheduler there, workers that cannot audit."""


# --------------------------------------------------------------------------- where to run


@dataclass(frozen=True)
class Target:
    """Where ``--dask`` runs the batch: ``local`` (a LocalCluster of ``workers`` processes),
    ``address`` (a running scheduler, e.g. ``tcp://head:8786``) or ``file`` (a scheduler file,
    as dask-jobqueue and dask-mpi write)."""

    kind: str
    value: str = ""
    workers: int | None = None


def parse_target(text: str, max_workers: int = 256) -> Target:
    """``--dask``'s value: ``local``, ``local:N``, a scheduler address or a scheduler file (``*.json``).

    Raises
    ------
    ValueError
        Saying what is accepted.

    Examples
    --------
    >>> parse_target("local:2")
    Target(kind='local', value='', workers=2)
    >>> parse_target("tcp://10.0.0.5:8786").kind
    'address'
    """
    text = text.strip()
    if text == "local" or text.startswith("local:"):
        n = text.partition(":")[2]
        if n and not (n.isdigit() and 1 <= int(n) <= max_workers):
            raise ValueError(f"local:N takes a number of worker processes from 1 to {max_workers}, got {n!r}")
        return Target("local", workers=int(n) if n else None)
    if text.endswith(".json"):
        return Target("file", text)
    scheme, sep, rest = text.rpartition("://")
    host, colon, port = (rest if sep else text).rpartition(":")
    if (sep and scheme not in ("tcp", "tls", "ws", "wss", "ucx", "inproc")) or not (host and colon and port.isdigit()):
        raise ValueError(
            f"{text!r} is not a scheduler: give local, local:N, an address such as tcp://HOST:8786, "
            "or a scheduler file (.json)"
        )
    return Target("address", text)


def import_distributed():
    """The ``distributed`` module, or :class:`ClusterError` saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"dask.distributed is not installed; install it with: {INSTALL_HINT}") from None
    return distributed


@contextlib.contextmanager
def connect(target: Target, *, workers: int, backend: str = "bwrap") -> Iterator[Any]:
    """A dask ``Client`` for ``target`` (``workers``: the LocalCluster's size when ``local`` has none).

    A LocalCluster for a backend that does not cut the network (``container``, ``none``) speaks
    TLS with certificates made for this run (``Security.temporary``): a submission that finds
    the scheduler's port cannot send it work. A running cluster's security is its own
    (dask's ``distributed.comm.tls`` settings).

    Raises
    ------
    ClusterError
        dask is not installed, no scheduler answers, or no worker joins in time.
    """
    distributed = import_distributed()
    import dask

    if target.kind == "local":
        n = target.workers or workers
        try:
            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                cluster = distributed.LocalCluster(
                    n_workers=n,
                    security=_security(backend),
                    dashboard_address="127.0.0.1:0",  # none, or bokeh's, on a free port of this machine only
                    threads_per_worker=1,
                    silence_logs=logging.CRITICAL,
                    preload=[__name__],  # dask_setup below, in every worker process, restarted ones too
                )
        except (RuntimeError, OSError) as exc:
            raise ClusterError(f"could not start a local cluster of {n} worker process(es): {exc}") from None
        with cluster, distributed.Client(cluster, security=cluster.security) as client:
            yield client
        return
    if target.kind == "file" and not Path(target.value).is_file():
        raise ClusterError("no such scheduler file; give the file the scheduler wrote (--scheduler-file)")
    how = {"scheduler_file": target.value} if target.kind == "file" else {"address": target.value}
    try:
        client = distributed.Client(**how, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"no dask scheduler answered ({type(exc).__name__}: {exc}); start one with `dask scheduler` and "
            "workers with `dask worker ADDRESS --nthreads 1`, or use --dask local"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError:
            raise ClusterError(f"the scheduler has no worker (waited {CONNECT_SECONDS:g} s)") from None
        yield client


def _security(backend: str):
    """TLS for a LocalCluster whose submissions keep the network; None (plain TCP) for bwrap's, which have none."""
    if backend == "bwrap":
        return None
    from distributed.security import Security

    try:
        return Security.temporary()
    except ImportError:
        raise ClusterError(
            f"--sandbox {backend} leaves the network to the submissions, so the local cluster speaks TLS, "
            f"which needs the cryptography package: {INSTALL_HINT}"
        ) from None


def dask_setup(worker) -> None:
    """In every worker process of ``--dask local``: Ctrl-C is the client's to handle.

    A terminal's Ctrl-C reaches the whole process group; the workers leave it to the
    client, which cancels the tasks and closes the cluster, instead of each printing a
    traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# --------------------------------------------------------------------------- the task


@dataclass(frozen=True)
class Files:
    """A submission's safe copy as bytes: ``(relative path, kind, content, mode)`` per entry.

    ``kind`` is ``D`` (a folder), ``F`` (a file) or ``L`` (a link inside the submission,
    ``content`` its target); folders come before what they hold.
    """

    entries: tuple[tuple[str, str, bytes, int], ...]

    @property
    def size(self) -> int:
        """Bytes carried."""
        return sum(len(e[2]) for e in self.entries)


def pack(src: Path, max_bytes: int) -> Files:
    """The bytes of ``src``'s safe copy (:func:`gradcheck.audit.intake.copy_submission`).

    Raises
    ------
    gradcheck.audit.intake.SubmissionRefused, OSError
        As the copy does.
    """
    workdir = intake.copy_submission(src, max_bytes=max_bytes)
    entries = []
    try:
        for dirpath, dirnames, filenames in os.walk(workdir):  # top-down: a folder before its files
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                full = os.path.join(dirpath, name)
                rel, st = os.path.relpath(full, workdir), os.lstat(full)
                if stat.S_ISLNK(st.st_mode):
                    entries.append((rel, "L", os.readlink(full).encode(), 0))
                elif stat.S_ISDIR(st.st_mode):
                    entries.append((rel, "D", b"", 0o755))
                else:
                    with open(full, "rb") as fh:
                        entries.append((rel, "F", fh.read(), stat.S_IMODE(st.st_mode)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return Files(tuple(entries))


def unpack(files: Files, root: Path) -> None:
    """Write ``files`` under ``root`` (an empty folder); an entry that would leave it is refused."""
    for rel, kind, data, mode in files.entries:
        if os.path.isabs(rel) or ".." in Path(rel).parts:
            raise ValueError(f"{rel!r}: an entry outside the submission")
        target = root / rel
        if kind == "D":
            target.mkdir(mode=mode)
        elif kind == "L":
            os.symlink(data.decode(), target)
        else:
            target.write_bytes(data)
            target.chmod(mode)


@dataclass(frozen=True)
class Context:
    """What every task of a batch shares: the spec and how to audit (``data``: the spec's data file)."""

    spec: AuditSpec
    limits: Limits
    backend: str
    seed: int
    siblings: bool
    data: tuple[str, bytes] | None = None
    audit: Callable[..., SubmissionResult] | None = None  # audit_one; another for tests


@dataclass(frozen=True)
class Task:
    """One submission: ``path`` as the client names it, ``where`` its absolute path, the digest the
    client computed, its probe seed, and its files (None: the worker reads them at ``where``)."""

    path: str
    where: str
    digest: str
    probe_seed: int
    files: Files | None = None


_READY: set[str] = set()


def _ready(backend: str) -> None:
    """Once per worker process: import every module of the grader and check the sandbox backend."""
    if backend not in _READY:
        preload()
        get_backend(backend)
        _READY.add(backend)


def _local_spec(ctx: Context, scratch: Path) -> AuditSpec:
    """The spec with its data file in ``scratch`` (the client's path may not exist here)."""
    if ctx.data is None:
        return ctx.spec
    name, content = ctx.data
    home = scratch.joinpath("spec", *["d"] * Path(name).parts.count(".."))  # deep enough for ../data.npz
    (home / name).parent.mkdir(parents=True, exist_ok=True)
    (home / name).write_bytes(content)
    return AuditSpec(ctx.spec.sections, home / "spec.toml")


def run_task(task: Task, ctx: Context) -> SubmissionResult | None:
    """On a worker: audit one submission as a local run does; None when its files are needed.

    Without ``task.files`` the worker audits the file at ``task.where`` if its safe copy has
    the digest the client computed (a shared file system); else it returns None and the
    client sends the files.
    """
    _ready(ctx.backend)
    where = Path(task.where)
    src = where.parent if ctx.siblings else where
    scratch = Path(tempfile.mkdtemp(prefix="gradcheck-task-"))
    try:
        spec = _local_spec(ctx, scratch)
        if task.files is None:
            if submission_digest(src, spec, ctx.limits.disk_bytes, where.name) != task.digest:
                return None
        else:
            (scratch / "files").mkdir()
            unpack(task.files, scratch / "files")
            where = scratch / "files" / (f"{src.name}/{where.name}" if ctx.siblings else where.name)
        audit = ctx.audit or audit_one
        kw = dict(limits=ctx.limits, backend=ctx.backend, seed=ctx.seed, probe_seed=task.probe_seed)
        r = audit(where, spec, siblings=ctx.siblings, **kw)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    path = Path(task.path)
    return dataclasses.replace(r, path=task.path, command=reproduce_command(path, ctx.spec))


def check_worker(backend: str, version: str) -> str | None:
    """On every worker before the batch: None if it can audit as the client asks, else why not."""
    import gradcheck

    if gradcheck.__version__ != version:
        return f"gradcheck {gradcheck.__version__} is installed there, {version} here"
    try:
        _ready(backend)
    except Exception as exc:  # SandboxUnavailable and its kin: the message says what to install
        return f"{type(exc).__name__}: {exc}"
    return None


def sees(where: str, digest: str, ctx: Context, name: str) -> bool:
    """On a worker: does it see the submission at ``where`` with the client's content?"""
    src = Path(where).parent if ctx.siblings else Path(where)
    with tempfile.TemporaryDirectory(prefix="gradcheck-task-") as scratch:
        return submission_digest(src, _local_spec(ctx, Path(scratch)), ctx.limits.disk_bytes, name) == digest


# --------------------------------------------------------------------------- the client


def _check_workers(client, ctx: Context) -> None:
    import gradcheck

    try:
        answers = client.run(check_worker, ctx.backend, gradcheck.__version__)
    except Exception as exc:  # the task cannot even be unpickled there: gradcheck is missing
        raise ClusterError(
            f"a worker cannot run gradcheck ({type(exc).__name__}: {exc}); install the same gradcheck on every "
            "worker (with its sandbox: bubblewrap, or choose --sandbox container)"
        ) from None
    bad = {w: why for w, why in answers.items() if why}
    if bad:
        worker, why = next(iter(bad.items()))
        raise ClusterError(f"{len(bad)} of {len(answers)} worker(s) cannot audit; {worker}: {why}")


def _shared(client, plan: BatchPlan, ctx: Context, files: str) -> bool:
    if files != "auto" or not plan.todo:
        return files == "shared"
    p = plan.todo[0]
    answers = client.run(sees, str(Path(p).resolve()), plan.digests[p], ctx, p.name)
    return all(answers.values())


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
    else:
        why = f"the cluster could not run its task ({type(exc).__name__}: {exc}); it was not judged"
    return SubmissionResult(path=str(p), status="error", error=why, command=reproduce_command(p, spec), score=0.0)


def _task(plan: BatchPlan, p: Path, ctx: Context, ship: bool) -> tuple[Task, SubmissionResult | None]:
    """The task of ``p``; with ``ship``, its files (a submission refused by the copy is judged here)."""
    task = Task(str(p), str(Path(p).resolve()), plan.digests[p], plan.probe_seed(p))
    if not ship:
        return task, None
    try:
        files = pack(p.parent if ctx.siblings else p, ctx.limits.disk_bytes)
    except (intake.SubmissionRefused, OSError):  # refused before anything runs: the same verdict as locally
        kw = dict(limits=ctx.limits, backend=ctx.backend, seed=ctx.seed, probe_seed=task.probe_seed)
        return task, audit_one(p, ctx.spec, siblings=ctx.siblings, **kw)
    return dataclasses.replace(task, files=files), None


def _data_file(spec: AuditSpec) -> tuple[str, bytes] | None:
    file = spec.get("data", "file")
    if not file:
        return None
    base = spec.path.parent if spec.path else Path(".")
    return file, (base / file).read_bytes()


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
    ctx = Context(spec, limits, backend, seed, siblings, _data_file(spec), audit)
    _check_workers(client, ctx)
    preload()  # the client renders the reports: import them before any submission runs
    ship = not _shared(client, plan, ctx, files)
    results: dict[Path, SubmissionResult] = dict(plan.cached)
    failures = sum(not r.passed for r in results.values())
    for p, r, keep in _run(client, plan, ctx, ship):
        if keep:
            record(plan, p, r)
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

    def send(p: Path, with_files: bool) -> SubmissionResult | None:
        task, judged = _task(plan, p, ctx, with_files)
        if judged is None:
            fut = client.submit(run_task, task, ctx, retries=RETRIES, pure=False)
            running[fut] = p
            done.add(fut)
        return judged

    def top_up() -> Iterator[tuple[Path, SubmissionResult, bool]]:
        size = window(client)
        for p in todo:
            judged = send(p, ship)
            if judged is not None:
                yield p, judged, True
            if len(running) >= size:
                return

    try:
        yield from top_up()
        for fut in done:
            p = running.pop(fut)
            try:
                r, keep = fut.result(), True
            except Exception as exc:  # the cluster's fault (KilledWorker, a lost worker): not a verdict to keep
                r, keep = cluster_verdict(exc, p, ctx.spec), False
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
