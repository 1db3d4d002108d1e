"""Bugs applied to a finished gradient, with a parameter fitted from the claimed one.

Some bugs do not live in the backward recursion but act on the gradient it
produced, with a constant the student chose: ``np.clip(g, -c, c)``, a weight decay
``k * W`` added to the weight gradients, a stray factor on one tensor or layer,
every gradient off by one factor, a transposed tensor. Their constant is unknown,
so it is fitted: ``c`` from the largest claimed entry, ``k`` from the part of the
claimed gradient that is proportional to ``W``, a factor by least squares. A fit
counts only when it reproduces the claimed entries exactly (to
:data:`MATCH_RTOL`), never as a best effort.

:func:`explain` finds the fewest such bugs that turn a base gradient (the
reference's, or a catalogued mutant's) into the claimed one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Two tensors are the same when they agree to this fraction of their largest entry
#: (both sides are exact up to rounding; a student's ``log(p + 1e-8)`` moves the
#: gradient by about 1e-8 of itself).
MATCH_RTOL = 1e-6
#: A fitted constant is "no bug" when within this relative distance of its neutral value.
NEUTRAL = 1e-6
TINY = np.finfo(float).tiny


@dataclass(frozen=True)
class Bug:
    """One bug of an explanation.

    Attributes
    ----------
    code : str
        Diagnosis code.
    kind : str
        A catalogue mutant name, or a fitted kind: ``scale``, ``uniform``,
        ``transposed``, ``clip``, ``clip-norm``, ``decay``.
    layer : int, tuple of int or None
    tensors : tuple of str
        Reference names of the tensors it changes.
    values : mapping
        Fitted constants (``factor``, ``clip``, ``decay``, ``bias_decay``).
    fitted : bool
        Its constant was fitted to the claimed gradient.
    parts : tuple
        For a catalogue bug, its ``(mutant, layer)`` parts (several for a shared helper).
    """

    code: str
    kind: str
    layer: Any
    tensors: tuple[str, ...]
    values: Mapping[str, float] = field(default_factory=dict)
    fitted: bool = False
    parts: tuple = ()


def same(a: np.ndarray, g: np.ndarray) -> bool:
    """Equal shapes and values to :data:`MATCH_RTOL` of the larger tensor's largest entry."""
    if a.shape != g.shape:
        return False
    if a.size == 0:
        return True
    top = max(float(np.max(np.abs(a))), float(np.max(np.abs(g))), TINY)
    return float(np.max(np.abs(a - g))) <= MATCH_RTOL * top


def fit_scale(a: np.ndarray, g: np.ndarray, mask: np.ndarray | None = None, named=None) -> float | None:
    """The factor ``c`` with ``a == c * g`` on ``mask`` (two entries at least), else None.

    One entry fits any factor, so it tells nothing, unless the factor is one ``named(c)`` accepts
    (a one-unit output's bias summed over a batch of N is N times the true one, exactly).
    """
    if a.shape != g.shape:
        return None
    av, gv = (a, g) if mask is None else (a[mask], g[mask])
    gg = float(gv.ravel() @ gv.ravel())
    if av.size < 1 or gg == 0.0:
        return None
    c = float(av.ravel() @ gv.ravel()) / gg
    if av.size < 2 and (named is None or not named(c)):
        return None
    return c if same(av, c * gv) else None


def fit_decay(a: np.ndarray, g: np.ndarray, w: np.ndarray, mask: np.ndarray | None = None) -> float | None:
    """The ``k`` with ``a == g + k * w`` on ``mask`` (``k`` not zero), else None."""
    if a.shape != g.shape or w.shape != g.shape:
        return None
    d, wv = (a - g, w) if mask is None else ((a - g)[mask], w[mask])
    ww = float(wv.ravel() @ wv.ravel())
    if d.size < 2 or ww == 0.0:
        return None
    k = float(d.ravel() @ wv.ravel()) / ww
    scale = max(float(np.max(np.abs(a))), TINY)
    if abs(k) * float(np.max(np.abs(wv))) <= MATCH_RTOL * scale:
        return None
    return k if same(a if mask is None else a[mask], (g + k * w) if mask is None else (g + k * w)[mask]) else None


def _consensus(values: list[float]) -> float | None:
    """The value most fits agree on (to :data:`NEUTRAL`), None for no fits."""
    best, votes = None, 0
    for v in values:
        n = sum(abs(u - v) <= NEUTRAL * max(abs(v), TINY) for u in values)
        if n > votes:
            best, votes = v, n
    return best


def _is_weight(name: str) -> bool:
    return name.startswith("W")


def _layer(name: str) -> int:
    return int(name[1:])


