"""How the files of a project folder are named as modules, and which of them are course scaffolding.

Runs inside the sandboxed audit worker. Three layouts that classes hand in and a plain
``import`` cannot load:

- a notebook or file whose name is no Python identifier (``Building your Deep Neural Network -
  Step by Step v8.ipynb``, ``4-backward_propagation.py``): nothing imports it by that name, so it
  is loaded under a module name made from it (``Building_your_Deep_Neural_Network___Step_by_Step_v8``);
- a course's test scaffolding beside the student's work (``testCases_v3.py``, ``public_tests.py``,
  ``test_utils.py``): importable on demand, as the notebook's ``from testCases_v3 import *`` needs,
  but never the model, and its helpers (``L_model_backward_test_case``) never the entry point;
- a folder that is itself a package (``neural_network/__init__.py`` with ``from . import nn_layer``):
  its files are loaded as the package's submodules, so that relative imports resolve.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import sys
import types
from pathlib import Path

#: Stems of a course's test scaffolding: deeplearning.ai's ``testCases_v2``, ``public_tests``,
#: ``test_utils``; anything ending in ``_tests``. Case-insensitive.
SCAFFOLD_STEM = re.compile(r"^(test_?cases\w*|public_tests?|test_utils?|\w+_tests)$", re.IGNORECASE)


def is_scaffolding(stem: str) -> bool:
    """True when a module stem names a course's test scaffolding, not the student's model code."""
    return bool(SCAFFOLD_STEM.match(stem))


def scaffold_names(module: types.ModuleType) -> set[str]:
    """Names in ``module`` that were star-imported from a scaffolding module (``*_test_case`` helpers)."""
    out = set()
    for key, value in vars(module).items():
        origin = getattr(value, "__module__", None)
        if isinstance(origin, str) and origin != module.__name__ and is_scaffolding(origin.rpartition(".")[2]):
            out.add(key)
    return out


def safe_module_name(stem: str) -> str:
    """A module name for a file whose stem is no identifier: other characters become ``_``."""
    name = re.sub(r"\W", "_", stem)
    return f"_{name}" if not name or name[0].isdigit() else name


#: A relative import at the start of a line: ``from ._base import Base``, ``from . import layers``.
_RELATIVE_IMPORT = re.compile(r"^[ \t]*from[ \t]+\.", re.M)


def package_of(folder: Path) -> str | None:
    """The package name when the project folder is itself a package: it holds ``__init__.py``, or (a namespace
    package, as Python 3 allows) one of its files imports another relatively (``from ._base import Base``)."""
    if not folder.name.isidentifier():
        return None
    if (folder / "__init__.py").is_file():
        return folder.name
    relative = any(
        _RELATIVE_IMPORT.search(f.read_text(encoding="utf-8-sig", errors="replace")) for f in folder.glob("*.py")
    )
    return folder.name if relative else None


def install_package(folder: Path, name: str, loader_factory) -> types.ModuleType:
    """Register ``folder`` as package ``name`` so that its files' relative imports resolve.

    ``loader_factory(path)`` gives the loader that runs ``__init__.py`` with the audit's filtering.
    """
    init = folder / "__init__.py"
    if not init.is_file():  # a namespace package: nothing to run, its files found in the folder
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        return module
    spec = importlib.util.spec_from_file_location(
        name, init, loader=loader_factory(str(init)), submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_renamed(path: Path, name: str, loader_factory) -> types.ModuleType:
    """Load a ``.py`` file whose stem is no identifier under ``name``, and under its stem too.

    The stem is registered in ``sys.modules`` as well, so that ``__import__("4-backward_propagation")``
    (the only way to import such a file) finds it.
    """
    spec = importlib.util.spec_from_file_location(name, path, loader=loader_factory(str(path)))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module
