"""What a submission is: a file, or a folder holding one student's project; and where its result goes.

``discover`` turns the paths an instructor gives into submissions:

* a ``.py`` or ``.ipynb`` file is one submission;
* a folder is one submission (a *project*) when its code imports its own modules
  (``from layers import Dense``, ``import lib.combo``) or it is a package
  (``__init__.py``), or when code in its sub-folders imports through the folder
  (``examples/xor.py`` or ``src/net.py`` saying ``from src.layers.dense import Dense``):
  its files are copied into the sandbox together;
* a folder is one submission too when it holds one file of network code and only
  data-loading scripts beside it (``network.py``, ``load_images.py``, ``mnist_loader.py``),
  or when its files call each other's functions without importing them (a notebook's
  cells saved as files);
* any other folder holds submissions: each of its code files, and, recursively,
  each of its sub-folders (class exports: a folder per student, at any depth);
* a student's folder (a sub-folder of a folder given) that no project could be (links out of
  it, FIFOs, more files, depth or bytes than the intake copies: :mod:`gradcheck.audit.studentfolders`)
  is one submission, which the intake refuses by name; so is a link to a folder, and a FIFO named
  like code, in a folder given: listed as refused, never passed over.

Results are kept apart by a unique relative path (``alice/mlp.py`` and
``bob/mlp.py`` when every file is called ``mlp.py``).
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import os
import re
import stat
from pathlib import Path

from gradcheck.audit import cellfiles, helperfiles, studentfolders, untrusted

SUFFIXES = (".py", ".ipynb")
#: Folders never searched: caches, environments, version control, test suites.
SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".git", ".venv", "venv", "env", "site-packages", "node_modules"}
#: Files that are never a submission's entry (set-up and test files of a project).
SKIP_FILES = {"setup.py", "conftest.py", "__init__.py", "__main__.py"}


def _visible(p: Path) -> bool:
    return not p.name.startswith((".", "_")) or p.name == "__init__.py"


def code_files(folder: Path) -> list[Path]:
    """The ``.py``/``.ipynb`` files directly in ``folder`` (sorted, hidden ones left out)."""
    return sorted(f for f in folder.iterdir() if f.is_file() and f.suffix in SUFFIXES and _visible(f))


def subfolders(folder: Path) -> list[Path]:
    """Sub-folders searched for submissions or project modules (never links out of the tree)."""
    return sorted(
        d for d in folder.iterdir() if d.is_dir() and not d.is_symlink() and d.name not in SKIP_DIRS and _visible(d)
    )


def source_of(path: Path) -> str:
    """The code of a ``.py`` file, or of a notebook's code cells ("" when unreadable)."""
    text = untrusted.read_text(path)
    if text is None:
        return ""
    if path.suffix != ".ipynb":
        return text
    nb = untrusted.read_json(text)
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    if not isinstance(cells, list):
        return ""
    lines = []
    for c in cells:
        if isinstance(c, dict) and c.get("cell_type") == "code":
            src = c.get("source", "")  # a damaged file's list may hold numbers: read as no code, never an error here
            lines.append("".join(x for x in src if isinstance(x, str)) if isinstance(src, list) else str(src))
    return "\n".join(lines)


#: A file run into the namespace rather than imported: a notebook's ``%run layers.py`` (or its export,
#: ``get_ipython().run_line_magic('run', 'layers.py')``) and ``exec(open("layers.py").read())``.
_RUN_FILE = re.compile(
    r"""(?:^[ \t]*%run[ \t]+(?:-i[ \t]+)?|run_line_magic\(\s*['"]run['"]\s*,\s*['"](?:-i\s+)?|exec\(\s*open\(\s*['"])"""
    r"""(?:\./)?([A-Za-z_]\w*)\.py\b""",
    re.MULTILINE,
)


def imported_names(path: Path) -> set[str]:
    """First components of the modules a file imports (``from lib.combo import X`` -> ``lib``; relative: ``.``),
    and the files it runs into its namespace (``%run layers.py``: ``layers``)."""
    text = source_of(path)
    return _imports(text) | set(_RUN_FILE.findall(text))


