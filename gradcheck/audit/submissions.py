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

import builtins
import hashlib
import itertools
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from gradcheck.audit import cellfiles, filefacts, helperfiles, studentfolders, untrusted
from gradcheck.audit.filefacts import RUN_FILE as _RUN_FILE  # noqa: F401 (read by tests/test_linear_scans.py)
from gradcheck.audit.filefacts import facts as _facts
from gradcheck.audit.filefacts import refs_by_line as _refs_by_line
from gradcheck.audit.filefacts import refs_in_tree as _refs_in_tree
from gradcheck.audit.filefacts import scan_source, source_of  # noqa: F401 (source_of: read from here by others)

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


def _module_refs(path: Path) -> frozenset[str]:
    """The modules a file imports, by first component, a relative import of this folder as ``.name`` (``from .helpers
    import f``, ``from . import helpers``) and of a folder above as ``..``; and the files it runs (``%run a.py``)."""
    return _facts(path).refs


def imported_names(path: Path) -> set[str]:
    """First components of the modules a file imports (``from lib.combo import X`` -> ``lib``; relative: ``.``),
    and the files it runs into its namespace (``%run layers.py``: ``layers``). A bounded prefix of the file is
    read (:func:`scan_source`)."""
    return {"." if n.startswith(".") else n for n in _module_refs(path)}


def imported_siblings(path: Path, limit: int = 50) -> list[Path]:
    """The modules beside a file that it imports, and those they import in turn: ``TwoLayerNN.py`` saying
    ``from nn_utils import relu`` needs ``nn_utils.py`` (or the package folder ``nn_utils/``) in its sandbox.

    A file an instructor names alone in a student's project folder has them. In a flat class folder the files
    beside one are classmates' (R5-02: ``import bob_bug`` once copied bob's file into the importer's sandbox,
    where its code read it into the report): a module holding a network of its own (a forward and a backward
    defined) goes with the file only when the folder is one project (:func:`is_project`, every file linked).
    Links are left out (the copy never follows them); at most ``limit`` entries.
    """
    folder = path.parent
    try:
        entries = {e.name: e for e in folder.iterdir() if not e.is_symlink() and _visible(e)}
    except OSError:
        return []
    found: dict[str, Path] = {}
    together: bool | None = None
    todo = [path]
    folded = case_matches(n for n, e in entries.items() if n.endswith(".py"))  # ``import layer``: ``Layer.py``
    while todo and len(found) < limit:
        for name in sorted(imported_names(todo.pop())):
            mod = entries.get(f"{name}.py") or entries.get(folded.get(f"{name}.py".lower(), ""))
            pkg = entries.get(name)
            hit = mod if mod is not None and mod.is_file() else pkg if pkg is not None and pkg.is_dir() else None
            if hit is None or hit == path or hit.name in found or name in SKIP_DIRS:
                continue
            if _has_network(hit) if hit.is_dir() else _network_words(_facts(hit).words):
                if together is None:
                    together = is_project(folder)
                if not together:  # another student's network, beside this one in a class folder
                    continue
            found[hit.name] = hit
            if hit.is_file():
                todo.append(hit)
    return sorted(found.values())[:limit]


def case_matches(names: Iterable[str]) -> dict[str, str]:
    """Names by their lower-case spelling, for those no other name shares it (``layer`` -> ``Layer``).

    A project written on a case-insensitive file system (Windows, macOS) imports ``from layer import Layer``
    beside ``Layer.py``, which worked where it was written: such an import links the files as an exact one does
    (the loader resolves it likewise, with a note, :class:`gradcheck.audit.loader._SubmissionFinder`)."""
    by_lower: dict[str, list[str]] = {}
    for n in names:
        by_lower.setdefault(n.lower(), []).append(n)
    return {low: found[0] for low, found in by_lower.items() if len(found) == 1}


