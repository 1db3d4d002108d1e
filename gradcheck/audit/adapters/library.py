"""A project's library package: the folder its other files import from (``from common.layers import *``).

A book's or a course's exercise folder ships a shared package (``common/`` with
``MultiLayerNet``) beside the chapter the student wrote (``ch05/two_layer_net.py``, whose
``TwoLayerNet`` imports ``common.layers``). When several model classes fit, those of a
package the submission's own files import from are the library, not the student's model.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any


def library_packages(loaded: Any) -> set[str]:
    """Top-level packages of the project folder that its code imports from (empty for a single file)."""
    folder = getattr(loaded, "folder", None)
    if folder is None:
        return set()
    heads: set[str] = set()
    for s in getattr(loaded, "stmts", None) or []:
        if isinstance(s, ast.ImportFrom) and not s.level and s.module:
            heads.add(s.module.split(".")[0])
        elif isinstance(s, ast.Import):
            heads |= {a.name.split(".")[0] for a in s.names if "." in a.name}
    return {h for h in heads if (Path(folder) / h).is_dir()}


def outside_library(classes: list, loaded: Any, module_of=lambda c: c.__module__) -> list:
    """``classes`` without those defined in a library package, when any remain (else all of them)."""
    heads = library_packages(loaded)
    own = [c for c in classes if str(module_of(c)).split(".")[0] not in heads]
    return own or classes
