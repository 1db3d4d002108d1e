"""The notes that name entries a second opinion left ``inconclusive`` or ``kink`` at kinks.

Each note is ``note(name, first, count) -> str``: the tensor, its first such entry and how many there
are (:meth:`gradcheck.secondopinion.SecondOpinions._note_kinks` keeps one note per tensor and kind, its
count current). A note with a ``key`` attribute is one kind whatever its wording.
"""

from __future__ import annotations

from gradcheck import convention


def _which(name: str, first: tuple, count: int) -> str:
    """The entries a kink note names: the first one, and how many more."""
    return f"{name}: entry {list(first)}" + (f" and {count - 1} more" if count > 1 else "")


def kink_note(name: str, first: tuple, count: int) -> str:
    """Kinks inside every step down to the loss's rounding, one-sided slopes that never settled."""
    return (
        f"{_which(name, first, count)} inconclusive: kinks (ReLU, clip, abs) inside every step down to "
        "the loss's rounding, and one-sided slopes that never settled"
    )


def crossed_note(name: str, first: tuple, count: int) -> str:
    """Kinks a step's length from the point: one-sided slopes changing from one step to the next."""
    return (
        f"{_which(name, first, count)} inconclusive: kinks (ReLU, clip, abs) a step's length from the point; "
        "the one-sided slopes changed from one step to the next as neither a smooth loss nor a kink at the point "
        "would, and steps short enough to stay inside the kinks are below what the loss's rounding resolves there "
        "(a smaller batch or larger weights separate the kinks)"
    )


crossed_note.key = "crossed"


def nearer_note(name: str, first: tuple, count: int) -> str:
    """Kinks nearer than any real step, the complex step giving the gradient (a fail not let stand)."""
    return (
        f"{_which(name, first, count)} inconclusive: the one-sided slopes jump at the point as at one kink, and "
        "the gradient lies outside them, but the complex step (each unit on its own side of its kink) gives the "
        "gradient: many kinks (ReLU, leaky ReLU) lie nearer to the point than any real step resolves, and the "
        "slopes beyond them are no evidence of a wrong gradient (larger weights or nonzero biases separate them)"
    )


nearer_note.key = "nearer"


def bracket_note(width: float, step: float):
    """The note of entries that :meth:`SecondOpinions._inside_small_steps` left inconclusive."""

    def note(name: str, first: tuple, count: int) -> str:
        return (
            f"{_which(name, first, count)} inconclusive: kinks (ReLU, clip, abs) in bulk around the point; "
            f"at steps inside them ({step:.0e}) the one-sided slopes bracket the gradient but lie {width:.0%} of it "
            "apart: an error smaller than that would hide there (a smaller batch or larger weights separate the kinks)"
        )

    note.key = "bracket"
    return note


class ConventionNote:
    """:func:`gradcheck.convention.note` as a keyed note of :meth:`SecondOpinions._note_kinks`."""

    key = "convention"

    def __init__(self, measured: convention.Convention):
        self.measured = measured

    def __call__(self, name: str, first: tuple, count: int) -> str:
        """The convention's note for these entries."""
        return convention.note(name, first, count, self.measured)


def coincident_note(name: str, first: tuple, count: int) -> str:
    """A kink at the point itself with the gradient exactly 0 outside the one-sided slopes."""
    return (
        f"{_which(name, first, count)} inconclusive: on a kink at the point itself (one-sided slopes apart "
        "by the same jump at every step) and the gradient exactly 0 outside them: where every path of the entry runs "
        "through ReLU units sitting exactly at 0 (a zero weight column beside zero biases, weights initialised at "
        "zeros), relu'(0) = 0 gives 0 while each side switches some units on; a wrong 0 looks the same"
    )


__all__ = ["ConventionNote", "bracket_note", "coincident_note", "crossed_note", "kink_note", "nearer_note"]
