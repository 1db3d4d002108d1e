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

import shutil
from pathlib import Path

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
# Environment (all optional):
#   AUTOGRADER_ROOT  default /autograder (set it to try the autograder locally)
#   PYTHON           default python3
#   SUBMISSION       the one file to audit, e.g. mlp.py (default: every .py/.ipynb uploaded)
#   GRADCHECK_SANDBOX  default container (Gradescope's containers cannot run bubblewrap)
set -u

ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${PYTHON:-python3}"
SUBMISSION="${SUBMISSION:-}"
SPEC="$ROOT/source/spec.toml"
RESULTS="$ROOT/results/results.json"
REPORTS="${GRADCHECK_REPORTS:-/tmp/gradcheck-reports}"

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
cat "$err" >&2    # shown to instructors in Gradescope's autograder output

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
message = ("The autograder could not grade this submission (gradcheck exit code "
           f"{os.environ.get('GRADCHECK_EXIT', '?')}).\n\n{tail or '(no error output)'}\n")
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