def up_to_case(name: str, names: set[str] | frozenset[str], folded: dict[str, str]) -> str | None:
    """``name`` when it is one of ``names``, else the one of them it matches only up to letter case, else None."""
    if name in names:
        return name
    return folded.get(name.lower())


def run_files(files: list[Path]) -> list[str]:
    """The files of ``files`` another of them runs into its namespace (``%run layers.py``), by file name."""
    stems = {f.stem: f.name for f in files}
    return sorted({stems[n] for f in files for n in _RUN_FILE.findall(scan_source(f)) if n in stems and n != f.stem})


def _imports(text: str) -> set[str]:
    tree = untrusted.parse(text)
    names = _refs_in_tree(tree) if tree is not None else _refs_by_line(text)
    return {"." if n.startswith(".") else n for n in names}


def _imports_by_line(text: str) -> set[str]:
    """Imports of a file that does not parse as a whole (magics, Python 2): line by line."""
    return {"." if n.startswith(".") else n for n in _refs_by_line(text)}


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


def is_project(folder: Path, shared: bool = True) -> bool:
    """One student's project: a package, code files that import each other (or use each other's functions
    without importing them), or one network file and its loaders.

    Imports make a folder one project only when they hold ALL its code together: every code file (but the set-up,
    test and data-loading ones) is linked to the others by what it imports or what imports it. One file importing
    a neighbour (``import bob_bug``, even in a block never run) never joins files no import links: in a flat
    class folder, a student's code must not change how the classmates' files are grouped; nor does a file named
    ``__init__.py`` beside files no import links. ``shared=False`` says the folder is known to be one student's
    (a folder inside a student's folder): there any import of its own modules, or a package, is enough.
    """
    files = code_files(folder)
    evidence = any(f.name == "__init__.py" for f in files)
    local = local_modules(folder)
    nested = nested_modules(folder) if files else set()
    stems = {f.stem for f in files if f.suffix == ".py"}
    folded = case_matches(stems)
    for f in files:
        names = imported_names(f)
        cased = {up_to_case(n, stems, folded) for n in names} - {None, f.stem}  # ``import layer``: ``Layer.py``
        if names & (local - {f.stem}) or cased or "." in names or names & nested:
            evidence = True
    if evidence and (not shared or _held_together(folder, files, stems, local | nested)):
        return True
    files = [f for f in files if f.name not in SKIP_FILES]
    helpers = [f for f in files if _facts(f).helper]  # (helperfiles.one_network_with_helpers, on the facts)
    return bool(helpers) and len(files) - len(helpers) == 1 or _saved_apart(files)


def _held_together(folder: Path, files: list[Path], stems: set[str], reachable: set[str]) -> bool:
    """Whether the links between ``files`` (imports, and calls of a function only a sibling defines) join every
    one of them (set-up, test and helper files aside) into one piece; imports of the folder's sub-folders or of
    the package above all meet in one place.

    A file is joined by what it imports itself, or by another file importing it; but a file that imports none of
    its siblings and defines a name another file defines too (``sigmoid``, ``NeuralNetwork``) is joined by no
    one else's import: it is a classmate's file side by side with the importer's (``import alice, bob``), never
    a module of the importer's project (a project defines each name once)."""
    nodes = [f for f in files if f.name not in SKIP_FILES and not _facts(f).helper]
    inits = [f for f in files if f.name == "__init__.py"]  # what the package's ``__init__`` imports joins it
    where = {f: "." if f in inits else f.stem for f in nodes + inits}
    by_stem = {f.stem: f for f in nodes}
    definers: dict[str, set[str]] = {}
    for f in nodes:
        for name in _defs(f):
            definers.setdefault(name, set()).add(f.stem)
    unique = {name: next(iter(who)) for name, who in definers.items() if len(who) == 1}
    # (an entry point each script of a project may have, ``main()``, says nothing of whose file it is)
    doubled = {stem for name, who in definers.items() if len(who) > 1 and name not in _ENTRY_NAMES for stem in who}

    links: dict[str, set[str]] = {here: set() for here in where.values()}
    folded = case_matches(by_stem)
    for f, here in where.items():
        for ref in _module_refs(f):
            target = ref[1:] if ref.startswith(".") and ref != ".." else ref
            if not ref.startswith(".") and target not in stems:  # ``import layer`` beside ``Layer.py``
                target = up_to_case(target, frozenset(by_stem), folded) or target
            if target in by_stem and target != here:
                links[here].add(target)
            elif ref.startswith(".") or target in reachable and target not in stems:
                links[here].add(".")
        # a class or function only one sibling defines, used unimported (``%run`` cells): never a name the file binds
        # itself (imports, definitions) nor a builtin, which a classmate's file defining ``print`` would otherwise
        # join to every file calling it (red team round 6)
        for name in _calls(f) - _facts(f).defined - _BUILTINS:
            if unique.get(name, here) != here:
                links[here].add(unique[name])
        for name in _dotted_imports(f):  # ``from mynet.layers import Dense`` inside the package ``mynet``
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == folder.name and parts[1] in by_stem and parts[1] != here:
                links[here].add(parts[1])

    joined = (  # (not to a classmate's file another file imports)
        (here, hit) for here, targets in links.items() for hit in targets if not (hit in doubled and not links.get(hit))
    )
    group = _groups([*by_stem, "."], joined)
    return len({group[f.stem] for f in nodes}) <= 1


