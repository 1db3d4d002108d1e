"""Load a submission in the sandbox: a file (:mod:`.loader`) or a project folder (:mod:`.projects`)."""

from __future__ import annotations

import os
from pathlib import Path

from gradcheck.audit.loader import LoadedSubmission, load_submission
from gradcheck.audit.projects import load_folder


def load(path: str | os.PathLike, run_toplevel: bool = False) -> LoadedSubmission:
    """A ``.py`` file, a notebook, or a folder holding one student's project."""
    if Path(path).is_dir():
        return load_folder(Path(path), run_toplevel)
    return load_submission(path, run_toplevel=run_toplevel)
