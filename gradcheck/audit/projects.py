"""Load a folder submission: one student's project whose modules import each other.

Runs inside the sandboxed audit worker, on the copy of the folder in its work
directory. Every code file of the project is loaded as a module of its own
(``model.py`` as ``model``, ``lib/combo.py`` as ``lib.combo``; notebooks by their
name), definitions only as for a single file, so that ``from layers import
Dense`` resolves to the student's ``layers.py``. Their namespaces are merged
into one, in which the adapters look for the entry point across files.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
import types
from pathlib import Path

from gradcheck.audit import cellfiles, loader, projectnames
from gradcheck.audit.loader import AuditError, LoadedSubmission
from gradcheck.audit.submissions import SKIP_DIRS, SUFFIXES, run_files, source_of

#: ``np.`` used as a name (``np.dot(W, X)``): numpy as the course's notebooks import it.
_NP_USE = re.compile(r"(?<![\w.])np\.")

#: Folders and files of a project that are not the student's model code.
TEST_DIRS = {"test", "tests", "testing"}


def project_files(folder: Path) -> list[Path]:
    """The project's code files, top level first, test suites and caches left out."""
    out = []
    for f in sorted(folder.rglob("*"), key=lambda q: (len(q.relative_to(folder).parts), str(q))):
        rel = f.relative_to(folder).parts
        if f.suffix not in SUFFIXES or not f.is_file() or f.is_symlink():
            continue
        if any(p in SKIP_DIRS or p in TEST_DIRS or p.startswith(".") for p in rel[:-1]):
            continue
        if f.name.startswith(("test_", ".")) or f.stem.endswith("_test") or f.name in ("setup.py", "conftest.py"):
            continue
        if projectnames.is_scaffolding(f.stem):
            continue
        out.append(f)
    return out


def _module_name(folder: Path, f: Path, package: str | None = None) -> str:
    rel = f.relative_to(folder).with_suffix("")
    parts = ([package] if package else []) + list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _loader_factory(run_toplevel: bool, notes: list[str]):
    return lambda path: loader._FilteredLoader(path, run_toplevel, notes)


def _notebook_module(f: Path, name: str, run_toplevel: bool, notes: list[str]) -> tuple[types.ModuleType, list]:
    sub: list[str] = []
    sources, _ = loader.read_notebook(f, sub)
    stmts, _, _ = loader.combine_cells(sources, sub)
    module = types.ModuleType(name)
    module.__file__ = str(f)
    sys.modules[name] = module
    loader.exec_statements(stmts, module.__dict__, str(f), run_toplevel, lambda n: f"{f.name} line {n}", sub)
    notes.extend(loader.within(n, f.name) for n in sub)
    return module, stmts


def _load_one(
    folder: Path, f: Path, run_toplevel: bool, notes: list[str], package: str | None = None
) -> tuple[types.ModuleType | None, list]:
    name = _module_name(folder, f, package)
    renamed = not name or not all(p.isidentifier() for p in name.split("."))
    if renamed and (len(f.relative_to(folder).parts) > 1 or f.stem == "__init__"):
        notes.append(f"{f.relative_to(folder)}: not an importable module name; skipped")
        return None, []
    if renamed:  # nothing imports it by this name: a notebook, or a file named ``4-backward.py``
        name = projectnames.safe_module_name(f.stem)
        notes.append(f"{f.name}: not an importable module name; loaded as {name}")
    try:
        if f.suffix == ".ipynb":
            return _notebook_module(f, name, run_toplevel, notes)
        if renamed:
            module = projectnames.load_renamed(f, name, _loader_factory(run_toplevel, notes))
        elif name == package:
            module = sys.modules[package]
        else:
            module = importlib.import_module(name)
        return module, loader.parse_python(f.read_text(encoding="utf-8-sig", errors="replace"), f)
    except AuditError as exc:
        notes.append(f"{f.relative_to(folder)}: {exc.message}; skipped")
    except Exception as exc:  # noqa: BLE001 - student code: the file is left out, with the reason
        notes.append(loader.LoadFailure.of(str(f.relative_to(folder)), exc, statement=False))
    return None, []