def imported_siblings(path: Path, limit: int = 50) -> list[Path]:
    """The modules beside a file that it imports, and those they import in turn: ``TwoLayerNN.py`` saying
    ``from nn_utils import relu`` needs ``nn_utils.py`` (or the package folder ``nn_utils/``) in its sandbox.

    A file found in a class folder never has any (a folder whose files import each other is one project,
    see :func:`is_project`); a file an instructor names alone in a student's project folder does. Links are
    left out (the copy never follows them); at most ``limit`` entries.
    """
    folder = path.parent
    try:
        entries = {e.name: e for e in folder.iterdir() if not e.is_symlink() and _visible(e)}
    except OSError:
        return []
    found: dict[str, Path] = {}
    todo = [path]
    while todo and len(found) < limit:
        for name in sorted(imported_names(todo.pop())):
            mod = entries.get(f"{name}.py")
            pkg = entries.get(name)
            hit = mod if mod is not None and mod.is_file() else pkg if pkg is not None and pkg.is_dir() else None
            if hit is None or hit == path or hit.name in found or name in SKIP_DIRS:
                continue
            found[hit.name] = hit
            if hit.is_file():
                todo.append(hit)
    return sorted(found.values())[:limit]


def run_files(files: list[Path]) -> list[str]:
    """The files of ``files`` another of them runs into its namespace (``%run layers.py``), by file name."""
    stems = {f.stem: f.name for f in files}
    return sorted({stems[n] for f in files for n in _RUN_FILE.findall(source_of(f)) if n in stems and n != f.stem})


def _imports(text: str) -> set[str]:
    tree = untrusted.parse(text)
    if tree is None:
        return _imports_by_line(text)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add("." if node.level else (node.module or "").split(".")[0])
    return names


def _imports_by_line(text: str) -> set[str]:
    """Imports of a file that does not parse as a whole (magics, Python 2): line by line."""
    names: set[str] = set()
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("import "):
            names |= {p.strip().split(" ")[0].split(".")[0] for p in stripped[7:].split(",")}
        elif stripped.startswith("from ") and " import " in stripped:
            mod = stripped[5:].split(" import ")[0].strip()
            names.add("." if mod.startswith(".") else mod.split(".")[0])
    return names


def local_modules(folder: Path) -> set[str]:
    """Names the folder's code can import from itself: its ``.py`` stems and its sub-folders."""
    stems = {f.stem for f in code_files(folder) if f.suffix == ".py"}
    return stems | {d.name for d in subfolders(folder) if _holds_python(d)}


def _holds_python(folder: Path) -> bool:
    return any(f.suffix == ".py" for f in untrusted.files(folder))


def nested_modules(folder: Path, limit: int = 200) -> set[str]:
    """Stems of ``.py`` files that exactly one sub-folder of ``folder`` holds (what the loader finds by bare name
    after a ``sys.path.append("src")``, see ``loader._SubmissionFinder``); the first ``limit`` files only."""
    holders: dict[str, set[Path]] = {}
    found = sorted(f for f in itertools.islice(untrusted.files(folder), 50 * limit) if f.suffix == ".py")
    for f in found[:limit]:  # (a bounded walk: a student's folders may nest a thousand deep)
        rel = f.relative_to(folder).parts
        if len(rel) > 1 and not any(p in SKIP_DIRS or p.startswith(".") for p in rel[:-1]):
            holders.setdefault(f.stem, set()).add(f.parent)
    return {stem for stem, where in holders.items() if len(where) == 1}


def is_project(folder: Path) -> bool:
    """One student's project: a package, code files that import each other (or use each other's functions
    without importing them), or one network file and its loaders."""
    files = code_files(folder)
    if any(f.name == "__init__.py" for f in files):
        return True
    local = local_modules(folder)
    if any(imported_names(f) & (local - {f.stem}) or "." in imported_names(f) for f in files):
        return True
    nested = nested_modules(folder) if files else set()
    if any(imported_names(f) & nested for f in files):  # ``sys.path.append("src")`` then ``import network``
        return True
    files = [f for f in files if f.name not in SKIP_FILES]
    return helperfiles.one_network_with_helpers(files, source_of) or cellfiles.saved_apart(files, source_of)


