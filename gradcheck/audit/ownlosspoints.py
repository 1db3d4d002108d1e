"""The student's own loss at weights the grader chose (run by the worker, in the sandbox).

When the loss the student's code computes is none the reference networks model, the
grader checks the backward against that loss itself (:mod:`gradcheck.audit.ownloss`).
It sends the weights at which it needs the loss: the student's own point with a few
entries moved (sparse, ``{"i": [...], "v": [...]}``, flat indices over the parameters in
the order the worker returned them) or every entry given (a list). Here, for each one,
a fresh copy of the network gets those weights, runs its forward on the batch, and the
loss function that computed the value the grader saw is called again, the same way,
on what that forward produced. Only values go back; the grader judges. With ``"twin"``
in the request the values are the loss's without its guards (an epsilon inside a ``log``,
a clip of a probability: :mod:`gradcheck.epsilon`), and the guards seen are named.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcheck.epsilon import guarding, traced

__all__ = ["MAX_POINTS", "own_loss_values"]

#: Loss evaluations answered per request (the grader asks in rounds of at most this many).
MAX_POINTS = 40_000
#: Gradients answered per request (:mod:`gradcheck.audit.symmetry` asks for a dozen,
#: :mod:`gradcheck.audit.segments` for 165).
MAX_GRAD_POINTS = 192


def _point(spec: Any, base: np.ndarray) -> np.ndarray | None:
    """The flat weights a request entry names, or None when it names none of the right size."""
    if isinstance(spec, dict):
        idx = np.asarray(spec.get("i", []), dtype=np.int64)
        vals = np.asarray(spec.get("v", []), dtype=float)
        if idx.shape != vals.shape or idx.ndim != 1 or np.any((idx < 0) | (idx >= base.size)):
            return None
        flat = base.copy()
        flat[idx] = vals
        return flat
    flat = np.asarray(spec, dtype=float)
    return flat if flat.shape == base.shape else None


def _output(ctx: dict, root: Any) -> list[float] | None:
    """The network's output after a forward of ``root`` on the batch, flat (None: the forward gave none);
    :mod:`gradcheck.audit.throughoutput` asks for it beside the loss (never for a forward taking a dropout knob:
    ``ownloss._dropout_unseen``)."""
    try:
        _, out, _ = ctx["runner"].forward_state(ctx["s1"].columns, root)
        arr = np.asarray(out, dtype=float)
    except Exception:  # noqa: BLE001 - the student's forward raised, or gave no array of numbers
        return None
    return arr.ravel().tolist() if arr.size else None


def _traceable(root: Any, steps: tuple) -> None:
    """The array at ``steps`` replaced by a view whose operations :func:`gradcheck.epsilon.traced` sees (where
    the code holds it another way, as in a tuple, it stays: no guard is then seen, and the verdict stands)."""
    from gradcheck.audit.adapters.paths import resolve

    try:
        parent, (kind, key) = resolve(root, steps[:-1]), steps[-1]
        view = guarding(resolve(root, steps))
        if kind == "attr":
            setattr(parent, key, view)
        else:
            parent[key] = view
    except Exception:  # noqa: BLE001 - the student's container refuses the view
        pass


def own_loss_values(ctx: dict, ask: dict, result: dict | None = None) -> dict[str, Any]:
    """``{"source", "values"}``: the first of ``ask["sources"]`` the worker can call again, at ``ask["points"]``.

    ``ctx`` is the context of the first read (``runner``, ``s1``, ``params``, ``own_losses``: the
    evaluators of :func:`gradcheck.audit.adapters.studentloss.evaluator`). A value the loss could not
    give (it raised, or returned no finite scalar) is None. ``{"error"}`` when no point can be evaluated.
    ``ask["grads_at"]`` (weights, tensor by tensor) adds ``grads_at``: the backward's gradient at each
    (:mod:`gradcheck.audit.symmetry`), read as ``result`` (the first read's answer) says.
    """
    from gradcheck.audit.adapters.paths import assign

    own = ctx.get("own_losses") or {}
    source = next((s for s in ask.get("sources") or [] if s in own), None)
    if source is None:
        return {"error": "none of the student's loss functions found could be called again"}
    t = ctx["runner"].t
    if getattr(t, "extra_args", None) is not None and not getattr(t, "offers_root", False):
        return {"error": "the weights are passed to this code one by one: the grader cannot set them"}
    params = ctx["params"]
    base = np.concatenate([np.asarray(v, dtype=float).ravel() for v in ctx["s1"].before])
    start = _point(ask["start"], base) if "start" in ask else None  # the points' moves are from there (the
    base = base if start is None else start  # grader's own point: sent once, not with every point)
    cuts = np.cumsum([int(np.prod(p.shape)) for p in params])[:-1]
    at, values, guards, outputs = own[source], [], [], []
    twin, want = bool(ask.get("twin")), bool(ask.get("outputs"))
    for spec in list(ask.get("points") or [])[:MAX_POINTS]:
        flat = _point(spec, base)
        if flat is None:
            values.append(None)
            continue
        root = t.fresh()
        for p, chunk in zip(params, np.split(flat, cuts)):
            assign(root, p.steps, chunk.reshape(p.shape))
            if twin:
                _traceable(root, p.steps)
        if not twin:
            values.append(at(root))
            if want:
                outputs.append(_output(ctx, root))
            continue
        value, found = traced(lambda root=root: at(root), drop=True)
        values.append(value)
        guards += [g for g in found if g not in guards]
    out: dict[str, Any] = {"source": source, "values": values, **({"guards": guards} if twin else {})}
    if want:
        out["outputs"] = outputs
    wanted = list(ask.get("grads_at") or [])[:MAX_GRAD_POINTS]
    if wanted:
        from gradcheck.audit.probes import grads_at

        out["grads_at"] = grads_at(ctx, (result or {}).get("shape", ""), wanted, (result or {}).get("update"))
    return out
