"""A student's folder in a class export that no project could be: one submission, refused by name.

A class export is one folder per student. The search for submissions inside a student's folder
(:func:`gradcheck.audit.submissions.discover`) reads names and sources, recursing into sub-folders:
a folder holding thousands of files, folders nested a thousand deep, a FIFO (opening it blocks
the grader), a link to another student's file or to the host's files, or a sparse file of gigabytes
would make it walk without end, or audit each of thousands of files as a submission of its own.

Before a student's folder is searched, its tree is measured by a walk that is itself bounded (it
stops at the caps below, never follows a link, never opens a file: names and ``lstat`` only). A
folder beyond what :mod:`gradcheck.audit.intake` would copy as one project (more files than
:data:`MAX_FILES`, deeper than :data:`~gradcheck.audit.untrusted.MAX_DEPTH`,
more bytes than the sandbox's disk cap), or holding a special file or a link out of it, is ONE
submission: the intake refuses it, naming each offending entry (the first few and a count),
and nothing of it runs.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from gradcheck.audit.isolation import Limits
from gradcheck.audit.untrusted import MAX_DEPTH

__all__ = ["MAX_FILES", "MAX_SCANNED", "beyond_a_project", "kind"]

#: A folder submission with more files than this is refused.
MAX_FILES = 2000

#: The walk stops after this many entries (files, folders, links) of one student's folder: past
#: the file cap, the answer is already "beyond a project", and a listing of millions is not read.
MAX_SCANNED = 2 * MAX_FILES


def _link_leaves(target: str, rel_dir: str) -> bool:
    if os.path.isabs(target):
        return True
    joined = os.path.normpath(os.path.join(rel_dir, target))
    return joined == ".." or joined.startswith("../")


def beyond_a_project(folder: Path, max_bytes: int = Limits().disk_bytes) -> list[str]:
    """What makes ``folder`` no project the sandbox could hold ([] when nothing does), each entry by its path:
    every link out of it and special file (in name order), then the caps it passes."""
    folder = Path(folder)
    named: list[str] = []
    deep = ""
    files = scanned = size = 0
    stack = [(folder, "", 0)]
    while stack and scanned <= MAX_SCANNED:
        here, rel, depth = stack.pop()
        if depth > MAX_DEPTH:
            deep = deep or f"{folder / rel} is nested more than {MAX_DEPTH} folders deep"
            continue
        try:
            with os.scandir(here) as it:
                entries = sorted((e for _, e in zip(range(MAX_SCANNED + 1 - scanned), it)), key=lambda e: e.name)
        except FileNotFoundError:  # (gone since it was listed)
            continue
        except OSError as exc:  # a path too long to open (ENAMETOOLONG), a folder no one may read: never a silence
            named.append(f"{folder / rel} cannot be read ({exc.strerror or type(exc).__name__})")
            continue
        scanned += len(entries)
        for e in entries:
            name = os.path.join(rel, e.name)
            try:
                st = e.stat(follow_symlinks=False)
                target = os.readlink(e.path) if stat.S_ISLNK(st.st_mode) else ""
            except FileNotFoundError:
                continue
            except OSError as exc:
                named.append(f"{folder / name} cannot be read ({exc.strerror or type(exc).__name__})")
                continue
            if stat.S_ISLNK(st.st_mode):
                if _link_leaves(target, rel):
                    named.append(f"{folder / name} is a link out of the submission (to {target})")
            elif stat.S_ISDIR(st.st_mode):
                stack.append((Path(e.path), name, depth + 1))
            elif stat.S_ISREG(st.st_mode):
                files, size = files + 1, size + st.st_size
            else:
                named.append(f"{folder / name} is {kind(st.st_mode)}")
    caps = [deep] if deep else []
    if files > MAX_FILES or scanned > MAX_SCANNED:
        caps.append(f"{folder}: more than {MAX_FILES} files")
    if size > max_bytes:
        caps.append(f"{folder}: larger than the sandbox's disk cap of {max_bytes} bytes")
    return sorted(named) + caps


def kind(mode: int) -> str:
    """What a file of ``mode`` that is neither a regular file nor a folder is, in words (a FIFO, a socket)."""
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device")):
        if test(mode):
            return name
    return "a device" if stat.S_ISBLK(mode) else "not a regular file"
