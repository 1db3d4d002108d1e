"""Code built on an autograd framework, or written for Python 2: what the audit cannot model, said plainly.

The audit checks backpropagation written by hand in numpy. A submission whose network is a
``torch.nn.Module`` (or Keras, TensorFlow, JAX) has no hand-written gradient, and the sandbox does
not install those frameworks: when no model is found and the code failed to import one, the error
says so instead of listing the (empty) classes and functions found. Python 2 code (``print x``)
does not parse under Python 3; its syntax error says which language it is.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

#: Autograd frameworks by the top-level module name a failed import names.
FRAMEWORKS = {"torch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras", "jax": "JAX"}
#: Frameworks a network is built on as tensors (``torch.mm``), not only imported for data.
TENSOR_LIBRARIES = ("PyTorch", "JAX")
_MISSING = re.compile(r"No module named '([A-Za-z_][\w]*)")
#: Syntax error messages only Python 2 code produces.
PYTHON2 = ("Missing parentheses in call to 'print'", "Missing parentheses in call to 'exec'")


def frameworks_missing(notes: list[str]) -> list[str]:
    """The autograd frameworks the loading notes say an import of the code needed and did not find."""
    found = []
    for note in notes:
        m = _MISSING.search(note)
        name = FRAMEWORKS.get(m.group(1).split(".")[0]) if m else None
        if name and name not in found:
            found.append(name)
    return found


def modules_missing(notes: list[str]) -> list[str]:
    """Every top-level module the loading notes say an import of the code needed and did not find."""
    return list(dict.fromkeys(m.group(1).split(".")[0] for n in notes if (m := _MISSING.search(n))))


#: Published libraries a notebook imports for data, plots or images: never where a student's network is defined.
PUBLISHED = frozenset(
    "pandas sklearn scipy matplotlib seaborn cv2 PIL skimage tqdm h5py imageio plotly nnfs tensorflow_datasets "
    "torchvision keras tensorflow torch jax IPython google "
    # what a project serves, stores or logs its network with: web apps, databases, settings, experiment trackers
    "flask django fastapi waitress werkzeug jinja2 sqlalchemy psycopg2 pymysql redis dotenv pytz yaml requests "
    "boto3 streamlit gradio dash bs4 lxml openpyxl xlrd joblib wandb mlflow tensorboard tensorboardX mnist "
    "idx2numpy emnist gdown wget kaggle pygame rich colorama termcolor tabulate statsmodels sympy networkx".split()
)


def own_modules_missing(notes: list[str]) -> list[str]:
    """The missing modules that are not published libraries: the student's own, left out of the submission."""
    return [n for n in modules_missing(notes) if n not in PUBLISHED]


def missing_modules_message(names: list[str]) -> str:
    """Why a file whose network comes from modules it could not import has nothing for the audit to check."""
    shown = ", ".join(names[:4])
    return (
        f"no network was found in the code, and it imports {shown}, which is neither in the submission nor "
        "installed in the audit's sandbox: the network it uses is presumably defined there. If that is the "
        "student's own code, submit the project folder with it"
    )


def framework_message(found: list[str]) -> str:
    """Why a submission built on ``found`` frameworks has nothing for the audit to check."""
    return (
        f"the code is built on {' and '.join(found)}, which the audit's sandbox does not provide: the audit checks "
        "backpropagation written by hand in numpy, and a framework's automatic gradients are not the student's "
        "own; no spec setting changes that"
    )


def python2_hint(msg: str) -> str:
    """A note for a syntax error that only Python 2 code makes ('' for any other)."""
    if any(p in msg for p in PYTHON2):
        return " (Python 2 code: the audit runs Python 3; the submission must be ported, e.g. print(...))"
    return ""


#: An f-string's opening quote (``f"``, ``rf'``, ``F"""``): on a line that does not parse, the likeliest cause is syntax
#: Python 3.12 added inside its braces (PEP 701: the same quotes, backslashes, comments).
_FSTRING = re.compile(r"""(?<![\w'"])(?:[rR][fF]|[fF][rR]?)['"]""")


def newer_python_hint(line: str | None) -> str:
    """A note for a syntax error on a line holding an f-string, when the audit runs a Python older than 3.12 ('' for
    any other): a notebook written under 3.12 (``f'{'\\n'.join(rows)}'``) does not parse here, and the cell or file
    is lost with everything it defines."""
    if sys.version_info >= (3, 12) or not line or not _FSTRING.search(line):
        return ""
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    return (
        f" (an f-string with quotes or a backslash inside its braces? Python 3.12 allows them; the audit runs Python "
        f"{here}, which does not: write the inner part before the f-string, or with the other quotes)"
    )


#: What an error met where numpy meets a framework's tensor says (or where nothing numpy could run was found): the
#: framework is its cause. Any other error (the sizes of data, an argument to bind) is about the numpy code itself.
_TENSOR_SIGNS = re.compile(
    r"torch|tensor|jax|ndarray' object has no attribute|unsupported operand|ParamsNotFound|EntryNotFound|"
    r"GradsNotFound|no weight",
    re.I,
)


