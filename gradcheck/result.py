"""Result objects: frozen dataclasses with ``to_dict()``, never bare floats.

Status values (shared by every checked entity, see DESIGN.md):

``pass``
    analytic and numeric gradients agree within tolerance.
``fail``
    at least one entry disagrees beyond tolerance and the numeric side is
    trustworthy there (its estimators agree with each other).
``kink``
    the loss is not differentiable at the point along some entry (one-sided
    slopes differ) and the analytic value lies between them: a valid
    subgradient.
``inconclusive``
    the numeric estimators disagree with each other beyond their error
    estimates, so no verdict on the analytic value can be given there.
``error``
    the check could not run (bad input, the user's function raised).
``timeout``
    the check ran out of time (audits only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradcheck.naming import format_index

__all__ = [
    "STATUSES",
    "worst_status",
    "format_index",
    "EntryEvidence",
    "TensorResult",
    "Diagnosis",
    "GradientReport",
    "CaseResult",
    "RunReport",
]

STATUSES = ("pass", "fail", "kink", "inconclusive", "error", "timeout")
# Severity order used to aggregate statuses: the worst one wins.
_SEVERITY = {"pass": 0, "kink": 1, "inconclusive": 2, "fail": 3, "timeout": 4, "error": 5}


def worst_status(statuses) -> str:
    """Aggregate statuses: the most severe one wins (``pass`` for none).

    Examples
    --------
    >>> worst_status(["pass", "kink", "pass"])
    'kink'
    >>> worst_status([])
    'pass'
    """
    return max(statuses, key=_SEVERITY.__getitem__, default="pass")


def _num(x: float | None) -> float | None:
    return None if x is None else float(x)


@dataclass(frozen=True)
class EntryEvidence:
    """The evidence for one checked entry.

    Attributes
    ----------
    index : tuple of int
        Position of the entry in its tensor.
    analytic, numeric : float
        The claimed gradient and the numerical estimate.
    numeric_error : float
        Estimated absolute error of ``numeric`` (rounding + truncation).
    abs_error, rel_error : float
        ``|analytic - numeric|`` and the same divided by the entry's scale
        (see :func:`gradcheck.compare.entry_scale`).
    tolerance : float
        The absolute tolerance the entry was judged against.
    status : str
        ``pass``, ``fail``, ``kink`` or ``inconclusive``.
    left, right : float or None
        One-sided slopes where they were measured (kink analysis).
    estimator : str
        Which estimator produced ``numeric``.
    """

    index: tuple[int, ...]
    analytic: float
    numeric: float
    numeric_error: float
    abs_error: float
    rel_error: float
    tolerance: float
    status: str
    left: float | None = None
    right: float | None = None
    estimator: str = "central"

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "index": list(self.index),
            "analytic": float(self.analytic),
            "numeric": float(self.numeric),
            "numeric_error": float(self.numeric_error),
            "abs_error": float(self.abs_error),
            "rel_error": float(self.rel_error),
            "tolerance": float(self.tolerance),
            "status": self.status,
            "left": _num(self.left),
            "right": _num(self.right),
            "estimator": self.estimator,
        }


@dataclass(frozen=True)
class TensorResult:
    """Verdict for one named tensor.

    Attributes
    ----------
    name, shape : str, tuple
        The parameter's name and shape.
    status : str
        Aggregate status of the checked entries (see module docstring).
    max_abs_error, max_rel_error : float
        Largest absolute and scale-relative errors over the checked entries.
    worst_index : tuple of int
        Entry with the largest scale-relative error.
    analytic, numeric : float
        Values at ``worst_index``.
    checked, size : int
        Entries checked and entries in the tensor.
    counts : dict
        Number of checked entries per status.
    evaluations : int
        Loss evaluations spent on this tensor.
    worst : tuple of EntryEvidence
        The worst entries (largest relative error first), failing ones first.
    directional : dict or None
        In ``directional`` mode, the screen that judged the tensor: the
        combined screen of every tensor when that passed, else the tensor's
        own (analytic and numeric directional derivatives, error, tolerance,
        ok, and ``tensors``: the names the screen covered).
    """

    name: str
    shape: tuple[int, ...]
    status: str
    max_abs_error: float
    max_rel_error: float
    worst_index: tuple[int, ...]
    analytic: float
    numeric: float
    checked: int
    size: int
    counts: Mapping[str, int]
    evaluations: int
    worst: tuple[EntryEvidence, ...] = ()
    directional: Mapping[str, Any] | None = None

    @property
    def location(self) -> str:
        """The worst entry as ``W1[3, 7]``."""
        return format_index(self.name, self.worst_index)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (keys per DESIGN.md, extra keys added)."""
        return {
            "name": self.name,
            "shape": list(self.shape),
            "status": self.status,
            "max_abs_error": float(self.max_abs_error),
            "max_rel_error": float(self.max_rel_error),
            "worst_index": list(self.worst_index),
            "analytic": float(self.analytic),
            "numeric": float(self.numeric),
            "checked": int(self.checked),
            "size": int(self.size),
            "counts": dict(self.counts),
            "evaluations": int(self.evaluations),
            "worst": [e.to_dict() for e in self.worst],
            "directional": dict(self.directional) if self.directional else None,
        }


