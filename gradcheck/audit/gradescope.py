"""A Gradescope autograder for a backprop assignment: ``setup.sh`` and ``run_autograder``.

``python -m gradcheck audit --gradescope-template DIR [--spec spec.toml]`` writes

* ``setup.sh``: run once by Gradescope when it builds the autograder image;
  installs gradcheck from what the autograder zip ships in ``/autograder/source``:
  a wheel ``gradcheck-*.whl`` if there is one, else the gradcheck source tree
  (``pyproject.toml``, ``gradcheck/``, ``reference_nets/``) via
  ``pip3 install /autograder/source``. numpy and scipy come from PyPI.
* ``run_autograder``: run per submission; audits ``/autograder/submission``
  with ``--format gradescope`` and writes ``/autograder/results/results.json``.
  It **always** writes a valid ``results.json``: if gradcheck crashes or
  prints something that is not a results file, a fallback with score 0 and the
  tail of gradcheck's stderr is written instead.
* ``spec.toml``: a copy of the spec (and of its ``[data] file``), when given.

Zip ``DIR``'s files (plus the wheel or the source) at the top level of the
archive and upload it as the assignment's autograder. gradcheck needs Python
3.11 or newer: choose a base image that has it (Ubuntu 24.04 ships 3.12).

``run_autograder`` honours ``AUTOGRADER_ROOT`` (default ``/autograder``, for
trying it locally), ``PYTHON`` (default ``python3``) and ``SUBMISSION`` (a file
name, e.g. ``mlp.py``: audit only that file of the upload instead of every
``.py``/``.ipynb`` in it).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from gradcheck.audit import untrusted

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope autograder setup, written by `python -m gradcheck audit --gradescope-template`.
# Gradescope runs this once, as root, when it builds the autograder image.
#
# It installs gradcheck from the autograder zip (unpacked in /autograder/source). Ship either
#   - a wheel: `python -m pip wheel --no-deps -w dist /path/to/gradcheck` and put
#     dist/gradcheck-*.whl at the top level of the zip, or
#   - the source: put gradcheck's pyproject.toml, gradcheck/ and reference_nets/ at the top
#     level of the zip (then this runs `pip3 install /autograder/source`).
# numpy and scipy are installed from PyPI. gradcheck needs Python >= 3.11: pick a base image
# that has it (Ubuntu 24.04 ships Python 3.12).
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"

if ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update
    apt-get install -y python3 python3-pip
fi
python3 - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"gradcheck needs Python >= 3.11; this image has {sys.version.split()[0]}: "
             "choose a newer base image (Ubuntu 24.04 ships 3.12)")
PY

shopt -s nullglob
wheels=("$SOURCE"/gradcheck-*.whl)
if [ "${#wheels[@]}" -gt 0 ]; then
    package="${wheels[-1]}"
elif [ -f "$SOURCE/pyproject.toml" ]; then
    package="$SOURCE"
else
    echo "setup.sh: no gradcheck-*.whl and no pyproject.toml in $SOURCE; put one in the autograder zip" >&2
    exit 1
fi

# Newer images mark the system Python as externally managed (PEP 668); the image is
# disposable, so fall back to --break-system-packages there.
python3 -m pip install "$package" || python3 -m pip install --break-system-packages "$package"
python3 -m gradcheck --help >/dev/null
echo "gradcheck installed from $package"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope autograder, written by `python -m gradcheck audit --gradescope-template`.
# Gradescope runs this once per submission: the student's upload is in $ROOT/submission and
# the grade must be written to $ROOT/results/results.json. A valid results.json is written
# whatever happens: if gradcheck fails, a fallback with score 0 and its error is written.
#
# What students see is results.json: their verdicts, evidence and named bugs, in their own file
# names. What instructors need besides (every note, the grader's paths, the command that
# reproduces the audit) is printed here, on the autograder output, which Gradescope shows to
# instructors only (results.json sets "stdout_visibility": "hidden").
#
# Environment (all optional):
#   AUTOGRADER_ROOT  default /autograder (set it to try the autograder locally)
#   PYTHON           default python3
#   SUBMISSION       the one file to grade, e.g. mlp.py (default: the spec's [entry] file, else
#                    every .py/.ipynb file uploaded, the score being the lowest of them)
#   GRADCHECK_SANDBOX  default container (Gradescope's containers cannot run bubblewrap)
set -u

ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${PYTHON:-python3}"
SUBMISSION="${SUBMISSION:-}"
SPEC="$ROOT/source/spec.toml"
RESULTS="$ROOT/results/results.json"
REPORTS="${GRADCHECK_REPORTS:-$(mktemp -d 2>/dev/null || echo /tmp/gradcheck-reports)}"

mkdir -p "$ROOT/results" "$REPORTS"
target="$ROOT/submission"
if [ -n "$SUBMISSION" ]; then
    target="$ROOT/submission/$SUBMISSION"
fi
# -P: never import from the current directory, so no uploaded file can stand in for gradcheck.
args=(-P -m gradcheck audit "$target" --format gradescope --output "$REPORTS" --jobs 1
      --sandbox "${GRADCHECK_SANDBOX:-container}")
if [ -f "$SPEC" ]; then
    args+=(--spec "$SPEC")
fi

work="$(mktemp -d 2>/dev/null)" || work="/tmp/gradcheck-run-$$"
mkdir -p "$work" && cd "$work" || cd /
out="$work/stdout"
err="$work/stderr"
"$PYTHON" "${args[@]}" >"$out" 2>"$err"
code=$?
echo "== gradcheck (exit code $code), for instructors =="
cat "$err"
latest="$(ls -td "$REPORTS"/audit-* 2>/dev/null | head -n 1)"
if [ -n "$latest" ] && [ -f "$latest/report.txt" ]; then
    cat "$latest/report.txt"
fi

# Exit code 1 only means the submission failed: the results are still good. Accept the
# output whenever it is a results file; otherwise write the fallback.
if "$PYTHON" - "$out" <<'PY' 2>/dev/null
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
ok = isinstance(data, dict) and isinstance(data.get("score"), (int, float)) and isinstance(data.get("tests"), list)
sys.exit(0 if ok else 1)
PY
then
    cp "$out" "$RESULTS"
else
    GRADCHECK_EXIT="$code" "$PYTHON" - "$err" "$RESULTS" "$SPEC" <<'PY' || true
import json, os, sys
try:
    tail = open(sys.argv[1], encoding="utf-8", errors="replace").read()[-3000:].strip()
except OSError:
    tail = ""
points = 1.0
try:  # the spec's [points], so the fallback is out of the same total
    import tomllib
    with open(sys.argv[3], "rb") as fh:
        p = tomllib.load(fh).get("points", {})
    points = float(p.get("gradient", 1.0)) + float(p.get("forward", 0.0))
except Exception:
    pass
# Students get a plain message; the error itself (grader paths and all) is in the autograder
# output above, which only instructors see.
message = ("The autograder could not grade this submission. This is a problem of the autograder, "
           "not of your code: your instructor can see the details.\n")
print(f"gradcheck exit code {os.environ.get('GRADCHECK_EXIT', '?')}; no results file:\n{tail}")
result = {"score": 0.0, "output": message, "visibility": "visible", "stdout_visibility": "hidden",
          "tests": [{"name": "Gradient check", "score": 0.0, "max_score": points, "status": "failed",
                     "output": message, "visibility": "visible"}]}
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    json.dump(result, fh, indent=2)
PY
    # Last resort (Python itself unusable): a fixed, valid results file.
    if ! [ -s "$RESULTS" ]; then
        printf '%s\n' '{"score": 0.0, "output": "The autograder could not run (Python is unavailable). '\
'Please contact your instructor.", "tests": []}' >"$RESULTS"
    fi
fi
cd / && rm -rf "$work"
exit 0
"""