def _root_imports(folder: Path, limit: int = 200) -> bool:
    """Whether code in ``folder``'s sub-folders imports through ``folder`` itself.

    ``src/net.py`` saying ``from src.layers.dense import Dense`` (a dotted path from
    the folder), or ``examples/xor.py`` importing its sibling ``src``: the code runs
    with ``folder`` on the path, so ``folder`` is one project, not a class export.
    A student's file importing its own folder's modules does not count (a class
    export of ``alice/``, ``bob/`` whose files import each other).
    """
    tops = {d.name for d in subfolders(folder) if _holds_python(d)}
    seen = 0
    for d in subfolders(folder):
        for f in sorted(untrusted.files(d)):
            if f.suffix not in SUFFIXES or set(f.relative_to(folder).parts) & SKIP_DIRS:
                continue
            seen += 1
            if seen > limit:
                return False
            for name in _dotted_imports(f):
                head = name.split(".")[0]
                if head in tops and (head != d.name or "." in name):
                    return True
    return False


def _dotted_imports(path: Path) -> set[str]:
    """Absolute module paths a file imports (``from src.layers import X`` -> ``src.layers``)."""
    tree = untrusted.parse(source_of(path))
    if tree is None:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    return names


def _search(folder: Path, depth: int = 0) -> list[Path]:
    if depth > 12:
        return []
    if depth == 1 and studentfolders.beyond_a_project(folder):  # a student's folder no project could be
        return [folder]  # one submission, which the intake refuses by name
    if is_project(folder) or (not code_files(folder) and _root_imports(folder)):
        return [folder]
    found = [f for f in code_files(folder) if f.name not in SKIP_FILES]
    if depth == 0:
        found += _unreadable_entries(folder)
    for d in subfolders(folder):
        found += _search(d, depth + 1)
    return found


def _unreadable_entries(folder: Path) -> list[Path]:
    """Entries of a class folder that are links to folders or special files named like code: each is listed
    as a submission, so that the intake refuses it by name (unread) instead of it being passed over."""
    out = []
    for e in sorted(folder.iterdir()):
        if e.is_symlink() and e.is_dir() and _visible(e):
            out.append(e)
        elif e.suffix in SUFFIXES and _visible(e) and _special(e):
            out.append(e)
    return out


def _special(path: Path) -> bool:
    """A FIFO, socket or device (never opened: opening a FIFO blocks)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode))


def discover(paths: list[Path]) -> list[Path]:
    """Submissions: files given, project folders, and the files and projects found in other folders.

    Raises
    ------
    FileNotFoundError
        Naming a path that does not exist.
    """
    found: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            raise FileNotFoundError(f"{p} does not exist")
        if p.name in ("", ".."):  # "." or "..": named by the folder it stands for (reports, result files, the copy)
            p = Path(os.path.abspath(p))
        found += [p] if p.is_file() else _search(p)
    return list(dict.fromkeys(found))


def result_names(paths: list[Path]) -> dict[Path, str]:
    """A unique name per submission: its file name, or, when names collide, its path relative to
    the folder all of them are in.

    A flat folder keeps bare file names (``inplace_correct.py``); a class export keeps
    every student apart (``alice/mlp.py``, ``carol/hw4/mlp.py``).
    """
    if not paths:
        return {}
    if len({Path(p).name for p in paths}) == len(paths):
        return {p: Path(p).name for p in paths}
    # where each path is, as given: a submission that is a link to a classmate's file is named by its own
    # place, never by its target's (it would overwrite the classmate's result file)
    resolved = {p: Path(os.path.abspath(p)) for p in paths}
    parents = [str(r.parent) for r in resolved.values()]
    root = Path(os.path.commonpath(parents)) if len(set(parents)) > 1 else Path(parents[0])
    return {p: r.relative_to(root).as_posix() for p, r in resolved.items()}


def content_digest(path: Path) -> hashlib._Hash:
    """A hash of a file's bytes, or of every file of a folder (relative names and bytes, sorted)."""
    h = hashlib.sha256()
    path = Path(path)
    if path.is_file():
        h.update(path.read_bytes())
        return h
    said = studentfolders.beyond_a_project(path)
    if said:  # refused unread by the intake: its digest is what makes it refused, never its files' bytes
        h.update(os.fsencode(str(path)) + "\n".join(said).encode())
        return h
    for f in sorted(q for q in untrusted.files(path) if "__pycache__" not in q.parts):
        h.update(os.fsencode(f.relative_to(path)))
        h.update(f.read_bytes())
    return h