# ----------------------------------------------------------------- global bugs
def _apply_decay(base, claimed, params, masks) -> tuple[dict, Bug] | None:
    ks = {
        t: k
        for t, g in base.items()
        if t in params and (k := fit_decay(claimed[t], g, params[t], masks.get(t))) is not None
    }
    kw = _consensus([k for t, k in ks.items() if _is_weight(t)])
    kb = _consensus([k for t, k in ks.items() if not _is_weight(t)])
    if kw is None and kb is None:
        return None
    out, touched = dict(base), []
    for t, g in base.items():
        k = kw if _is_weight(t) else kb
        if k is not None and t in params and params[t].shape == g.shape:
            out[t] = g + k * params[t]
            touched.append(t)
    values = {"decay": kw or 0.0, "bias_decay": kb or 0.0}
    return out, Bug("regularization_mismatch", "decay", None, tuple(touched), values, True)


def _apply_uniform(base, claimed, masks) -> tuple[dict, Bug] | None:
    fits = [fit_scale(claimed[t], g, masks.get(t)) for t, g in base.items()]
    c = _consensus([f for f in fits if f is not None])
    if c is None or abs(c - 1.0) <= NEUTRAL or sum(f is not None and abs(f - c) <= NEUTRAL * abs(c) for f in fits) < 2:
        return None
    out = {t: c * g for t, g in base.items()}
    code = "zero_gradient" if c == 0 else "uniform_scale"  # every gradient 0: not a convention
    return out, Bug(code, "uniform", None, tuple(base), {"factor": c}, True)


def is_round(c: float) -> bool:
    """1, 2, 2.5 or 5 times a power of ten (the constants people clip at).

    Examples
    --------
    >>> is_round(1.0), is_round(0.05), is_round(2.5e-3), is_round(0.937)
    (True, True, True, False)
    """
    if c <= 0 or not np.isfinite(c):
        return False
    mantissa = c / 10.0 ** np.floor(np.log10(c) + 1e-12)
    return any(abs(mantissa - m) <= 1e-9 * m for m in (1.0, 2.0, 2.5, 5.0, 10.0))


def clip_bound(claimed: Mapping[str, np.ndarray]) -> float | None:
    """The clip ``c`` a clipped gradient shows: its largest ``|entry|``, reached twice, or once if round.

    One entry at its largest value is what any gradient has; two or more entries
    exactly at ``+-c``, or one at a round ``c`` such as 1 or 0.5, is what a clip leaves.
    """
    flat = np.concatenate([np.abs(np.asarray(a, float)).ravel() for a in claimed.values()])
    if flat.size < 2:
        return None
    c = float(np.max(flat))
    at_bound = int(np.sum(flat >= c * (1 - MATCH_RTOL)))
    return c if c > 0 and (at_bound >= 2 or is_round(c)) else None


def _clip_masks(claimed, c: float) -> dict[str, np.ndarray]:
    return {t: np.abs(a) < c * (1 - MATCH_RTOL) for t, a in claimed.items()}


def _clipped_ok(final: Mapping[str, np.ndarray], claimed, c: float) -> bool:
    """Clipping ``final`` at ``c`` gives ``claimed``, and some entry was really clipped."""
    bit = False
    for t, a in claimed.items():
        g = final[t]
        if g.shape != a.shape or not same(a, np.clip(g, -c, c)):
            return False
        bit = bit or bool(np.any(np.abs(g) > c * (1 + MATCH_RTOL)))
    return bit


# --------------------------------------------------------------- per-tensor bugs
def _tensor_bug(t: str, a: np.ndarray, g: np.ndarray, mask, named=None) -> tuple[np.ndarray, Bug] | None:
    c = fit_scale(a, g, mask, named)
    if c is not None and abs(c - 1.0) > NEUTRAL:
        return c * g, Bug("tensor_scale", "scale", _layer(t), (t,), {"factor": c}, True)
    if g.ndim == 2 and a.shape == g.T.shape and (g.shape[0] != g.shape[1] or not same(g, g.T)):
        if same(a, g.T) if mask is None else same(a[mask], g.T[mask]):
            return g.T, Bug("transposed", "transposed", _layer(t), (t,), {}, True)
    return None


def _per_tensor(base, claimed, masks, budget: int, named=None) -> tuple[dict, list[Bug]] | None:
    out, bugs = dict(base), []
    for t, a in claimed.items():
        g, mask = base[t], masks.get(t)
        if a.shape == g.shape and same(a if mask is None else a[mask], g if mask is None else g[mask]):
            continue
        found = _tensor_bug(t, a, g, mask, named)
        if found is None:
            return None
        out[t], bug = found
        bugs.append(bug)
    bugs = _norm_clip(_group_layers(bugs), claimed)
    return (out, bugs) if len(bugs) <= budget else None


def _group_layers(bugs: list[Bug]) -> list[Bug]:
    """``W_l`` and ``b_l`` off by one factor: one bug of layer ``l``; equal norms below 1: one clip by norm."""
    out, seen = [], set()
    for bug in bugs:
        if id(bug) in seen:
            continue
        mate = next(
            (
                o
                for o in bugs
                if o is not bug
                and o.kind == bug.kind == "scale"
                and o.layer == bug.layer
                and abs(o.values["factor"] - bug.values["factor"]) <= NEUTRAL * abs(bug.values["factor"])
            ),
            None,
        )
        if mate is not None:
            seen.add(id(mate))
            bug = Bug(bug.code, "scale", bug.layer, tuple(sorted(bug.tensors + mate.tensors)), bug.values, True)
        out.append(bug)
    return out


