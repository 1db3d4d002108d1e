"""Which gradients of a training script are taken at weights the same pass had already updated (worker side).

``w_out += -lr * delta_o @ h.T`` then ``delta_h = w_out.T @ delta_o * h * (1 - h)`` then
``w_in += -lr * delta_h @ x.T``: the tracer (:mod:`gradcheck.audit.tracer`) follows such a round through
the updates made between its gradients and knows, for each weight, where its gradient was bound; a
gradient whose line reads a weight updated earlier in the round, or a gradient so taken, is read at the
moved weights. The grader names the failing ones (:mod:`gradcheck.audit.movedweights`).
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
            ((p, at) for p, at in moved if at is not None and at < line and p != params[i] and _reads(p, text)),
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


def _reads(name: str, text: str) -> bool:
    """Is the variable (or list) ``name`` read in the line ``text``?"""
    return re.search(rf"(?<![\w.]){re.escape(name.split('[')[0])}(?!\w)", text) is not None