def explain(error: str, notes: Sequence[str]) -> str:
    """``error``, led by the framework the code imports and the sandbox lacks, when the notes name one.

    A file that builds its network on ``torch`` tensors fails wherever numpy meets the first
    tensor method (``'numpy.ndarray' object has no attribute 'mm'``), or finds no weights at all;
    either error, blamed on the student's line, would hide the reason. The error met is kept. An error of
    another kind (the data's sizes, an argument to bind) is the numpy code's own, met where a helper
    beside it compares with the framework's gradients: it leads, and the framework follows as a note.
    Keras and TensorFlow are left out: numpy submissions import them for their data sets
    (``keras.datasets.mnist``, ``to_categorical``), and their error is about something else.
    """
    found = [f for f in frameworks_missing(list(notes)) if f in TENSOR_LIBRARIES]
    if not found:
        return _with_data_library(_unimported(error, notes), notes)
    if error.startswith(("the code is built on", "the code imports")):
        return error
    if not _TENSOR_SIGNS.search(error):  # a helper comparing with torch's gradients: the error is the numpy code's
        return (
            f"{_with_data_library(_unimported(error, notes), notes)} (the code also imports {' and '.join(found)}, "
            "which the audit's sandbox does not provide; the code this error comes from runs on numpy without it)"
        )
    return (
        f"the code imports {' and '.join(found)}, which the audit's sandbox does not provide: the audit runs "
        "backpropagation written in numpy, and code computing on that framework's tensors cannot run here; no spec "
        f"setting changes that (the error met without it: {error})"
    )


#: The names data libraries are imported as (``import pandas as pd``), by the module they name.
ALIASES = {"pd": "pandas", "plt": "matplotlib", "sns": "seaborn", "cv2": "cv2", "Image": "PIL", "h5py": "h5py"}
UNDEFINED = re.compile(r"NameError: name '(\w+)' is not defined")


#: Words of an error whose cause is code the audit never ran (a builder function nothing calls), not a missing
#: library: no data library is blamed for it.
NOT_RUN = "which the audit did not run"
#: Libraries a script reads or shapes its data with: missing, the data they make is missing too.
DATA_LIBRARIES = ("pandas", "sklearn", "scipy", "cv2", "PIL", "h5py", "imageio", "skimage")


def _with_data_library(error: str, notes: Sequence[str]) -> str:
    """``error``, followed by the data library the code imports and the sandbox lacks, unless it names it already:
    the data it makes (``y = pd.get_dummies(labels).values``) is missing, and an error met later (a ``BindingError``
    for an argument a skipped cell set) names the consequence, not the cause."""
    missing = [m for m in modules_missing(list(notes)) if m in DATA_LIBRARIES and m not in error]
    if not missing or NOT_RUN in error:
        return error
    shown = " and ".join(missing)
    return (
        f"{error} (the code imports {shown}, which the audit's sandbox does not provide: the statements using it "
        "were skipped, and what they make, the data among it, is missing)"
    )


#: The words before the names a failed ``from module import a, b`` would have bound, in its loading note
#: (:mod:`gradcheck.audit.statements`).
IMPORTS_NAMES = "the names it imports:"
_IMPORTED = re.compile(rf"No module named '([\w.]+)'.*\({re.escape(IMPORTS_NAMES)} ([\w, ]+)\)")


def _imported_from(name: str, notes: Sequence[str]) -> str | None:
    """The missing module a skipped ``from module import name`` would have taken ``name`` from, or None."""
    for note in notes:
        m = _IMPORTED.search(note)
        if m and name in [n.strip() for n in m.group(2).split(",")]:
            return m.group(1)
    return None


def _unimported(error: str, notes: Sequence[str]) -> str:
    """``error``, led by the library it names, when it is a NameError for a module the sandbox lacks.

    A script that reads its data with ``pd.read_csv`` stops on the first line using ``pd``: its
    import was skipped because pandas is not installed. The NameError alone blames the student's line.
    """
    m = UNDEFINED.search(error)
    module = ALIASES.get(m.group(1), m.group(1)) if m else None
    source = _imported_from(m.group(1), notes) if m else None
    if source is not None:
        return (
            f"the code imports {m.group(1)} from {source}, which is neither in the submission nor installed in the "
            f"audit's sandbox, so that import was skipped and the code using {m.group(1)} cannot run here (a "
            f"course's helper module? submit it with the file, as a folder) (the error met: {error})"
        )
    if module is None or module not in modules_missing(list(notes)):
        return error
    return (
        f"the code uses {module} ({m.group(1)}), which the audit's sandbox does not provide, so its import was "
        "skipped and the code using it cannot run here (a script's data read with it among them: a script's "
        f"gradient is checked on its own data); no spec setting changes that (the error met: {error})"
    )