@dataclass(frozen=True)
class Diagnosis:
    """A named bug: what is wrong, where, and how sure we are.

    Attributes
    ----------
    code : str
        One of the fixed vocabulary in :data:`gradcheck.diagnose.CODES`.
    tensor : str or None
        The tensor (or comma-separated tensors) concerned; None for all.
    message : str
        A sentence a student understands, with the fix.
    confidence : float
        In [0, 1]; diagnoses are ranked by it, best first.
    evidence : dict
        Numbers supporting it (ratios, residuals, matched mutant).
    """

    code: str
    tensor: str | None
    message: str
    confidence: float
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "code": self.code,
            "tensor": self.tensor,
            "message": self.message,
            "confidence": round(float(self.confidence), 4),
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True)
class GradientReport:
    """Everything :func:`gradcheck.check_gradients` found.

    Attributes
    ----------
    status : str
        Worst status over the tensors (see module docstring).
    tensors : tuple of TensorResult
        One per parameter, in the order given.
    method : str
        Estimator actually used (after any fallback).
    mode : str
        ``full``, ``sampled`` or ``directional`` (after resolving ``auto``).
    seed : int
        Seed of every random choice; re-run with it to reproduce.
    rtol : float
        Relative tolerance used.
    dtype : str
        Floating dtype of the parameters.
    evaluations : int
        Loss evaluations spent in total.
    elapsed : float
        Wall-clock seconds.
    notes : tuple of str
        Fallbacks and caveats worth telling the user.
    diagnoses : tuple of Diagnosis
        Named bugs, best first; empty when the gradient passes.
    analytic, numeric : dict of ndarray
        Full analytic gradient and numeric estimates (NaN where an entry was
        not checked). Not part of ``to_dict()``.
    """

    status: str
    tensors: tuple[TensorResult, ...]
    method: str
    mode: str
    seed: int
    rtol: float
    dtype: str
    evaluations: int
    elapsed: float
    notes: tuple[str, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    analytic: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    numeric: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        """True when every checked entry passed or is a valid subgradient."""
        return self.status in ("pass", "kink")

    @property
    def failures(self) -> list[tuple[str, EntryEvidence]]:
        """``(tensor name, evidence)`` for every failing entry recorded."""
        return [(t.name, e) for t in self.tensors for e in t.worst if e.status == "fail"]

    def tensor(self, name: str) -> TensorResult:
        """The result for tensor ``name`` (KeyError naming it otherwise)."""
        for t in self.tensors:
            if t.name == name:
                return t
        raise KeyError(f"no tensor named {name!r}; tensors: {', '.join(t.name for t in self.tensors)}")

    def summary(self) -> str:
        """A few lines a person reads at a glance (rendered by :mod:`gradcheck.report.text`).

        The text renderer imports nothing from this module, so the dependency
        points one way: results -> their text form.
        """
        from gradcheck.report.text import render_report

        return render_report(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (keys per DESIGN.md, extra keys added)."""
        return {
            "status": self.status,
            "method": self.method,
            "mode": self.mode,
            "seed": self.seed,
            "rtol": self.rtol,
            "dtype": self.dtype,
            "evaluations": self.evaluations,
            "elapsed": round(self.elapsed, 6),
            "notes": list(self.notes),
            "tensors": [t.to_dict() for t in self.tensors],
            "diagnoses": [d.to_dict() for d in self.diagnoses],
        }


@dataclass(frozen=True)
class CaseResult:
    """One configuration of ``python -m gradcheck run``.

    Attributes
    ----------
    config : str
        Case name (``tanh-bce-d2``, ``preset:...``).
    label : str
        Architecture in words (``3-5-4-2 tanh,tanh|sigmoid bce``).
    n_params : int
        Number of scalar parameters.
    report : GradientReport
        The check's full report.
    """

    config: str
    label: str
    n_params: int
    report: GradientReport

    @property
    def status(self) -> str:
        """The report's status."""
        return self.report.status

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form: ``{config, status, tensors, diagnoses, ...}``."""
        d = self.report.to_dict()
        return {"config": self.config, "label": self.label, "n_params": self.n_params, **d}


@dataclass(frozen=True)
class RunReport:
    """Result of ``python -m gradcheck run``: ``{status, results}``.

    Attributes
    ----------
    status : str
        Worst status over the results.
    results : tuple of CaseResult
        One per configuration, in suite order.
    method, mode : str
        As requested on the command line.
    seed : int
        Seed to reproduce.
    elapsed : float
        Wall-clock seconds for the whole run.
    """

    status: str
    results: tuple[CaseResult, ...]
    method: str
    mode: str
    seed: int
    elapsed: float

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form per DESIGN.md."""
        return {
            "status": self.status,
            "method": self.method,
            "mode": self.mode,
            "seed": self.seed,
            "elapsed": round(self.elapsed, 3),
            "results": [r.to_dict() for r in self.results],
        }
