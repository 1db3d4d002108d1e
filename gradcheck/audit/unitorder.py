"""Does the student's own loss ignore the order of the hidden units, and its gradient follow it? (grader side)

Checked against the student's own loss (:mod:`gradcheck.audit.ownloss`), a backward is judged by
loss values the submission's process gives. A loss and a backward can both answer, at every
weights and in every process, from one fixed model around the seeded start weights ``w0``
(``value + g0 . d + mu * sum(log cosh(d))``, ``d = w - w0``) whose gradient the backward returns
exactly (``examples/hostile/quadratic_own_loss.py``): a smooth function and its true gradient, so
no comparison of the one with the other (central differences, the Jacobian's symmetry of
:mod:`gradcheck.audit.symmetry`, the long segments of :mod:`gradcheck.audit.segments`) can tell.

What the model cannot have is the symmetry of the network it stands in for. Reordering the hidden
units of a hidden layer (the columns of its weight as ``in x out`` and the entries of its bias,
and the matching rows of the next layer's weight) leaves a layered network's output unchanged,
so its loss too, and its gradient at the reordered weights is the reordered gradient. The grader
draws one permutation per hidden layer from its secret seed and asks, in one run of the worker,
the loss and the backward at its second point and at the point reordered: the loss must not
move by more than :data:`RTOL` of its size and of its sensitivity to the weights
(``sum |g_i w_i|``), nor the gradient by more than that of its largest entry. A model fixed
around ``w0`` moves by about ``g0 . (P w - w)``, the size of the loss's own change over the
weights' size. A positive rescaling of a unit is no such symmetry for sigmoid or tanh units: only
permutations are used.

Only where it is a real invariance: the forward must have been reproduced by a reference network
(``forward.status == "match"``, a plain layered network with no per-unit constant: a fixed dropout
mask, a per-unit scale, would not match), and the weights must read as layers with a hidden layer of
two units or more (no hidden unit is reordered in one layer of weights). Every reading of the
weights the shapes allow (square weights read both ways) is tried, and the check passes when one
reading shows the symmetry: the network's own reading does. Otherwise the verdict says, in a note,
that the order of the units was not checked.

What remains: a loss whose model is itself symmetric under the reorderings (a function of the
output of the student's forward, with the backward's gradient bent in a way every reordering
carries along) is a loss like any other, which this path does not judge.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from gradcheck.audit.network import FORWARD_RTOL
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.audit.symmetry import flat_grads
from gradcheck.diagnose.layout import LayerMap, Layout, LayoutError, infer_layouts
from gradcheck.result import Diagnosis

__all__ = ["MAX_READINGS", "RTOL", "judged", "permutations", "reordered"]

#: The forward is known to be the reference network's to this fraction of its scale only (a per-unit
#: constant within it would pass unseen): the loss and the gradient at the reordered weights are held to it.
RTOL = FORWARD_RTOL
#: Rounding of the code's arithmetic in ulps of its precision (float32 code: 1e3 of its eps is 1.2e-4), when
#: that exceeds :data:`RTOL`: the sums over the hidden units run in another order.
ROUNDING_ULPS = 1e3
#: Readings of the weights tried at most (each one more point asked of the worker); more are not checked.
MAX_READINGS = 8
SEED_OFFSET = 0x0DE7  # permutations are drawn from the grader's second-point seed moved by this


def _readings(shapes: dict[str, tuple], n_in: int, n_out: int) -> list[Layout]:
    """The readings of the weights as layers with a hidden layer of two units or more."""
    try:
        found = infer_layouts(shapes, n_in, n_out)
    except LayoutError:
        return []
    return [lay for lay in found if any(m.n_out >= 2 for m in lay.layers[:-1])]


def permutations(layout: Layout, rng: np.random.Generator) -> list[np.ndarray | None]:
    """One permutation of the units per hidden layer of ``layout`` (never the identity), None for a single unit."""
    out: list[np.ndarray | None] = []
    for m in layout.layers[:-1]:
        if m.n_out < 2:
            out.append(None)
            continue
        p = rng.permutation(m.n_out)
        while np.array_equal(p, np.arange(m.n_out)):
            p = rng.permutation(m.n_out)
        out.append(p)
    return out


def _weight(W: np.ndarray, m: LayerMap, p_in: np.ndarray | None, p_out: np.ndarray | None) -> np.ndarray:
    """Student-form weight ``W`` with its output units reordered by ``p_out`` and its input units by ``p_in``."""
    R = W.T if m.transposed else W
    R = R.reshape(-1, 1) if R.ndim == 1 else R  # a vector output weight (n_hid,): one output
    if p_out is not None:
        R = R[:, p_out]
    if p_in is not None:  # a folded bias row stays where it is: it is no unit's
        if m.folded is None:
            rows = p_in
        elif m.folded == 0:
            rows = np.concatenate([[0], 1 + p_in])
        else:
            rows = np.concatenate([p_in, [R.shape[0] - 1]])
        R = R[rows]
    return (R.T if m.transposed else R).reshape(W.shape)


def reordered(tensors: dict[str, np.ndarray], layout: Layout, perms: list[np.ndarray | None]) -> dict:
    """Weights (or gradients) in student form with the hidden units reordered: ``perms[l]`` for hidden layer ``l``."""
    out = dict(tensors)
    last = len(layout.layers) - 1
    for i, m in enumerate(layout.layers):
        p_out = perms[i] if i < last else None
        p_in = perms[i - 1] if i > 0 else None
        out[m.weight] = _weight(np.asarray(tensors[m.weight]), m, p_in, p_out)
        if m.bias is not None and p_out is not None:
            b = np.asarray(tensors[m.bias])
            out[m.bias] = b.reshape(-1)[p_out].reshape(b.shape)
    return out


def _skipped(r: SubmissionResult, why: str) -> SubmissionResult:
    return dataclasses.replace(r, notes=(*r.notes, f"the order of the hidden units was not checked: {why}"))


def judged(
    r: SubmissionResult,
    at: dict[str, np.ndarray],
    sizes: tuple[int, int],
    seed: int,
    ask: Callable[[dict], dict | None],
    source: str,
    precision: np.dtype = np.dtype(np.float64),
) -> SubmissionResult:
    """``r`` (a pass against the student's own loss at weights ``at``, by name in the worker's order) unless the
    loss moves, or the gradient does not follow, when the hidden units are reordered (``sizes``: inputs, outputs;
    ``precision``: the code's, whose rounding the reordered sums may add)."""
    if not r.passed:
        return r
    if r.forward is None or r.forward.status != "match":
        return _skipped(r, "no reference network reproduced the forward, so it is not known to be a plain layered one")
    readings = _readings({k: v.shape for k, v in at.items()}, *sizes)
    if not readings:
        return _skipped(r, "the weights read as no layers with a hidden layer of two units or more")
    if len(readings) > MAX_READINGS:
        return _skipped(r, f"the weights read as {len(readings)} layered networks, more than are tried")
    rng = np.random.default_rng(seed + SEED_OFFSET)
    drawn = [(lay, permutations(lay, rng)) for lay in readings]
    points = [at, *(reordered(at, lay, perms) for lay, perms in drawn)]
    flat = [np.concatenate([np.ravel(p[n]) for n in at]) for p in points]
    answer = ask(
        {
            "sources": [source],
            "points": [f.tolist() for f in flat],
            "grads_at": [[np.asarray(p[n]).tolist() for n in at] for p in points],
        }
    )
    own = (answer or {}).get("own_loss") if isinstance(answer, dict) else None
    values = own.get("values") if isinstance(own, dict) else None
    got = own.get("grads_at") if isinstance(own, dict) else None
    if not isinstance(values, list) or not isinstance(got, list) or len(values) != len(points):
        return _skipped(r, "the worker gave no values at the reordered weights")
    grads = flat_grads(got) if len(got) == len(points) else None
    if grads is None or any(g.shape != flat[0].shape for g in grads) or not all(_finite(v) for v in values):
        return _fail(r, None, None)
    cuts = np.cumsum([at[n].size for n in at])[:-1]
    g0 = dict(zip(at, (c.reshape(at[n].shape) for n, c in zip(at, np.split(grads[0], cuts)))))
    rtol = max(RTOL, ROUNDING_ULPS * float(np.finfo(precision).eps))
    loss_scale = abs(values[0]) + float(np.sum(np.abs(grads[0] * flat[0])))
    grad_scale = float(np.max(np.abs(grads[0]))) if grads[0].size else 0.0
    misses = []
    for k, (lay, perms) in enumerate(drawn, 1):
        carried = np.concatenate([np.ravel(v) for v in reordered(g0, lay, perms).values()])
        dl = abs(values[k] - values[0]) / max(loss_scale, np.finfo(float).tiny)
        dg = float(np.max(np.abs(grads[k] - carried))) / max(grad_scale, np.finfo(float).tiny)
        if dl <= rtol and dg <= rtol:
            note = "with the hidden units reordered the student's loss is unchanged and the gradient follows them"
            return dataclasses.replace(r, notes=(*r.notes, note))
        misses.append((dl, dg))
    return _fail(r, *min(misses, key=max))


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and bool(np.isfinite(v))


def _fail(r: SubmissionResult, loss_off: float | None, grad_off: float | None) -> SubmissionResult:
    if loss_off is None:
        how = "no finite loss or gradient came back at the reordered weights"
    else:
        how = (
            f"the loss moved by {loss_off:.2g} of its size and the gradient missed the reordered gradient by "
            f"{grad_off:.2g} of its largest entry"
        )
    diag = Diagnosis(
        "inconsistent_gradient",
        None,
        "With the hidden units put in another order (a permutation the grader drew, which leaves a layered "
        f"network's output and loss unchanged and reorders its gradient the same way), {how}: the code's loss and "
        "gradient are not those of the network its forward computes at these weights; look for a loss or gradient "
        "computed from stored weights (the start weights, a model kept from earlier) instead of the current ones.",
        0.9,
        {"unit_order": {"loss": loss_off, "gradient": grad_off}},
    )
    return dataclasses.replace(r, status="fail", diagnoses=(diag, *r.diagnoses))
