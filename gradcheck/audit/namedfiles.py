"""The data files beside a one-file submission that its code names: ``open('cifar10.pkl', 'rb')``.

A file audited alone goes to its sandbox with the modules beside it that it imports
(:func:`gradcheck.audit.submissions.imported_siblings`). A data file it reads by a
literal name (``datapath='cifar10.pkl'``, ``np.load("weights.npz")``) and that is present
beside it is brought too, so that code which runs on its own data runs on it in the
sandbox as well. Only files whose name the code spells as a string constant (``'x.pkl'``
or ``'./x.pkl'``) are taken: never code files, links, hidden files or folders; at most
:data:`MAX_NAMED_FILES` of them, and none that would not fit the disk cap left (it is
left out, never a refusal of the submission).
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from gradcheck.audit import untrusted
from gradcheck.audit.submissions import SUFFIXES, source_of

#: At most this many data files go with one file.
MAX_NAMED_FILES = 10
#: A quoted string of a file that does not parse as a whole (magics, Python 2), read line by line.
_QUOTED = re.compile(r"""(?P<q>['"])(?P<s>[^'"\n]{1,255})(?P=q)""")


def _literals(text: str) -> set[str]:
    """The string constants of ``text``, as written (``"./cifar10.pkl"``)."""
    tree = untrusted.parse(text)
    if tree is None:
        return {m["s"] for m in _QUOTED.finditer(text)}
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _beside(literal: str) -> str | None:
    """The file name a literal names in the code's own folder (``'./x.pkl'`` -> ``x.pkl``), or None."""
    name = os.path.normpath(literal.strip())
    if not name or os.path.isabs(name) or os.sep in name or (os.altsep and os.altsep in name):
        return None
    return None if name in (".", "..") else name


def named_files(path: Path, limit: int = MAX_NAMED_FILES) -> list[Path]:
    """The regular, non-code files beside ``path`` whose name its code spells literally (sorted; at most ``limit``)."""
    names = {n for lit in _literals(source_of(path)) if (n := _beside(lit)) is not None}
    found = []
    for name in sorted(names):
        f = path.parent / name
        if name.startswith(".") or f == path or Path(name).suffix in SUFFIXES:
            continue
        try:
            if f.is_symlink() or not f.is_file():
                continue
        except OSError:
            continue
        found.append(f)
        if len(found) >= limit:
            break
    return found


__all__ = ["MAX_NAMED_FILES", "named_files"]