def _norm_clip(bugs: list[Bug], claimed) -> list[Bug]:
    """Per-tensor factors below 1 where every scaled tensor ends with one norm: a clip by norm."""
    scaled = [b for b in bugs if b.kind == "scale" and 0 < b.values["factor"] < 1]
    if len(scaled) < 2 or len(scaled) != len(bugs):
        return bugs
    per_tensor = [float(np.linalg.norm(claimed[t])) for b in scaled for t in b.tensors]
    if max(per_tensor) - min(per_tensor) > MATCH_RTOL * max(per_tensor):
        return bugs
    tensors = tuple(t for b in scaled for t in b.tensors)
    return [Bug("gradient_clipping", "clip-norm", None, tensors, {"clip": per_tensor[0]}, True)]


# ----------------------------------------------------------------------- search
GLOBALS = ((), ("decay",), ("uniform",), ("clip",), ("decay", "clip"), ("uniform", "clip"))


def explain(
    base: Mapping[str, np.ndarray],
    claimed: Mapping[str, np.ndarray],
    params: Mapping[str, np.ndarray],
    budget: int,
    named=None,
) -> list[Bug] | None:
    """The fewest fitted bugs (at most ``budget``) that turn ``base`` into ``claimed``.

    Parameters
    ----------
    base : mapping of str to ndarray
        A gradient in reference names (the reference's or a mutant's).
    claimed : mapping of str to ndarray
        The claimed gradient, same names (shapes may differ: a transposed tensor).
    params : mapping of str to ndarray
        The parameters (for weight decay).
    budget : int
        Most bugs allowed.
    named : callable, optional
        ``named(c)``: whether a factor ``c`` is one a bug is known by (N, -1, 0); a one-entry
        tensor off by such a factor is that bug (otherwise a one-entry factor tells nothing).

    Returns
    -------
    list of Bug or None
        ``[]`` when ``base`` already is ``claimed``; None when no combination
        within the budget reproduces every entry.
    """
    if set(base) != set(claimed):
        return None
    if all(same(claimed[t], g) for t, g in base.items()):
        return []
    best: list[Bug] | None = None
    for combo in GLOBALS:
        if len(combo) > budget or (best is not None and len(combo) >= len(best)):
            continue
        found = _with_globals(combo, base, claimed, params, budget if best is None else len(best) - 1, named)
        if found is not None and (best is None or len(found) < len(best)):
            best = found
    return best


def _with_globals(combo, base, claimed, params, budget, named=None) -> list[Bug] | None:
    c = clip_bound(claimed) if "clip" in combo else None
    if "clip" in combo and c is None:
        return None
    masks = _clip_masks(claimed, c) if c is not None else {}
    current, bugs = dict(base), []
    for step in combo:
        if step == "decay":
            done = _apply_decay(current, claimed, params, masks)
        elif step == "uniform":
            done = _apply_uniform(current, claimed, masks)
        else:
            continue
        if done is None:
            return None
        current, bug = done
        bugs.append(bug)
    rest = _per_tensor(current, claimed, masks, budget - len(combo), named)
    if rest is None:
        return None
    final, tensor_bugs = rest
    if c is not None:
        if not _clipped_ok(final, claimed, c):
            return None
        bugs.append(Bug("gradient_clipping", "clip", None, tuple(claimed), {"clip": c}, True))
    elif not all(same(claimed[t], g) for t, g in final.items()):
        return None
    return _one_clip(bugs + tensor_bugs)


def _one_clip(bugs: list[Bug]) -> list[Bug]:
    """A clip by norm and a clip by value at the same bound are one clip (a one-entry tensor's norm is its value)."""
    norm = next((b for b in bugs if b.kind == "clip-norm"), None)
    value = next((b for b in bugs if b.kind == "clip"), None)
    if (
        norm is None
        or value is None
        or abs(norm.values["clip"] - value.values["clip"]) > MATCH_RTOL * value.values["clip"]
    ):
        return bugs
    merged = Bug(norm.code, "clip-norm", None, tuple(dict.fromkeys(norm.tensors + value.tensors)), norm.values, True)
    return [merged if b is norm else b for b in bugs if b is not value]


def explainable(a: np.ndarray, g: np.ndarray, w: np.ndarray | None, clip: float | None, named=None) -> bool:
    """Could one fitted bug (or none) turn tensor ``g`` into ``a``? A cheap per-tensor screen."""
    if a.shape == g.shape and same(a, g):
        return True
    mask = None
    if clip is not None:
        mask = np.abs(a) < clip * (1 - MATCH_RTOL)
        if a.shape == g.shape and same(a, np.clip(g, -clip, clip)):
            return True
    if _tensor_bug("W0", a, g, mask, named) is not None:
        return True
    return w is not None and fit_decay(a, g, w, mask) is not None
