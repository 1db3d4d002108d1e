"""Which gradients of a training script are taken at weights the same pass had already updated (worker side).

``w_out += -lr * delta_o @ h.T`` then ``delta_h = w_out.T @ delta_o * h * (1 - h)`` then
``w_in += -lr * delta_h @ x.T``: the tracer (:mod:`gradcheck.audit.tracer`) follows such a round through
the updates made between its gradients and knows, for each weight, where its gradient was bound; a
gradient whose line reads a weight updated earlier in the round (or a variable the lines between bind from it,
``delta_h`` then ``dz1``), or a gradient so taken, is read at the moved weights. The grader names the failing
ones (:mod:`gradcheck.audit.movedweights`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gradcheck.audit import hoist

__all__ = ["moved_reads"]


def moved_reads(
    code: Callable[[int], str],
    moved: list[tuple[str, int | None]],
    params: list[str],
    grads: list[str],
    grad_lines: dict[str, int | None],
) -> list[tuple[str, int, str, int | None]]:
    """``(weight, its gradient's line, what it reads, that weight's update line or None for a gradient)``.

    ``code(line)``: the source of a line; ``moved``: (weight, line) updated inside the round, in order;
    ``params[i]``'s gradient is the variable ``grads[i]``, bound at ``grad_lines[grads[i]]``.
    """
    reads: list[tuple[str, int, str, int | None]] = []
    stale: set[str] = set()  # gradient variables taken at moved weights
    order = sorted((line, i) for i, g in enumerate(grads) if (line := grad_lines.get(g)) is not None)
    for line, i in order:
        text = code(line)
        hit = next(
            (
                (p, at)
                for p, at in moved
                if at is not None and at < line and p != params[i] and _reads_through(code, p, at, line, text)
            ),
            None,
        )
        if hit is None:
            via = next((g for g in stale if _reads(g, text)), None)
            if via is None:
                continue
            hit = (via, None)
        reads.append((params[i], line, *hit))
        if not grads[i].startswith(hoist.PREFIX):
            stale.add(grads[i])
    return reads


#: ``name = ...`` or ``name += ...`` at the start of a line: what the line binds.
_BINDS = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:[-+*/@]?=)(?!=)")


def _reads_through(code: Callable[[int], str], weight: str, at: int, line: int, text: str) -> bool:
    """Does the gradient's line read ``weight``, updated at line ``at``, or a variable the lines between bind from it
    (``W2 -= lr * gW2`` then ``dH = dZ2 @ W2.T``, ``dZ1 = dH * H * (1 - H)``, ``gW1 = X.T @ dZ1``)?"""
    names = {weight}
    for k in range(at + 1, line):
        bound = _BINDS.match(code(k) or "")
        if bound and any(_reads(n, (code(k) or "")[bound.end() :]) for n in names):
            names.add(bound.group(1))
    return any(_reads(n, text) for n in names)


def _reads(name: str, text: str) -> bool:
    """Is the variable (or list) ``name`` read in the line ``text``?"""
    return re.search(rf"(?<![\w.]){re.escape(name.split('[')[0])}(?!\w)", text) is not None
