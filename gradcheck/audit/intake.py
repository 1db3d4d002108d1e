"""Copy a submission (a file or a student's project folder) into a fresh work dir, safely.

The grader reads a submission with its own privileges (often root), so the copy never
follows a link out of the submission and never opens anything but regular files:

* a submission that is itself a symbolic link is refused, unread;
* inside a folder, a link whose target is absolute or leaves the folder is refused;
  a relative link that stays inside is copied as a link (it can only reach the copy);
* FIFOs, sockets and devices are refused (opening a FIFO blocks, a device reads the host);
* every file is opened with ``O_NOFOLLOW`` relative to its already opened folder, so a
  path swapped for a link between the check and the read is refused too;
* the copy is capped in bytes and files (the sandbox's disk cap), and in depth
  (:data:`~gradcheck.audit.untrusted.MAX_DEPTH` folders), so a huge or deep folder is
  refused before anything runs.

A refusal raises :class:`SubmissionRefused`, whose message names the file and says it
was not read; in a folder, every link out and special file is named in one refusal, after
the walk (nothing of the folder runs either way).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from gradcheck.audit.namedfiles import named_files
from gradcheck.audit.studentfolders import MAX_FILES, beyond_a_project
from gradcheck.audit.studentfolders import kind as _kind
from gradcheck.audit.submissions import imported_siblings
from gradcheck.audit.untrusted import MAX_DEPTH

__all__ = ["MAX_FILES", "SKIPPED_DIRS", "SubmissionRefused", "copy_submission", "tree_digest"]

#: Folders of a project that are never copied (caches and version control).
SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".ipynb_checkpoints"})
_CHUNK = 1 << 20
#: A refusal names this many of the entries that made it (a folder may hold thousands).
MAX_NAMED = 8


class SubmissionRefused(ValueError):
    """The submission cannot be copied safely; the message names the file and the reason."""


class _Budget:
    def __init__(self, max_bytes: int, src: Path):
        self.bytes, self.files, self.max_bytes, self.src = 0, 0, max_bytes, src
        self.refused: list[str] = []  # every entry refused, named together once the folder is walked

    def take(self, size: int, name: str) -> None:
        self.bytes += size
        self.files += 1
        if self.bytes > self.max_bytes:
            raise SubmissionRefused(
                f"{self.src}: larger than the sandbox's disk cap of {self.max_bytes} bytes (at {name}); it was not run"
            )
        if self.files > MAX_FILES:
            raise SubmissionRefused(f"{self.src}: more than {MAX_FILES} files; it was not run")


def _copy_fd(fd: int, target: Path, shown: str, budget: _Budget) -> None:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise SubmissionRefused(f"{shown} is {_kind(st.st_mode)}: refused, it was not read")
    budget.take(st.st_size, shown)
    with open(target, "wb") as out:
        copied = 0
        while chunk := os.read(fd, _CHUNK):
            copied += len(chunk)
            if copied > st.st_size:  # grew while being read
                budget.take(len(chunk), shown)
            out.write(chunk)
    os.chmod(target, 0o755 if st.st_mode & stat.S_IXUSR else 0o644)


def _open_nofollow(name: str, shown: str, dir_fd: int | None, directory: bool = False) -> int:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_DIRECTORY if directory else 0)
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # a link appeared, or no longer a folder
            raise SubmissionRefused(f"{shown} changed into a link or a file while copied: refused") from None
        raise


def _link_inside(target: str, rel_dir: str) -> bool:
    if os.path.isabs(target):
        return False
    joined = os.path.normpath(os.path.join(rel_dir, target))
    return joined != ".." and not joined.startswith("../")


def _copy_dir(dir_fd: int, dest: Path, rel: str, shown: Path, budget: _Budget) -> None:
    if rel.count(os.sep) >= MAX_DEPTH:
        raise SubmissionRefused(f"{shown} is nested more than {MAX_DEPTH} folders deep: refused, it was not run")
    with os.scandir(dir_fd) as entries:
        items = sorted(entries, key=lambda e: e.name)
    for entry in items:
        name, child_rel, child_shown = entry.name, os.path.join(rel, entry.name), shown / entry.name
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            target = os.readlink(name, dir_fd=dir_fd)
            if not _link_inside(target, rel):
                budget.refused.append(f"{child_shown} is a link out of the submission (to {target})")
                continue
            budget.take(0, str(child_shown))
            os.symlink(target, dest / name)
        elif stat.S_ISDIR(st.st_mode):
            if name in SKIPPED_DIRS:
                continue
            fd = _open_nofollow(name, str(child_shown), dir_fd, directory=True)
            try:
                (dest / name).mkdir(mode=0o755)
                _copy_dir(fd, dest / name, child_rel, child_shown, budget)
            finally:
                os.close(fd)
        elif stat.S_ISREG(st.st_mode):
            fd = _open_nofollow(name, str(child_shown), dir_fd)
            try:
                _copy_fd(fd, dest / name, str(child_shown), budget)
            finally:
                os.close(fd)
        else:
            budget.refused.append(f"{child_shown} is {_kind(st.st_mode)}")


def _refusal(refused: list[str]) -> SubmissionRefused:
    """One refusal naming every entry that made it (the first :data:`MAX_NAMED`), so that all are fixed at once."""
    named = "; ".join(refused[:MAX_NAMED]) + (
        f"; and {len(refused) - MAX_NAMED} more" if len(refused) > MAX_NAMED else ""
    )
    return SubmissionRefused(f"{named}: refused, {'it was' if len(refused) == 1 else 'they were'} not read")


def copy_submission(src: str | os.PathLike, *, max_bytes: int, root: str | os.PathLike | None = None) -> Path:
    """A fresh private work dir (mode 0700) holding a safe copy of ``src`` as ``<workdir>/<name>``.

    Parameters
    ----------
    src : path
        A submission file, with the modules beside it that it imports and the data files beside it that its
        code names (:mod:`gradcheck.audit.namedfiles`), or a folder (copied recursively).
    max_bytes : int
        Cap on the bytes copied (the sandbox's disk cap).
    root : path, optional
        Where the work dir is made (default: the system's temp dir).

    Returns
    -------
    Path
        The work dir; the caller removes it.

    Raises
    ------
    SubmissionRefused
        ``src`` is a link, or holds a link out of it, a FIFO, a socket or a device, or is
        larger than ``max_bytes`` or :data:`MAX_FILES`. Nothing of it was run.
    FileNotFoundError
        ``src`` does not exist.
    """
    src = Path(os.path.abspath(src))  # "." and ".." have no name to copy under (never resolved: a link stays one)
    st = os.lstat(src)
    if stat.S_ISLNK(st.st_mode):
        raise SubmissionRefused(
            f"{src} is a symbolic link (to {os.readlink(src)}): submissions must be plain files or folders; "
            "refused, it was not read"
        )
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        raise SubmissionRefused(f"{src} is {_kind(st.st_mode)}: refused, it was not read")
    if stat.S_ISDIR(st.st_mode):
        said = beyond_a_project(src, max_bytes)
        if said:  # measured without opening a file: refused before a byte is copied
            raise _refusal(said)
    workdir = Path(tempfile.mkdtemp(prefix="gradcheck-work-", dir=root))
    budget = _Budget(max_bytes, src)
    try:
        _copy_entry(src, st, workdir, budget)
        if not stat.S_ISDIR(st.st_mode):
            for sib in imported_siblings(src):  # the modules beside a file that it imports go with it
                _copy_entry(sib, os.lstat(sib), workdir, budget)
            _copy_named(src, workdir, budget)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return workdir


def _copy_named(src: Path, workdir: Path, budget: _Budget) -> None:
    """The data files beside ``src`` that its code names (``'cifar10.pkl'``), each that fits the disk cap left (one
    that does not is left out: the code's own error about it is reported, not a refusal)."""
    for f in named_files(src):
        st = os.lstat(f)
        if not stat.S_ISREG(st.st_mode) or (workdir / f.name).exists():
            continue
        if budget.bytes + st.st_size > budget.max_bytes or budget.files + 1 > MAX_FILES:
            continue
        _copy_entry(f, st, workdir, budget)


def _copy_entry(src: Path, st: os.stat_result, workdir: Path, budget: _Budget) -> None:
    """``src`` (a file, or a folder copied recursively) as ``<workdir>/<name>``, never following a link."""
    fd = _open_nofollow(str(src), str(src), None, directory=stat.S_ISDIR(st.st_mode))
    try:
        if stat.S_ISDIR(st.st_mode):
            (workdir / src.name).mkdir(mode=0o755)
            _copy_dir(fd, workdir / src.name, "", src, budget)
            if budget.refused:
                raise _refusal(budget.refused)
        else:
            _copy_fd(fd, workdir / src.name, str(src), budget)
    finally:
        os.close(fd)


def tree_digest(workdir: str | os.PathLike) -> str:
    """SHA-256 of a copied submission: relative paths, file bytes and link targets, in sorted order.

    Names are taken as the file system's bytes: a student's file name need not be UTF-8.
    """
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(workdir):  # never follows links
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, workdir)
        for name in sorted(dirnames + filenames):
            path, rel = os.path.join(dirpath, name), os.path.normpath(os.path.join(rel_dir, name))
            if os.path.islink(path):
                h.update(b"L " + os.fsencode(rel) + b" -> " + os.fsencode(os.readlink(path)) + b"\n")
            elif name in filenames:
                with open(path, "rb") as fh:
                    data = fh.read()
                h.update(b"F " + os.fsencode(rel) + f" {len(data)}\n".encode() + data)
            else:
                h.update(b"D " + os.fsencode(rel) + b"\n")
    return h.hexdigest()
