"""A project folder whose network is a plain training script beside helper modules.

``main.py`` trains ``W1, b1, ...`` at module level (``W1 -= lr * dW1``) and imports its
activations and loss from ``utils.py``. Nothing in the folder is a model class or a
backward function, so the folder's helper functions would be taken for the network
(``mean_squared_error`` "returned no gradients"). When exactly one of the folder's
files is such a script, it is audited in script mode (:mod:`gradcheck.audit.tracer`)
with the folder importable, as ``python main.py`` run there would have it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gradcheck.audit.loader import AuditError
from gradcheck.audit.projects import project_files
from gradcheck.audit.scriptprep import has_model_code, prepare


def training_script(folder: Path, spec: dict, notes: list[str]) -> tuple[Path, dict] | None:
    """(the script, ``spec`` with its weights and gradients) when the folder's network is one training script.

    None when the spec names an entry or gradients, when no file or more than one is a
    training script, or when another file defines a model class or a backward function.
    """
    from gradcheck.audit.adapters import script_spec

    if spec.get("grads") or spec.get("entry") or spec.get("backward") or not Path(folder).is_dir():
        return None
    folder = Path(folder).resolve()
    scripts, model_code = [], False
    for f in project_files(folder):
        if f.suffix != ".py":
            continue
        found = script_spec(f, spec, [])
        if found is not spec:
            scripts.append((f, found))
            continue
        try:
            model_code = model_code or has_model_code(prepare(f, []).stmts)
        except AuditError:
            continue
    if len(scripts) != 1 or model_code:
        return None
    path, found = scripts[0]
    script_spec(path, spec, notes)  # its note: the weights and gradients read off the updates
    notes.append(
        f"a project folder whose network is the training script {path.relative_to(folder)} "
        "(no model class or backward function in the folder): audited as that script, the folder importable"
    )
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return path, found
