"""The interface every API shape answers: what to call, on what, and where the parameters live.

A *shape* module (``classes``, ``functions``, ``positional``, ...) exposes
``find(ctx) -> Target | None``: None when the submission does not have that
shape, else a :class:`Target` saying how to get a fresh root object (an
instance, a params dict, the module namespace), which callables are the
forward and the backward, and how their results are read. The driver
(:mod:`gradcheck.audit.adapters.driver`) tries the shapes in order.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradcheck.audit.adapters.objects import student_classes, student_functions
from gradcheck.audit.adapters.sizes import Sizes
from gradcheck.audit.loader import LoadedSubmission


@dataclass
class Context:
    """What a shape may look at: the loaded submission, the spec, the batch and its sizes."""

    loaded: LoadedSubmission
    spec: dict
    X: np.ndarray | None
    Y: np.ndarray | None
    lr: float
    notes: list[str]
    sizes: Sizes | None = None

    @property
    def ns(self) -> dict:
        """The submission's namespace."""
        return self.loaded.module.__dict__

    @property
    def classes(self) -> list[type]:
        """The student's classes."""
        return student_classes(self.ns, self.loaded)

    @property
    def funcs(self) -> dict[str, Callable]:
        """The student's functions, by name."""
        return student_functions(self.ns, self.loaded)


@dataclass
class Target:
    """What is called: how to get a fresh root, and its forward/backward callables.

    Attributes
    ----------
    label : str
        Class name, or ``module`` for functions.
    root_name : str
        How paths from the root are shown: ``self``, ``params`` or ``""`` (module globals).
    fresh : callable
        A new root in its initial state (a deep copy, or rebuilt).
    forward_name, backward_name : str
        Names shown in reports.
    get_forward, get_backward : callable
        root -> the forward / backward callable (forward may be None).
    shape : str
        The shape module that found it.
    orient : callable, optional
        ``orient(columns)``: called before ``fresh`` when the parameters a shape makes
        depend on the layout (samples as rows or columns).
    extra_args : callable, optional
        root -> exact-name arguments (``{"W1": ...}``) offered to forward and backward.
    output_of : callable, optional
        (root, forward's return value) -> the network output, when the forward
        returns something else (a loss, None, a tuple of caches).
    own_sizes : bool
        The root was built by the submission's own code (its sizes are its own).
    """

    label: str
    root_name: str
    fresh: Callable[[], Any]
    forward_name: str | None
    backward_name: str
    get_forward: Callable[[Any], Callable | None]
    get_backward: Callable[[Any], Callable]
    namespace: dict
    lookup: Callable[[Any, str], Callable] | None = None
    alternatives: list[str] = field(default_factory=list)
    root_is_namespace: bool = False
    forward_drops_y: bool = False
    shape: str = ""
    orient: Callable[[bool], None] | None = None
    extra_args: Callable[[Any], dict] | None = None
    output_of: Callable[[Any, Any], Any] | None = None
    per_sample: bool = False
    #: names the code that builds this network reads: among several loss derivatives, the one it uses
    reads: frozenset = frozenset()
    #: built as the submission builds it: its sizes are its own, the batch is made to fit them
    own_sizes: bool = False
    #: the object whose methods are called when the root is not it (its loss methods are the student's loss)
    holder: Any = None
    #: root -> its parameters, when the shape knows them better than a search (pairs: which is the bias)
    params_of: Callable[[Any], list] | None = None
    #: extra_args hands over the root itself (``{"p": root}``): weights set on the root reach the code
    offers_root: bool = False

    def entry(self) -> str:
        """``Class.method`` or ``function``."""
        return f"{self.label}.{self.backward_name}" if self.root_name == "self" else self.backward_name

    def forward_path(self) -> str | None:
        """``Class.forward`` or ``forward``."""
        if self.forward_name is None:
            return None
        return f"{self.label}.{self.forward_name}" if self.root_name == "self" else self.forward_name


def deepcopy_or(base: Any, remake: Callable[[], Any], notes: list[str]) -> Callable[[], Any]:
    """A maker of fresh roots: deep copies of ``base``, else ``remake()`` (said once in the notes)."""
    state = {"warned": False}

    def fresh():
        try:
            return copy.deepcopy(base)
        except Exception as exc:  # noqa: BLE001
            if not state["warned"]:
                notes.append(
                    f"the object cannot be deep-copied ({type(exc).__name__}); a new one is built (seed 0) for each run"
                )
                state["warned"] = True
            return remake()

    return fresh
