"""What travels to a worker and what it does there: a submission's files as bytes, the batch's
shared context, and the task that audits one submission as a local run does."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gradcheck.audit import intake
from gradcheck.audit.batch import audit_one, preload, reproduce_command, submission_digest
from gradcheck.audit.grade import SubmissionResult
from gradcheck.audit.sandbox import Limits, get_backend
from gradcheck.audit.spec import AuditSpec


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
    #: the name of its scratch folder in the worker's temp dir, chosen by the client so that the client
    #: can remove it when the worker dies before it does (:func:`remove_scratch`)
    scratch: str = ""


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
    scratch = _scratch(task.scratch)
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
        with _temp_files_in(scratch):
            r = audit(where, spec, siblings=ctx.siblings, **kw)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    path = Path(task.path)
    return dataclasses.replace(r, path=task.path, command=reproduce_command(path, ctx.spec))


#: Prefix of a task's scratch folder in a worker's temp dir.
SCRATCH_PREFIX = "gradcheck-task-"


def _scratch(name: str) -> Path:
    """The task's scratch folder: ``name`` in the temp dir (what a killed earlier run of it left there is
    removed first), or a fresh one."""
    if not name:
        return Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    if not name.startswith(SCRATCH_PREFIX) or os.sep in name or name in (".", ".."):
        raise ValueError(f"{name!r} is not a task's scratch folder")
    path = Path(tempfile.gettempdir()) / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(mode=0o700)
    return path


@contextlib.contextmanager
def _temp_files_in(scratch: Path):
    """Every temporary file the audit makes (the submission's copy, the sandbox's stage) inside ``scratch``,
    so that removing it removes them all; only in a worker running one task at a time (``--nthreads 1``,
    as ``--dask local`` starts them), where the temp dir is the task's alone."""
    if _threads() != 1:
        yield
        return
    before = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    try:
        yield
    finally:
        tempfile.tempdir = before


def _threads() -> int:
    try:
        from distributed import get_worker

        return get_worker().state.nthreads
    except (ImportError, ValueError, AttributeError):  # not on a worker (a test calling run_task): one thread
        return 1


def remove_scratch(prefix: str) -> int:
    """On a worker: remove the scratch folders in its temp dir whose name starts with ``prefix`` (a batch's,
    or one task's) that a worker killed mid-task left; returns how many. ``prefix`` must be longer than
    :data:`SCRATCH_PREFIX` (another batch's folders stay); links are left alone."""
    if not prefix.startswith(SCRATCH_PREFIX) or len(prefix) <= len(SCRATCH_PREFIX) or os.sep in prefix:
        raise ValueError(f"{prefix!r} names no batch's or task's scratch folders")
    removed = 0
    with os.scandir(_temp_root()) as entries:
        for entry in entries:
            if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += not os.path.exists(entry.path)
    return removed


def _temp_root() -> str:
    """The worker's temp dir. A task running in another thread points :mod:`tempfile` at its own scratch
    folder (:func:`_temp_files_in`), which sits in the temp dir: then that folder's parent."""
    here = Path(tempfile.gettempdir())
    return str(here.parent if here.name.startswith(SCRATCH_PREFIX) else here)


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


def data_file(spec: AuditSpec) -> tuple[str, bytes] | None:
    """The spec's ``[data] file`` (its name as written, its bytes) read here, to travel with the tasks."""
    file = spec.get("data", "file")
    if not file:
        return None
    base = spec.path.parent if spec.path else Path(".")
    return file, (base / file).read_bytes()
