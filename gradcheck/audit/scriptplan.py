"""Is a submission audited as a script? Decided from its source and the spec alone (nothing runs).

The worker takes these steps before it runs anything (:mod:`gradcheck.audit.worker`). The
grader takes them again on its own copy of the source: a worker's answer saying "a script"
(checked by running the whole script again at the grader's weights, not by probing a backward
in the same run) is believed only when the
source is one, since code that shares the worker's process can rewrite its answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["MODES", "auto_spec", "is_script", "prepared", "wants_script"]

#: The spec's modes; another is read as ``auto``.
MODES = ("auto", "script", "function", "class")


def auto_spec(sub: Path, spec: dict, notes: list[str]) -> tuple[Path, dict]:
    """Mode ``auto``: a plain training script's weights and gradients read off its updates, or a
    project folder's one training script beside its helper modules (that file and its spec)."""
    from gradcheck.audit import adapters, folderscript

    spec = adapters.script_spec(sub, spec, notes)
    in_folder = folderscript.training_script(sub, spec, notes)
    if in_folder is None and Path(sub).is_dir() and _grads_alone(spec):
        in_folder = _named_script(sub, spec, notes)
    return in_folder if in_folder is not None else (sub, spec)


def _grads_alone(spec: dict) -> bool:
    """``[network] grads`` given with no entry or backward to call."""
    return bool(spec.get("grads") and not spec.get("entry") and not spec.get("backward"))


def _named_script(folder: Path, spec: dict, notes: list[str]) -> tuple[Path, dict] | None:
    """(the folder's one training script, ``spec`` as given) when ``[network] grads`` alone names its variables:
    the folder is audited as that script, as a lone file with those gradients would be. None when the folder has
    no such script (a model class or backward function, or several scripts): its grads name the model's arrays."""
    from gradcheck.audit import folderscript

    bare = {k: v for k, v in spec.items() if k not in ("grads", "params")}
    found = folderscript.training_script(folder, bare, [])
    if found is None:
        return None
    notes.append(
        f"[network] grads name variables of {found[0].relative_to(Path(folder).resolve())}, the folder's one "
        "training script: audited as that script, the folder importable"
    )
    return found[0], spec


def wants_script(mode: str, spec: dict, sub: Path | None = None) -> bool:
    """Script mode asked for, or gradients named as variables of a file (``sub``) with no entry or backward to
    call. A folder's gradients so named are its model's arrays (``layers[0].weights_grad``), read by the adapters;
    a folder made of one training script was replaced by that script's file already (:func:`auto_spec`)."""
    return mode == "script" or bool(mode == "auto" and _grads_alone(spec) and (sub is None or Path(sub).is_file()))


def prepared(sub: Path, spec: dict, notes: list[str]) -> Any:
    """The script's parsed run (:func:`gradcheck.audit.tracer.prepare`), its update helpers and its
    training function's body written out as the spec says."""
    from gradcheck.audit import tracer
    from gradcheck.audit.loader import AuditError

    if Path(sub).is_dir():
        raise AuditError(
            f'[entry] mode = "script" runs one file, and {Path(sub).name} is a folder: audit its training script\'s '
            "file itself (the folder stays importable), or remove [entry] mode",
            where="loading",
            type_="ScriptIsFolder",
        )
    sr = tracer.prepare(sub, notes)
    if spec.get("update_helpers"):  # (w, b) = backward(x, d, w, b): written out as its updates
        from gradcheck.audit.helperupdates import inline_update_helpers

        sr.stmts = inline_update_helpers(sr.stmts)[0]
    if spec.get("inline_function"):  # def main(): a training script inside a function (mainbody)
        from gradcheck.audit import mainbody
        from gradcheck.audit.adapters.shapes.script import infer_spec

        sr.stmts = mainbody.inline_entry(sr.stmts, infer_spec)[0]
    return sr


def is_script(path: Path, spec: dict) -> bool:
    """Would the worker audit ``path`` (a file, or a project folder) as a script under the worker's ``spec``?"""
    from gradcheck.audit import tracer

    mode = spec.get("mode", "auto")
    mode = mode if mode in MODES else "auto"
    if mode == "auto":
        path, spec = auto_spec(path, spec, [])
    if not wants_script(mode, spec, path):
        return False
    return mode == "script" or tracer.looks_like_script(prepared(path, spec, []), spec)
