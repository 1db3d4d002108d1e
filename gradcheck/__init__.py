"""gradcheck: does this hand-written gradient match its loss, and if not, what is the bug?

Public API
----------
check_gradients
    Judge a claimed gradient entry by entry against numerical derivatives.
GradientReport, TensorResult, EntryEvidence, Diagnosis
    Frozen result objects with ``to_dict()``.
"""

from gradcheck.check import check_gradients
from gradcheck.problem import GradientShapeError, UserFunctionError
from gradcheck.result import Diagnosis, EntryEvidence, GradientReport, TensorResult

__all__ = [
    "check_gradients",
    "GradientReport",
    "TensorResult",
    "EntryEvidence",
    "Diagnosis",
    "GradientShapeError",
    "UserFunctionError",
]
__version__ = "0.1.0"