def _groups(names: list[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each of ``names``'s piece once ``pairs`` join them (union-find): names of one piece share a value."""
    parent = {n: n for n in names}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    return {n: root(n) for n in parent}


#: Names of Python's builtins: a call of one is never a call of a sibling's function.
_BUILTINS = frozenset(dir(builtins))
#: Entry points that several scripts of one project define each (``def main():`` in model.py and train.py).
_ENTRY_NAMES = frozenset({"main"})


def _defs(path: Path) -> frozenset[str]:
    """Functions and classes a file defines at its top level."""
    return _facts(path).defs


def _calls(path: Path) -> frozenset[str]:
    """Names a file calls as functions (``Dense()``, ``init_params(dims)``)."""
    return _facts(path).calls


def _saved_apart(files: list[Path]) -> bool:
    """:func:`gradcheck.audit.cellfiles.saved_apart`, read off each file's facts (no parse of its own)."""
    facts = {f: _facts(f) for f in files}
    by_name: dict[str, str] = {}
    for f, x in facts.items():
        if x.parsed:
            for n in x.defined:
                by_name.setdefault(n, f.name)
    using = [
        f for f, x in facts.items() if x.parsed and any(by_name.get(n, f.name) != f.name for n in x.calls - x.defined)
    ]
    seen: set[str] = set()
    for x in facts.values():
        if x.defs & seen:
            return False
        seen |= x.defs
    return len(using) >= cellfiles.FEWEST


def _root_imports(folder: Path, limit: int = 200) -> bool:
    """Whether code in ``folder``'s sub-folders imports through ``folder`` itself, holding them together.

    ``src/net.py`` saying ``from src.layers.dense import Dense`` (a dotted path from
    the folder), or ``examples/xor.py`` importing its sibling ``src``: the code runs
    with ``folder`` on the path, so ``folder`` is one project, not a class export.
    A student's file importing its own folder's modules does not count (a class
    export of ``alice/``, ``bob/`` whose files import each other).

    A class export must stay one submission per student whatever one student's code imports: an import of a
    sibling folder links the two only when that folder reads as a library (a package with ``__init__.py``,
    code that imports through ``folder`` itself, or no network of its own: no forward and backward defined),
    never when it holds a network of its own (a classmate's ``bob/mlp.py``); and every sub-folder holding code
    must be linked to the others.
    """
    tops = [d for d in subfolders(folder) if _holds_python(d)]
    names = {d.name for d in tops}
    through: set[str] = set()  # folders whose own code imports through ``folder``
    edges: list[tuple[str, str]] = []
    seen = 0
    for d in tops:
        for f in sorted(untrusted.files(d)):
            if f.suffix not in SUFFIXES or set(f.relative_to(folder).parts) & SKIP_DIRS:
                continue
            seen += 1
            if seen > limit:
                return False
            for name in _dotted_imports(f):
                head = name.split(".")[0]
                if head not in names:
                    continue
                if head != d.name:
                    edges.append((d.name, head))
                    through.add(d.name)
                elif "." in name:
                    through.add(d.name)
    if not through:
        return False
    library = {
        n for n in names if n in through or (folder / n / "__init__.py").is_file() or not _has_network(folder / n)
    }
    group = _groups(sorted(names), ((a, b) for a, b in edges if b in library))
    return len(set(group.values())) == 1 and (len(names) == 1 or any(b in library for _, b in edges))


def _network_words(words: set[str] | frozenset[str]) -> bool:
    """A forward's and a backward's words both (a folder defining both holds a network of its own)."""
    return bool(words & helperfiles.FORWARD_WORDS and words & helperfiles.BACKWARD_WORDS)


def _has_network(folder: Path, limit: int = 200) -> bool:
    """Whether code under ``folder`` (its first ``limit`` files) defines both a forward and a backward pass."""
    words: set[str] = set()
    for f in sorted(itertools.islice(untrusted.files(folder), 50 * limit))[:limit]:
        if f.suffix in SUFFIXES and not _facts(f).scaffolding:
            words |= _facts(f).words
            if _network_words(words):
                return True
    return False


def _dotted_imports(path: Path) -> set[str]:
    """Absolute module paths a file imports (``from src.layers import X`` -> ``src.layers``)."""
    return set(_facts(path).dotted)


#: Folders below a folder given that are searched; a folder deeper is one submission (never passed over). Each
#: student's folder is measured first (:mod:`gradcheck.audit.studentfolders`, at most ``MAX_DEPTH`` deep), so
#: with a level of sections above the students nothing within the caps is that deep.
SEARCH_DEPTH = untrusted.MAX_DEPTH + 2


def _search(folder: Path, depth: int = 0, student: bool = False) -> list[Path]:
    if depth > SEARCH_DEPTH:
        return [folder]  # one submission, named: the intake refuses it or audits it, never a silence
    if (depth == 1 or student) and studentfolders.beyond_a_project(folder):  # no project could be this folder
        return _beyond(folder, depth)
    if is_project(folder, shared=depth == 0) or (not code_files(folder) and _root_imports(folder)):
        return [folder]
    found = [f for f in code_files(folder) if f.name not in SKIP_FILES]
    if depth == 0:
        found += _unreadable_entries(folder)
    for d in subfolders(folder):
        found += _search(d, depth + 1)
    return found


def _beyond(folder: Path, depth: int) -> list[Path]:
    """A folder past a student's caps: one submission the intake refuses by name, unless it is a level of sections
    above the students (no code of its own, from two to ``MAX_FILES`` sub-folders, directly below the
    folder given): then each sub-folder is a student, measured and refused (or searched) on its own, so that one
    student's bulky folder refuses that student only. A section yields at most ``MAX_FILES`` submissions found
    in its students' folders; past that, each further student is one submission of their whole folder."""
    if depth != 1:
        return [folder]
    try:
        subs = [] if code_files(folder) else subfolders(folder)
    except OSError:  # a folder no one may read: refused by name
        return [folder]
    if len(subs) < 2 or len(subs) > studentfolders.MAX_FILES:  # (a section of one student is that student)
        return [folder]
    found = _unreadable_entries(folder)  # a link or FIFO of the section's own: refused by name, never passed over
    for d in subs:
        here = _search(d, depth + 1, student=True)
        found += here if len(found) + len(here) <= studentfolders.MAX_FILES else [d]
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

    Each file is read (a bounded prefix) and parsed at most once per call.

    Raises
    ------
    FileNotFoundError
        Naming a path that does not exist.
    """
    with filefacts.reading():
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