#: At most this many files of one upload are graded (each runs in its own sandbox).
MAX_FILES = 40
#: Folders of an upload that hold no student work.
_NOT_WORK = ("__pycache__", "__MACOSX", ".ipynb_checkpoints", ".git")


@dataclass(frozen=True)
class Upload:
    """What one student uploaded, and which of it is graded.

    Attributes
    ----------
    root : Path
        The upload's folder (``/autograder/submission``).
    judged : tuple of Path
        The files graded, each in its own sandbox with a copy of its folder.
    not_graded : tuple of (str, str)
        Every other uploaded file, by its name in the upload, with the reason.
    entry : str or None
        The file the spec names (``[entry] file``), if any.
    missing : bool
        The spec names a file the upload does not have.
    """

    root: Path
    judged: tuple[Path, ...]
    not_graded: tuple[tuple[str, str], ...] = ()
    entry: str | None = None
    missing: bool = False

    def name(self, path: str | Path) -> str:
        """``path`` as the student knows it: relative to the upload."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).name


def _uploaded(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(  # a bounded walk: an upload's folders nested a thousand deep do not stop the grader
        p for p in untrusted.files(root) if not any(part in _NOT_WORK for part in p.relative_to(root).parts)
    )


def _is_code(path: Path) -> bool:
    from gradcheck.audit.batch import SUFFIXES

    return path.suffix in SUFFIXES and not path.name.startswith(("_", "."))


def _why_not(path: Path) -> str:
    from gradcheck.audit.batch import SUFFIXES

    if path.suffix in SUFFIXES:  # named _x.py or .x.py
        return "a private module or package file (its name starts with _ or .), not graded alone"
    return "not a .py or .ipynb file"


def plan_upload(paths: list[Path], spec=None) -> Upload:
    """Which files of one student's upload are graded: the spec's ``[entry] file``, else every code file.

    Parameters
    ----------
    paths : list of Path
        The upload's folder (or files of it), as given on the command line.
    spec : AuditSpec, optional
        Its ``[entry] file`` names the one file graded (a path inside the upload).

    Raises
    ------
    FileNotFoundError
        Naming a path that does not exist.
    """
    roots = [Path(p) for p in paths]
    for p in roots:
        if not p.exists():
            raise FileNotFoundError(f"{p} does not exist")
    root = (
        roots[0]
        if len(roots) == 1 and roots[0].is_dir()
        else Path(os.path.commonpath([p.parent if p.is_file() else p for p in roots]))
    )
    files = [f for p in roots for f in _uploaded(p)]
    entry = spec.get("entry", "file") if spec is not None else None
    upload = Upload(root, (), entry=entry)
    if entry:
        if Path(entry).is_absolute() or ".." in Path(entry).parts:
            raise ValueError(f'[entry] file must be a path inside the upload, like "mlp.py"; got {entry!r}')
        target = root / entry
        others = tuple((upload.name(f), f"not graded: the assignment grades {entry}") for f in files if f != target)
        if not target.is_file():
            return dataclasses.replace(upload, not_graded=others, missing=True)
        return dataclasses.replace(upload, judged=(target,), not_graded=others)
    code = [f for f in files if _is_code(f)]
    skipped = [(upload.name(f), _why_not(f)) for f in files if not _is_code(f)]
    skipped += [(upload.name(f), f"not graded: at most {MAX_FILES} files of an upload are") for f in code[MAX_FILES:]]
    return dataclasses.replace(upload, judged=tuple(code[:MAX_FILES]), not_graded=tuple(skipped))


def write_template(directory: Path, spec: Path | None = None) -> list[Path]:
    """Write ``setup.sh``, ``run_autograder`` (both executable) and a copy of ``spec``.

    Parameters
    ----------
    directory : Path
        Created if missing; existing files of the same names are overwritten.
    spec : Path, optional
        The assignment's TOML spec; validated, then copied as ``spec.toml``
        (with its ``[data] file``, if it names a relative one).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    gradcheck.audit.spec.SpecError
        If ``spec`` is missing or invalid.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
        target = directory / name
        target.write_text(text, encoding="utf-8", newline="\n")
        target.chmod(0o755)
        written.append(target)
    if spec is not None:
        from gradcheck.audit.spec import SpecError, load_spec

        loaded = load_spec(spec)
        target = directory / "spec.toml"
        if Path(spec).resolve() != target.resolve():
            shutil.copyfile(spec, target)
        written.append(target)
        data = loaded.get("data", "file")
        if data and not Path(data).is_absolute():
            source = Path(spec).parent / data
            if not source.is_file():
                raise SpecError(f"{spec}: [data] file {data!r} not found next to the spec ({source})")
            copy = directory / data
            copy.parent.mkdir(parents=True, exist_ok=True)
            if source.resolve() != copy.resolve():
                shutil.copyfile(source, copy)
            written.append(copy)
    return written
