"""Name the bug from the numbers alone (no network known).

Per tensor, the least-squares ratio ``c = (a . n) / (n . n)`` of the analytic
``a`` to the numeric ``n`` and its relative residual. A constant ratio shared
by every tensor is a convention or a factor (-1: sign flip; N: sum instead of
mean; 2 or 1/2: the MSE factor; otherwise a uniform scale); a constant ratio on
some tensors only is a per-tensor (or per-layer) factor (0: zero gradient, -1:
sign flip, N: one layer without its 1/N); a square tensor equal to the numeric
transposed is a transposed layout. Entries equal to the numeric ones except the
largest, which all sit at one bound ``+-c``, are a clipped gradient; weight
gradients off by a multiple of the weights are a weight-decay mismatch.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from gradcheck.diagnose.calibration import confidence
from gradcheck.diagnose.localize import layer_of, localize
from gradcheck.diagnose.messages import MESSAGES, uniform_message
from gradcheck.diagnose.posts import clip_bound
from gradcheck.result import Diagnosis, GradientReport

#: A ratio is constant when the least-squares residual is below this many
#: times the check's rtol (relative to the gradient's norm): numeric noise sits
#: near rtol, real activation or caching bugs leave residuals of 1e-2 and above.
RATIO_RESIDUAL = 100.0
#: Two factors are "the same" within this relative difference.
FACTOR_MATCH = 1e-3
#: A factor ``c`` (a failing tensor c times the true one) or a weight-decay term ``k * W`` is named only where
#: it explains the discrepancy: what it leaves is at most this fraction of the discrepancy's norm (R^2 >= 0.99).
#: In float32 the residual bound above (100 rtol of the gradient) lets an error of 1% of one entry through,
#: fit by a factor 1.005 or some k.
UNEXPLAINED = 0.1


def diag(code: str, tensor: str | None, message: str, basis: str, evidence: dict | None = None, tied: int = 1):
    """A Diagnosis whose confidence is the calibrated one of its ``basis``."""
    evidence = {**(evidence or {}), "basis": basis, "tied": tied}
    return Diagnosis(code, tensor, message, confidence(basis, tied), evidence)


@dataclasses.dataclass(frozen=True)
class _Ratio:
    name: str
    factor: float | None  # None: not a constant ratio
    residual: float
    failing: bool
    transposed: bool
    size: int


def _ratio(name: str, a: np.ndarray, n: np.ndarray, failing: bool, limit: float) -> _Ratio:
    mask = np.isfinite(n)
    av, nv = a[mask], n[mask]
    nn = float(nv @ nv)
    transposed = bool(
        a.ndim == 2
        and a.shape[0] == a.shape[1]
        and a.shape[0] > 1
        and mask.all()
        and np.linalg.norm(a - n.T) <= limit * np.linalg.norm(n)
        and np.linalg.norm(n - n.T) > 10 * limit * np.linalg.norm(n)
    )
    if nn == 0.0:
        return _Ratio(name, None, float("inf"), failing, transposed, int(av.size))
    c = float(av @ nv) / nn
    scale = max(float(np.linalg.norm(av)), float(np.linalg.norm(c * nv)), np.finfo(float).tiny)
    left = float(np.linalg.norm(av - c * nv))
    residual = left / scale
    if not np.any(av):
        c, residual = 0.0, 0.0
    # a failing tensor is c times the true one only where c explains its discrepancy, not one entry's 1%
    explained = not failing or not np.any(av) or left <= UNEXPLAINED * float(np.linalg.norm(av - nv))
    return _Ratio(name, c if residual <= limit and explained else None, residual, failing, transposed, int(av.size))


def _near(c: float | None, x: float) -> bool:
    return c is not None and abs(c - x) <= FACTOR_MATCH * abs(x)


def _factorizations(size: float, batch: int | None, outputs: int | None, loss: str | None) -> list[dict[str, int]]:
    """``size`` as ``N**i * 2**j * n_out**k`` (exponents in -1, 0, 1), fewest factors first.

    Returns every factorization of the best rank: more than one where the
    factors coincide (``N = 2`` and the MSE factor 2 give the same gradient,
    so neither can be preferred). Empty when none matches.

    Examples
    --------
    >>> _factorizations(16.0, 16, 1, "mse")
    [{'batch': 1}]
    >>> _factorizations(2.0, 2, 1, "mse")
    [{'mse': 1}, {'batch': 1}]
    """
    bases = {
        "batch": batch if batch and batch > 1 else None,
        "outputs": outputs if outputs and outputs > 1 else None,
        "mse": 2.0 if loss in (None, "mse") else None,
    }
    names = [k for k, v in bases.items() if v]
    found = []
    for exps in itertools.product((-1, 0, 1), repeat=len(names)):
        value = float(np.prod([bases[n] ** e for n, e in zip(names, exps)])) if names else 1.0
        if _near(size, value):
            used = {n: e for n, e in zip(names, exps) if e}
            found.append(((len(used), "outputs" in used), used))  # a named bug explains more than a convention
    best = min((rank for rank, _ in found), default=None)
    return [used for rank, used in found if rank == best]


def _uniform(c: float, batch: int | None, loss: str | None, outputs: int | None = None) -> list[Diagnosis]:
    """Diagnoses for one factor ``c`` shared by every tensor (a sign, N, 2, or a convention)."""
    out = []
    if c < 0:
        out.append(diag("sign_flip", None, MESSAGES["sign_flip_all"], "signature:uniform-named", {"factor": c}))
    alternatives = _factorizations(abs(c), batch, outputs, loss)
    if not alternatives:
        if batch is None and abs(c) > 2.5 and _near(abs(c), round(abs(c))):  # a batch size, unknown here
            message = MESSAGES["missing_batch_mean"].format(n=round(abs(c)))
            return out + [diag("missing_batch_mean", None, message, "signature:batch-unknown", {"factor": c})]
        if not out:
            message = uniform_message("uniform_scale", c, batch)
            out.append(diag("uniform_scale", None, message, "signature:uniform-other", {"factor": c}))
        return out
    tied = len(alternatives)
    for parts in alternatives:
        out += _factor_diagnoses(c, parts, batch, tied)
    return out


def _factor_diagnoses(c: float, parts: dict[str, int], batch: int | None, tied: int) -> list[Diagnosis]:
    """The diagnoses of one factorization of ``|c|`` (``tied``: factorizations that explain it equally)."""
    out: list[Diagnosis] = []
    if "batch" in parts:
        key = "missing_batch_mean" if parts["batch"] > 0 else "double_batch_mean"
        evidence = {"factor": c, "batch_size": batch}
        out.append(diag("missing_batch_mean", None, MESSAGES[key].format(n=batch), "signature:uniform-named", evidence))
    if "mse" in parts:
        key = "mse_double" if parts["mse"] > 0 else "mse_half"
        out.append(diag("missing_mse_factor", None, MESSAGES[key], "signature:uniform-named", {"factor": c}, tied))
    if "outputs" in parts and not out:
        message = MESSAGES["uniform_scale"].format(c=c)
        out.append(diag("uniform_scale", None, message, "signature:uniform-other", {"factor": c}))
    if tied > 1:
        out = [
            dataclasses.replace(
                d, confidence=confidence(d.evidence["basis"], tied), evidence={**d.evidence, "tied": tied}
            )
            for d in out
        ]
    return out


def _others(report: GradientReport, names: list[str]) -> str:
    """What to say of the other tensors: right, or wrong too (never "right" when they are not)."""
    others = [t.name for t in report.tensors if t.status == "fail" and t.name not in names]
    if not others:
        return " while the other tensors are right"
    return f"; {', '.join(others)} {'are' if len(others) > 1 else 'is'} wrong too"


def _kind(r: _Ratio, batch: int | None) -> str | None:
    """What one tensor's constant ratio says, or None (no pattern, or no bug)."""
    if r.transposed:
        return "transposed"
    if r.factor is None or _near(r.factor, 1.0) or r.size < 2:  # a few wrong entries, or one entry: no pattern
        return None
    if r.factor == 0.0:
        return "zero_gradient"
    if _near(r.factor, -1.0):
        return "sign_flip"
    if batch and batch > 1 and (_near(r.factor, batch) or _near(r.factor, 1.0 / batch)):
        return "missing_batch_mean"
    return "tensor_scale"


