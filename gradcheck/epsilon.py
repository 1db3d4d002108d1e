"""Naming an epsilon the user added inside a ``log`` as the cause of a small, uniform miss.

A loss written ``np.log(p + 1e-8)`` (or ``np.log(1 - p + eps)``) has the
derivative ``1 / (p + 1e-8)``, not ``1 / p``: a backward written for the plain
``log`` (``p - y`` through a sigmoid or softmax) is off by about ``1e-8 / p``
relative on every entry. The check fails it, rightly; :func:`named` adds a note
saying so in the user's terms when the loss's source shows such an epsilon and
every failing entry misses by no more than that epsilon could explain.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import textwrap

#: ``log(<anything without parentheses> + <number>)``, ``np.log``/``math.log``/``log1p`` alike.
_LOGEPS = re.compile(r"log\(\s*[^()]*?\+\s*(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*\)")
#: An epsilon is named only where it is small: a larger constant is a deliberate part of the loss.
LARGEST = 1e-3
#: ... and where every failing entry misses by at most the epsilon over this smallest probability:
#: a miss of ``eps / p`` relative needs ``p >= SMALLEST_P`` to stay under it. A larger miss (a sign,
#: a factor, a missing term) is a bug of another kind, and the note would mislead.
SMALLEST_P = 1e-3


def added_epsilons(loss) -> list[float]:
    """The small constants ``loss``'s source adds inside a ``log`` (``[]`` if its source is unavailable)."""
    try:
        source = textwrap.dedent(inspect.getsource(loss))
    except (OSError, TypeError):
        return []
    found = []
    for match in _LOGEPS.finditer(source):
        eps = float(match.group(1))
        if 0.0 < eps <= LARGEST and eps not in found:
            found.append(eps)
    return found


def note(eps: float, worst: float) -> str:
    """The note naming ``eps`` as the cause of relative misses up to ``worst``."""
    return (
        f"every failing entry misses by at most {worst:.1g} of itself, which the {eps:g} the loss adds inside "
        f"a log explains: the derivative of log(p + {eps:g}) is 1/(p + {eps:g}), and a backward written for "
        f"log(p) (1/p, or p - y through a sigmoid or softmax) is off by about {eps:g}/p relative. If that "
        "backward is the one meant, take the epsilon out of the loss (np.clip(p, eps, 1 - eps), or the loss "
        "from logits with np.logaddexp or np.log1p); otherwise differentiate the epsilon too"
    )


def named(report, loss):
    """``report`` with :func:`note` added where a failing check's misses are an added epsilon's size."""
    if report.status != "fail":
        return report
    misses = [e.rel_error for t in report.tensors for e in t.worst if e.status == "fail"]
    eps = added_epsilons(loss)
    if not misses or not eps:
        return report
    largest = max(eps)
    worst = max(misses)
    if not worst <= largest / SMALLEST_P:
        return report
    return dataclasses.replace(report, notes=(*report.notes, note(largest, worst)))
