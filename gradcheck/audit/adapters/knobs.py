"""Dropout rates and penalties the grader turns off, or keeps as the code sets them (worker side).

The main check turns a constructor's dropout (``keep_prob=0.8``) and penalty (``lam=0.5``)
off, and dropout arguments of a forward (``keep_prob``) too: the reference networks have
neither. Whatever is switched off is recorded here, so that the grader can run the
submission a second time with every such knob at the value the code gives it
(``[entry] keep_defaults``) and check that backward against the student's own loss: a
dropout mask the backward forgets, or a penalty whose gradient is missing, hides behind
the knob otherwise (:mod:`gradcheck.audit.asdefaults`). One worker audits one submission,
so the state is the process's own.
"""

from __future__ import annotations

from typing import Any

_state: dict = {"keep": False, "off": {}}


def start(keep: bool) -> None:
    """A new audit: knobs kept as the code sets them (``keep``), or turned off and recorded."""
    _state["keep"], _state["off"] = bool(keep), {}


def kept() -> bool:
    """Are the code's own dropout rates and penalties kept (the second run)?"""
    return _state["keep"]


def turned_off(name: str, default: float | None) -> None:
    """Record that knob ``name`` (whose value as written is ``default``; None: the caller's choice) was turned off."""
    _state["off"].setdefault(name, default)


def off() -> dict[str, float | None]:
    """``{knob: its value as written}`` of every knob this audit turned off."""
    return dict(_state["off"])


__all__ = ["kept", "off", "start", "turned_off"]


def forward_takes_dropout(fwd: Any) -> bool:
    """Does the forward take a dropout knob (``keep_prob``, ``dropout``) as an argument? The grader then runs it
    with nothing dropped while the student's own loss may call it at the code's default: the output it sees is
    not the one that loss is a function of (:mod:`gradcheck.audit.throughoutput`, :mod:`gradcheck.audit.unitorder`)."""
    import inspect

    from gradcheck.audit.adapters.names import NO_DROPOUT, ROLES

    names = set().union(*(ROLES[role] for role in NO_DROPOUT))
    try:
        return bool(names & {p.lower() for p in inspect.signature(fwd).parameters})
    except (TypeError, ValueError):
        return False