def _groups(ratios: list[_Ratio], batch: int | None) -> list[tuple[str, list[_Ratio]]]:
    """Failing tensors by kind, those of one layer with one kind and factor together."""
    out: list[tuple[str, list[_Ratio]]] = []
    for r in ratios:
        kind = _kind(r, batch) if r.failing else None
        if kind is None:
            continue
        for k, group in out:
            g = group[0]
            same_factor = g.factor == r.factor or (
                g.factor is not None and r.factor is not None and _near(r.factor, g.factor)
            )
            if k == kind != "transposed" and layer_of(g.name) == layer_of(r.name) and same_factor:
                group.append(r)
                break
        else:
            out.append((kind, [r]))
    return out


_BASIS = {
    "transposed": "signature:transposed",
    "zero_gradient": "signature:tensor-zero",
    "sign_flip": "signature:tensor-sign",
    "missing_batch_mean": "signature:layer-batch",
    "tensor_scale": "signature:tensor-scale",
}


def _group_diagnosis(kind: str, group: list[_Ratio], report: GradientReport, batch: int | None) -> Diagnosis:
    names = [r.name for r in group]
    t, c = " and ".join(names), group[0].factor
    are, has = ("are", "have") if len(names) > 1 else ("is", "has")
    others = _others(report, names)
    if kind == "transposed":
        message = MESSAGES["transposed"].format(t=t)
    elif kind == "zero_gradient":
        message = MESSAGES["zero_gradient"].format(t=t)
    elif kind == "sign_flip":
        message = MESSAGES["sign_flip_tensors"].format(t=t, has=has, others=others)
    elif kind == "missing_batch_mean":
        key = "layer_batch_mean" if c > 1 else "layer_double_mean"
        message = MESSAGES[key].format(t=t, are=are, n=batch, others=others.replace(" while", ";"))
    else:
        message = MESSAGES["tensor_scale"].format(t=t, c=c, others=others)
    evidence = {"factor": c, "residual": max(r.residual for r in group)} if c is not None else {}
    if len(names) > 1:
        evidence["layer"] = layer_of(names[0])
    return diag(kind, ", ".join(names), message, _BASIS[kind], evidence)


