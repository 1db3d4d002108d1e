"""gradcheck: does this hand-written gradient match its loss, and if not, what is the bug?

Public API
----------
check_gradients
    Judge a claimed gradient entry by entry against numerical derivatives;
    a failing report names the bug in ``report.diagnoses``.
diagnose, Context
    Name the bug of a failing report (``Context``: the reference network and
    batch behind a loss, for fingerprint diagnosis).
assert_gradients_close
    The same as an assertion, for pytest, unittest and notebook graders.
GradientReport, TensorResult, EntryEvidence, Diagnosis
    Frozen result objects with ``to_dict()``.

Attributes are imported on first use, so ``import gradcheck`` (and the pytest
plugin) stays cheap for sessions that never check a gradient.
"""

from importlib import import_module

__all__ = [
    "check_gradients",
    "diagnose",
    "Context",
    "assert_gradients_close",
    "GradientReport",
    "TensorResult",
    "EntryEvidence",
    "Diagnosis",
    "GradientShapeError",
    "UserFunctionError",
]
__version__ = "0.1.0"

_WHERE = {
    "check_gradients": "gradcheck.check",
    "diagnose": "gradcheck.diagnose",
    "Context": "gradcheck.diagnose",
    "assert_gradients_close": "gradcheck.testing",
    "GradientReport": "gradcheck.result",
    "TensorResult": "gradcheck.result",
    "EntryEvidence": "gradcheck.result",
    "Diagnosis": "gradcheck.result",
    "GradientShapeError": "gradcheck.problem",
    "UserFunctionError": "gradcheck.problem",
}


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gradcheck' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