def load_folder(folder: Path, run_toplevel: bool = False) -> LoadedSubmission:
    """Load every code file of a project folder and merge their namespaces.

    Raises
    ------
    AuditError
        The folder holds no code file.
    """
    folder = Path(folder).resolve()
    files = project_files(folder)
    if not files:
        raise AuditError(
            f"submission folder {folder.name} holds no .py or .ipynb file", where="loading", type_="FileNotFoundError"
        )
    listed = ", ".join(str(f.relative_to(folder)) for f in files[:8]) + (", ..." if len(files) > 8 else "")
    notes: list[str] = [f"a project folder: {len(files)} code file(s) loaded ({listed})"]
    text = "\n".join(source_of(f) for f in files)
    notes.extend(loader.install_stand_ins(text))
    merged = types.ModuleType(loader.MODULE_NAME)
    merged.__file__ = str(folder)
    sys.modules[loader.MODULE_NAME] = merged
    sys.path.insert(0, str(folder))
    sys.meta_path.insert(0, loader._SubmissionFinder(folder, run_toplevel, notes))
    loaded = LoadedSubmission(module=merged, path=folder, kind="folder", notes=notes, folder=folder)
    package = _install_package(folder, run_toplevel, notes)
    modules = []
    owner: dict[str, Path] = {}  # the file whose definition of a name the merged namespace holds
    for f in files:
        module, stmts = _load_one(folder, f, run_toplevel, notes, package)
        if module is None:
            continue
        modules.append(module)
        loaded.stmts += stmts
        loaded.class_nodes.update({s.name: s for s in stmts if isinstance(s, ast.ClassDef)})
        scaffold = projectnames.scaffold_names(module)
        shadowed = []
        for k, v in vars(module).items():
            if not k.startswith("__") and k not in scaffold:
                merged.__dict__.setdefault(k, v)
                if _defined_in(v, module):
                    if k in owner and merged.__dict__[k] is not v:
                        shadowed.append(k)
                    owner.setdefault(k, f)
        if shadowed:
            notes.append(_shadow_note(folder, f, shadowed, owner))
    _share_cells(files, modules, merged, notes)
    return loaded


def _defined_in(value, module: types.ModuleType) -> bool:
    """A function or class the module's own code defines (not one it imported)."""
    return isinstance(value, (types.FunctionType, type)) and getattr(value, "__module__", None) == module.__name__


def _shadow_note(folder: Path, f: Path, names: list[str], owner: dict[str, Path]) -> str:
    """Two files of the project define the same names (``OneLayerNN.py`` and ``TwoLayerNN.py`` each a
    ``forward`` and a ``backward``): the first file's are audited; the other can be audited alone."""
    first = sorted({str(owner[n].relative_to(folder)) for n in names})
    return (
        f"{f.relative_to(folder)} defines {', '.join(sorted(names)[:6])} as {' and '.join(first)} does: only "
        f"{' and '.join(first)}'s were audited; to audit {f.name}, name it alone (python -m gradcheck audit "
        f"{folder.name}/{f.relative_to(folder)}): the modules beside it that it imports go with it"
    )


def _share_cells(files: list[Path], modules: list[types.ModuleType], merged: types.ModuleType, notes: list[str]):
    """Files that are a notebook's cells saved apart see each other's names, as the cells did (:mod:`.cellfiles`);
    so do files a notebook or script runs into one namespace (``%run layers.py``)."""
    ran = run_files(files)
    if ran:
        notes.append(f"{', '.join(ran)} run into one namespace (%run or exec): the files see each other's names")
    elif cellfiles.saved_apart(files, source_of):
        notes.append(cellfiles.note(cellfiles.sibling_uses(files, source_of)))
    else:
        return
    if "np" not in vars(merged) and any(_NP_USE.search(source_of(f)) for f in files):
        # a course notebook's first cell imports numpy as np (so do the course's own helper files), and the
        # cells saved apart use it unimported
        import numpy

        merged.__dict__["np"] = numpy
        notes.append("the files use np without importing it, as a notebook's first cell imports it: numpy given as np")
    for module in modules:
        for k, v in vars(merged).items():
            if not k.startswith("__"):
                module.__dict__.setdefault(k, v)


def _install_package(folder: Path, run_toplevel: bool, notes: list[str]) -> str | None:
    """The folder's package name once it is registered, when the folder is itself a package."""
    package = projectnames.package_of(folder)
    if package is None:
        return None
    sys.path.insert(0, str(folder.parent))
    try:
        projectnames.install_package(folder, package, _loader_factory(run_toplevel, notes))
    except Exception as exc:  # noqa: BLE001 - student code: loaded as plain modules instead, with the reason
        notes.append(loader.LoadFailure.of("__init__.py", exc, statement=False, during="loading the package"))
        sys.modules.pop(package, None)
        return None
    notes.append(f"the folder is a package: its files were loaded as {package}.<name>, so relative imports resolve")
    return package