def _clipped(report: GradientReport, limit: float) -> Diagnosis | None:
    """Every entry equals the numeric one except those at one bound ``+-c``, which the numeric exceeds."""
    analytic = {t.name: np.asarray(report.analytic[t.name], float) for t in report.tensors}
    c = clip_bound(analytic)
    if c is None:
        return None
    cut = False
    for t in report.tensors:
        a, n = analytic[t.name], np.asarray(report.numeric[t.name], float)
        if a.shape != n.shape:
            return None
        seen = np.isfinite(n)
        bound = seen & (np.abs(a) >= c * (1 - 1e-9))
        free = seen & ~bound
        if np.any(np.sign(a[bound]) != np.sign(n[bound])) or np.any(np.abs(n[bound]) < c * (1 - limit)):
            return None
        if np.any(np.abs(a[free] - n[free]) > limit * np.maximum(np.abs(n[free]), c)):
            return None
        cut = cut or bool(np.any(np.abs(n[bound]) > c * (1 + limit)))
    return (
        diag("gradient_clipping", None, MESSAGES["clipping"].format(c=c), "signature:clip", {"clip": c})
        if cut
        else None
    )


def _decayed(report: GradientReport, params, limit: float) -> Diagnosis | None:
    """Weight gradients off by ``k * W`` (one ``k`` for every weight), the biases right."""
    if params is None:
        return None
    ks, hit = [], []
    for t in report.tensors:
        a, n = np.asarray(report.analytic[t.name], float), np.asarray(report.numeric[t.name], float)
        w = np.asarray(params.get(t.name), float) if t.name in params else None
        if t.status != "fail":
            continue
        if w is None or w.shape != a.shape or a.shape != n.shape:
            return None
        seen = np.isfinite(n)
        d, wv = (a - n)[seen], w[seen]
        ww = float(wv @ wv)
        if ww == 0.0 or d.size < 2:
            return None
        k = float(d @ wv) / ww
        residual = np.linalg.norm(d - k * wv)
        if residual > limit * max(np.linalg.norm(a[seen]), np.finfo(float).tiny):
            return None
        if residual > UNEXPLAINED * np.linalg.norm(d):  # small beside the gradient, yet not k * W: another bug
            return None
        ks.append(k)
        hit.append(t.name)
    if not ks or max(ks) - min(ks) > FACTOR_MATCH * max(abs(k) for k in ks):
        return None
    message = MESSAGES["regularization"].format(t=" and ".join(hit), k=ks[0], t_param=" and ".join(hit))
    return diag("regularization_mismatch", ", ".join(hit), message, "signature:decay", {"decay": ks[0]})


def signatures(
    report: GradientReport,
    *,
    batch_size: int | None = None,
    loss: str | None = None,
    outputs: int | None = None,
    params=None,
) -> list[Diagnosis]:
    """Diagnoses from the analytic and numeric values alone.

    Parameters
    ----------
    report : GradientReport
        A failing report (with ``analytic`` and ``numeric`` arrays).
    batch_size : int, optional
        Enables the ``missing_batch_mean`` signatures.
    loss : {'mse', 'bce'}, optional
        Tells the MSE factor from other uniform factors.
    outputs : int, optional
        Number of outputs (a mean over them is a convention, not a bug).
    params : mapping, optional
        The parameters (enables the weight-decay signature).

    Returns
    -------
    list of Diagnosis
        Best first; may be empty. Tensors whose gradient has the wrong shape
        are left out (see :mod:`gradcheck.diagnose.shapes`).
    """
    limit = RATIO_RESIDUAL * report.rtol
    tensors = [t for t in report.tensors if np.shape(report.analytic[t.name]) == np.shape(report.numeric[t.name])]
    ratios = [
        _ratio(
            t.name,
            np.asarray(report.analytic[t.name], float),
            np.asarray(report.numeric[t.name], float),
            t.status == "fail",
            limit,
        )
        for t in tensors
    ]
    factors = [r.factor for r in ratios if r.factor is not None and r.factor != 0.0]
    if (
        len(factors) == len(ratios)
        and ratios
        and all(_near(f, factors[0]) for f in factors)
        and not _near(factors[0], 1.0)
    ):
        return _uniform(float(np.mean(factors)), batch_size, loss, outputs)
    special = [d for d in (_clipped(report, limit), _decayed(report, params, limit)) if d is not None]
    if special:
        return special + ([loc] if (loc := localize(report)) else [])
    found = [_group_diagnosis(kind, group, report, batch_size) for kind, group in _groups(ratios, batch_size)]
    loc = localize(report)
    return found + ([loc] if loc else [])
