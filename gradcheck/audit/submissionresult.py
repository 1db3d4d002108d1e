"""The verdict on one submission, as the auditor reports it (``audit`` JSON, see DESIGN.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gradcheck.audit.lossfit import LossChoice
from gradcheck.audit.network import ForwardCheck
from gradcheck.result import Diagnosis, TensorResult

__all__ = ["SubmissionResult"]


#: Who an error verdict's error is of (:attr:`SubmissionResult.error_source`).
ERROR_SOURCES = ("audit", "submission", "worker")


@dataclass(frozen=True)
class SubmissionResult:
    """The verdict on one submission (``audit`` JSON: path, status, tensors, diagnoses, forward, error)."""

    path: str
    status: str
    tensors: tuple[TensorResult, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    forward: ForwardCheck | None = None
    error: str | None = None
    #: Whose the error is: "audit" (the grader found nothing it could run: no entry, no parameters),
    #: "submission" (the code raised), "worker", or None (a timeout, a limit, no answer).
    error_source: str | None = None
    notes: tuple[str, ...] = ()
    shape: str | None = None
    entry: str | None = None
    rules: Mapping[str, str] = field(default_factory=dict)
    loss: str | None = None
    elapsed: float = 0.0
    command: str = ""
    output_tail: str = ""
    isolation: tuple[str, ...] = ()
    network_isolated: bool | None = None
    score: float | None = None
    max_score: float | None = None
    cells: Mapping[str, Any] = field(default_factory=dict)
    trace: Mapping[str, Any] = field(default_factory=dict)
    #: Per failing tensor, where its entries are wrong (see :func:`gradcheck.errormap.error_map`).
    error_maps: Mapping[str, Any] = field(default_factory=dict)
    #: The loss the verdict was reached under (not serialised): a second point is judged under the same one.
    loss_choice: LossChoice | None = field(default=None, compare=False, repr=False)
    #: What the reference networks do not model here, the code's loss or its network (not serialised): the backward
    #: may be checked against the student's own loss (:mod:`gradcheck.audit.ownloss`), whose source is ``own_loss``.
    unmodelled: str = field(default="", compare=False, repr=False)
    own_loss: str | None = field(default=None, compare=False, repr=False)
    #: The spec this audit suggests (TOML text, ``--init-spec``'s): what the instructor would declare to audit it so.
    suggested_spec: str = field(default="", compare=False, repr=False)
    #: The precision the gradient was judged to (not serialised): "float32" for a network computing in float32.
    precision: str = field(default="float64", compare=False, repr=False)

    @property
    def passed(self) -> bool:
        """Gradient and forward both right."""
        return self.status in ("pass", "kink")

    @property
    def failed_on_shapes(self) -> bool:
        """A gradient of the wrong shape: its other tensors are checked to name more bugs, never probed again."""
        return any(d.code == "shape_mismatch" for d in self.diagnoses)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form per DESIGN.md (keys may be added, not renamed)."""
        return {
            "path": self.path,
            "status": self.status,
            "tensors": [t.to_dict() for t in self.tensors],
            "diagnoses": [d.to_dict() for d in self.diagnoses],
            "forward": self.forward.to_dict() if self.forward else None,
            "error": self.error,
            "error_source": self.error_source,
            "notes": list(self.notes),
            "shape": self.shape,
            "entry": self.entry,
            "rules": dict(self.rules),
            "loss": self.loss,
            "elapsed": round(self.elapsed, 3),
            "command": self.command,
            "output_tail": self.output_tail,
            "isolation": list(self.isolation),
            "network_isolated": self.network_isolated,
            "score": self.score,
            "max_score": self.max_score,
            "cells": dict(self.cells),
            "trace": dict(self.trace),
            "error_maps": dict(self.error_maps),
            "suggested_spec": self.suggested_spec,
        }
