"""Name the bug: from the numbers alone, and by fingerprint where the network is known.

Two sources of evidence, ranked together by confidence:

Signatures (numbers only)
    Per tensor, the least-squares ratio ``c = (a . n) / (n . n)`` of the
    analytic ``a`` to the numeric ``n`` and its relative residual. A constant
    ratio shared by every tensor is a convention or a factor (-1: sign flip;
    N: sum instead of mean; 2 or 1/2: the MSE factor; otherwise a uniform
    scale); a constant ratio on some tensors only is a per-tensor scale (0:
    zero gradient, -1: sign flip); a square tensor equal to the numeric
    transposed is a transposed layout. Which tensors are wrong and which are
    right localises the bug to a layer.
Fingerprints (known architecture)
    Where the network behind the loss is a reference MLP (its closures carry
    it) every catalogued mutant of that architecture is evaluated at the same
    parameters and data; mutants whose gradients match the claimed gradient
    name the bug precisely ("tanh derivative evaluated at the activation in
    layer 1"). A match explains every entry, a signature one ratio: where a
    mutant matches, the signatures rank below it. Mutants that match alike
    (identical at this point, e.g. sum over a batch of 2 and a doubled MSE
    factor) share the top confidence.

A passing report is never diagnosed.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcheck.result import Diagnosis, GradientReport
from reference_nets.zoo import DIAGNOSIS_CODES

#: The fixed vocabulary (add codes, never rename).
CODES = (*DIAGNOSIS_CODES, "localized", "loss_ill_conditioned")

#: A ratio is constant when the least-squares residual is below this many
#: times the check's rtol (relative to the gradient's norm): numeric noise sits
#: near rtol, real activation or caching bugs leave residuals of 1e-2 and above.
RATIO_RESIDUAL = 100.0
#: Two factors are "the same" within this relative difference.
FACTOR_MATCH = 1e-3
#: A mutant matches the claimed gradient when every tensor agrees to this
#: fraction of the tensor's largest entry (both are exact up to rounding).
FINGERPRINT_RTOL = 1e-6
#: How far below the fingerprints a signature ranks when a catalogued mutant
#: reproduces the whole gradient: the match explains every entry of every tensor,
#: a signature one ratio, often a symptom of the same bug (under sum-over-batch
#: with weight decay only the bias tensors carry the pure factor N). The step is
#: the one that already separates successive diagnoses of one factor.
FINGERPRINT_MARGIN = 0.05
#: Up to this many parameters the mutants are compared even when only a few entries
#: fail: in a small net a catalogued bug may be confined or faint (bias-first-sample
#: where a unit is live in one sample only; dW from Z on units where Z is nearly
#: tanh(Z)) and fail just the one or two entries the numeric side resolves. The
#: comparison costs one forward+backward pass per candidate (~50): measured 40 to
#: 150 ms up to this size (the size up to which ``auto`` still checks entry by
#: entry, ``gradcheck.check.AUTO_FULL_LIMIT``), and 270 ms at 335k parameters, more
#: than the failing check itself (200 ms). Above it, a few wrong entries among right
#: ones are taken for an isolated slip and the comparison is skipped.
FINGERPRINT_ALWAYS_LIMIT = 20_000


@dataclasses.dataclass(frozen=True)
class Context:
    """What is known about the network behind a loss (for fingerprints).

    Attributes
    ----------
    network : reference_nets.mlp.MLP
        The reference network (architecture, loss).
    X, Y : ndarray
        The fixed batch.
    """

    network: Any
    X: np.ndarray
    Y: np.ndarray
    layout: Any = None
    scale: float = 1.0

    def to_reference(self, tensors: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Tensors in the user's names and layout, in reference form (``W1``, in x out)."""
        arrays = {k: np.asarray(v, np.float64) for k, v in tensors.items()}
        return arrays if self.layout is None else self.layout.to_reference(arrays)

    def user_name(self, reference_name: str) -> str:
        """The user's name for a reference tensor name."""
        return reference_name if self.layout is None else self.layout.names().get(reference_name, reference_name)

    @classmethod
    def infer(cls, loss: Any, params: Mapping[str, np.ndarray]) -> Context | None:
        """Identify a hand-written MLP loss with a reference network.

        The batch is looked for among the arrays the loss can see (closure,
        globals); the layout comes from the parameter shapes; activations,
        output and loss (and a constant factor, e.g. 0.5 * MSE) are found by
        evaluating every candidate reference network at two parameter points
        and keeping the one whose loss is proportional to the user's at both.

        Returns
        -------
        Context or None
            None when no candidate reproduces the loss.
        """
        try:
            return _infer(loss, {k: np.asarray(v, np.float64) for k, v in params.items()})
        except Exception:  # inference is best effort: never let it break a report
            return None

    @classmethod
    def from_function(cls, fn: Any) -> Context | None:
        """The context attached to a reference net's closure, if any."""
        network, data = getattr(fn, "network", None), getattr(fn, "data", None)
        if network is None or data is None or not hasattr(network, "config"):
            return None
        return cls(network, *data)

    @classmethod
    def discover(cls, *functions: Any) -> Context | None:
        """Find the reference network and batch behind user functions.

        Looks at the attributes set by :meth:`reference_nets.mlp.MLP.closures`,
        then at what the functions close over (``lambda p: net.loss(p, X, Y)``),
        ``functools.partial`` objects and bound methods. Returns None when
        nothing unambiguous is found: diagnosis then uses the numbers alone.
        """
        for fn in functions:
            found = cls.from_function(fn) or _from_closure(fn)
            if found is not None:
                return found
        return None

    @property
    def batch_size(self) -> int:
        """Number of samples."""
        return int(self.X.shape[0])


def _closure_items(fn: Any, depth: int = 0) -> list[tuple[str, Any]]:
    """``(name, value)`` pairs a function can see: free variables, partial args, bound self."""
    items: list[tuple[str, Any]] = []
    if hasattr(fn, "func") and hasattr(fn, "args"):  # functools.partial
        items += [(f"arg{i}", a) for i, a in enumerate(fn.args)] + list((fn.keywords or {}).items())
        fn = fn.func
    if hasattr(fn, "__self__"):
        items.append(("self", fn.__self__))
    code, cells = getattr(fn, "__code__", None), getattr(fn, "__closure__", None) or ()
    names = code.co_freevars if code is not None else ()
    for name, cell in zip(names, cells):
        try:
            value = cell.cell_contents
        except ValueError:  # empty cell
            continue
        items.append((name, value))
        if depth < 1 and callable(value) and not isinstance(value, type):
            items += _closure_items(value, depth + 1)
    if code is not None and getattr(fn, "__globals__", None) is not None:
        items += [(n, fn.__globals__[n]) for n in code.co_names if n in fn.__globals__]
    return items


def _from_closure(fn: Any) -> Context | None:
    items = _closure_items(fn)
    nets = [v for _, v in items if hasattr(v, "config") and hasattr(v, "backward") and hasattr(v, "forward")]
    if not nets:
        return None
    sizes = nets[0].config.sizes
    arrays = [(n.lower(), v) for n, v in items if isinstance(v, np.ndarray) and v.ndim == 2]
    xs = [(n, a) for n, a in arrays if a.shape[1] == sizes[0]]
    ys = [(n, a) for n, a in arrays if a.shape[1] == sizes[-1]]
    X = _pick(xs, ("x", "input", "data"))
    Y = _pick([(n, a) for n, a in ys if a is not X], ("y", "target", "label", "t"))
    if X is None or Y is None or X.shape[0] != Y.shape[0]:
        return None
    return Context(nets[0], X, Y)


def _batches(items) -> list[tuple[np.ndarray, np.ndarray]]:
    arrays = [v for _, v in items if isinstance(v, np.ndarray) and v.ndim in (1, 2) and v.dtype.kind in "fiub"]
    out = []
    for X in arrays:
        for Y in arrays:
            if X is not Y and X.ndim == 2 and X.shape[0] == Y.shape[0]:
                out.append((X.astype(float), (Y if Y.ndim == 2 else Y[:, None]).astype(float)))
    return out


def _user_loss(loss, params) -> float:
    value = loss(params)
    return float(np.asarray(value).reshape(()))


def _infer(loss, params) -> Context | None:
    from gradcheck.audit.layout import LayoutError, infer_layouts
    from reference_nets.mlp import MLP, MLPConfig

    L0 = _user_loss(loss, params)
    rng = np.random.default_rng(0)
    moved = {k: v + 0.01 * rng.standard_normal(v.shape) for k, v in params.items()}
    L1 = _user_loss(loss, moved)
    for X, Y in _batches(_closure_items(loss)):
        try:
            layouts = infer_layouts({k: v.shape for k, v in params.items()}, X.shape[1], Y.shape[1])
        except LayoutError:
            continue
        for layout in layouts:
            ref0, ref1 = layout.to_reference(params), layout.to_reference(moved)
            for hidden in itertools.product(("sigmoid", "tanh", "relu"), repeat=len(layout.layers) - 1):
                for output, name in (("identity", "mse"), ("sigmoid", "mse"), ("sigmoid", "bce")):
                    cfg = MLPConfig(layout.sizes, hidden, output=output, loss=name, bias=layout.has_bias)
                    net = MLP(cfg)
                    v0, v1 = net.loss(ref0, X, Y), net.loss(ref1, X, Y)
                    if v0 > 0 and v1 > 0 and _close(L0 / v0, L1 / v1):
                        return Context(net, X, Y, layout, L0 / v0)
    return None


def _close(a: float, b: float) -> bool:
    return np.isfinite(a) and a > 0 and abs(a - b) <= 1e-9 * abs(a)


def _pick(cands: list[tuple[str, np.ndarray]], hints: tuple[str, ...]) -> np.ndarray | None:
    for hint in hints:
        named = [a for n, a in cands if n == hint or n.startswith(hint)]
        if len(named) == 1:
            return named[0]
    return cands[0][1] if len(cands) == 1 else None


def layer_of(name: str) -> int | None:
    """Layer number of a tensor name (``W2``, ``b_2``, ``weights[1]`` -> 2).

    Examples
    --------
    >>> layer_of("W2"), layer_of("weights[0]"), layer_of("gamma")
    (2, 1, None)
    """
    m = re.search(r"\[(\d+)\]\s*$", name)
    if m:
        return int(m.group(1)) + 1
    m = re.search(r"(\d+)\D*$", name)
    return int(m.group(1)) if m else None


# ----------------------------------------------------------------- signatures
@dataclasses.dataclass(frozen=True)
class _Ratio:
    name: str
    factor: float | None  # None: not a constant ratio
    residual: float
    failing: bool
    transposed: bool


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
        return _Ratio(name, None, float("inf"), failing, transposed)
    c = float(av @ nv) / nn
    scale = max(float(np.linalg.norm(av)), float(np.linalg.norm(c * nv)), np.finfo(float).tiny)
    residual = float(np.linalg.norm(av - c * nv)) / scale
    if not np.any(av):
        c, residual = 0.0, 0.0
    return _Ratio(name, c if residual <= limit else None, residual, failing, transposed)


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
        out.append(Diagnosis("sign_flip", None, MESSAGES["sign_flip_all"], 0.85, {"factor": c}))
    alternatives = _factorizations(abs(c), batch, outputs, loss)
    if not alternatives:
        if batch is None and abs(c) > 2.5 and _near(abs(c), round(abs(c))):  # a batch size, unknown here
            return out + [
                Diagnosis(
                    "missing_batch_mean",
                    None,
                    MESSAGES["missing_batch_mean"].format(n=round(abs(c))),
                    0.55,
                    {"factor": c},
                )
            ]
        if not out:
            out.append(Diagnosis("uniform_scale", None, MESSAGES["uniform_scale"].format(c=c), 0.7, {"factor": c}))
        return out
    named = [_factor_diagnoses(c, parts, batch, len(out)) for parts in alternatives]
    if len(named) > 1:  # the factor is explained equally well in several ways: a tie, at the lowest confidence
        tied = min(d.confidence for ds in named for d in ds)
        named = [[dataclasses.replace(d, confidence=tied) for d in ds] for ds in named]
    return out + [d for ds in named for d in ds]


def _factor_diagnoses(c: float, parts: dict[str, int], batch: int | None, before: int) -> list[Diagnosis]:
    """The diagnoses of one factorization of ``|c|`` (``before``: diagnoses ranked above them)."""
    out: list[Diagnosis] = []
    if "batch" in parts:
        key = "missing_batch_mean" if parts["batch"] > 0 else "double_batch_mean"
        out.append(
            Diagnosis(
                "missing_batch_mean",
                None,
                MESSAGES[key].format(n=batch),
                0.85 - 0.05 * (before + len(out)),
                {"factor": c, "batch_size": batch},
            )
        )
    if "mse" in parts:
        key = "mse_double" if parts["mse"] > 0 else "mse_half"
        out.append(
            Diagnosis("missing_mse_factor", None, MESSAGES[key], 0.8 - 0.05 * (before + len(out)), {"factor": c})
        )
    if "outputs" in parts and not out and not before:
        out.append(Diagnosis("uniform_scale", None, MESSAGES["uniform_scale"].format(c=c), 0.7, {"factor": c}))
    return out


def _per_tensor(r: _Ratio) -> Diagnosis | None:
    if r.transposed:
        return Diagnosis("transposed", r.name, MESSAGES["transposed"].format(t=r.name), 0.75, {})
    if r.factor is None or _near(r.factor, 1.0):  # a few wrong entries, not a factor
        return None
    if r.factor == 0.0:
        return Diagnosis("zero_gradient", r.name, MESSAGES["zero_gradient"].format(t=r.name), 0.75, {})
    if _near(r.factor, -1.0):
        return Diagnosis("sign_flip", r.name, MESSAGES["sign_flip"].format(t=r.name), 0.75, {"factor": r.factor})
    return Diagnosis(
        "tensor_scale",
        r.name,
        MESSAGES["tensor_scale"].format(t=r.name, c=r.factor),
        0.65,
        {"factor": r.factor, "residual": r.residual},
    )


def signatures(
    report: GradientReport, *, batch_size: int | None = None, loss: str | None = None, outputs: int | None = None
) -> list[Diagnosis]:
    """Diagnoses from the analytic and numeric values alone.

    Parameters
    ----------
    report : GradientReport
        A failing report (with ``analytic`` and ``numeric`` arrays).
    batch_size : int, optional
        Enables the ``missing_batch_mean`` signature.
    loss : {'mse', 'bce'}, optional
        Tells the MSE factor from other uniform factors.
    outputs : int, optional
        Number of outputs (a mean over them is a convention, not a bug).

    Returns
    -------
    list of Diagnosis
        Best first; may be empty.
    """
    ratios = [
        _ratio(
            t.name,
            np.asarray(report.analytic[t.name], float),
            np.asarray(report.numeric[t.name], float),
            t.status == "fail",
            RATIO_RESIDUAL * report.rtol,
        )
        for t in report.tensors
    ]
    factors = [r.factor for r in ratios if r.factor is not None and r.factor != 0.0]
    if (
        len(factors) == len(ratios)
        and ratios
        and all(_near(f, factors[0]) for f in factors)
        and not _near(factors[0], 1.0)
    ):
        return _uniform(float(np.mean(factors)), batch_size, loss, outputs)
    found = [d for r in ratios if r.failing and (d := _per_tensor(r)) is not None]
    zero_layers = _group_zero_layers(found)
    loc = localize(report)
    return zero_layers + [d for d in found if d.code != "zero_gradient" or not zero_layers] + ([loc] if loc else [])


def _group_zero_layers(found: list[Diagnosis]) -> list[Diagnosis]:
    by_layer: dict[int | None, list[str]] = {}
    for d in found:
        if d.code == "zero_gradient":
            by_layer.setdefault(layer_of(d.tensor), []).append(d.tensor)
    return [
        Diagnosis(
            "zero_gradient", ", ".join(ts), MESSAGES["zero_gradient"].format(t=" and ".join(ts)), 0.8, {"layer": layer}
        )
        for layer, ts in by_layer.items()
        if len(ts) > 1
    ]


def localize(report: GradientReport) -> Diagnosis | None:
    """Which layers are wrong and which are right, as a ``localized`` diagnosis."""
    wrong = [t.name for t in report.tensors if t.status == "fail"]
    right = [t.name for t in report.tensors if t.status in ("pass", "kink")]
    layers = [layer_of(n) for n in wrong]
    if not wrong or None in layers:
        return None
    top = max(layers)
    above = [n for n in right if (layer_of(n) or 0) > top]
    n_layers = max((layer_of(t.name) or 0) for t in report.tensors)
    bias_right = f"b{top}" in right and f"W{top}" in wrong
    if bias_right:
        where = (
            f"the product forming dW{top} (the cached input activation or a stray factor): "
            f"db{top} is right, so the delta of layer {top} is right"
        )
    elif top == n_layers:
        where = (
            f"the output layer's backward step (layer {top}: the loss derivative or the output "
            "activation's derivative), which every layer below inherits"
        )
    else:
        where = (
            f"the backward step of layer {top} (its activation derivative, or the delta "
            f"propagated into it from layer {top + 1})"
        )
    msg = f"{', '.join(wrong)} wrong" + (f"; {', '.join(above)} right" if above else "") + f": the bug is in {where}."
    return Diagnosis("localized", ", ".join(wrong), msg, 0.3, {"wrong": wrong, "right": right, "layer": top})


# ---------------------------------------------------------------- fingerprints
def _matches(claimed: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> bool:
    if set(claimed) != set(grads):
        return False
    for name, g in grads.items():
        a = np.asarray(claimed[name], float)
        g = np.asarray(g, float)
        if a.shape != g.shape:
            return False
        top = max(float(np.max(np.abs(g))), float(np.max(np.abs(a))), np.finfo(float).tiny)
        if float(np.max(np.abs(a - g))) > FINGERPRINT_RTOL * top:
            return False
    return True


def fingerprints(claimed: Mapping[str, Any], params: Mapping[str, np.ndarray], context: Context) -> list[Diagnosis]:
    """Mutants of the known architecture whose gradient equals ``claimed``.

    Parameters
    ----------
    claimed : mapping of str to array
        The gradient under suspicion (shapes may be wrong).
    params : mapping of str to ndarray
        Parameters it was computed at.
    context : Context
        The reference network and batch.

    Returns
    -------
    list of Diagnosis
        One per matching mutant, confidence shared among the matches.
    """
    from reference_nets.zoo import MUTANTS, candidates

    try:
        p = context.to_reference(params)
        claimed = {k: v / context.scale for k, v in context.to_reference(claimed).items()}
    except (KeyError, ValueError):  # a gradient too malformed to map: compare as given
        p = {k: np.asarray(v, np.float64) for k, v in params.items()}
    hits = []
    reference = _gradient(_reference_net(context), p, context)
    for name, layer, net in candidates(context.network.config):
        grads = _gradient(net, p, context)
        if grads is not None and _matches(claimed, grads):
            hits.append((MUTANTS[name], layer, _changed(grads, reference)))
    hits.sort(key=lambda h: isinstance(h[1], tuple))  # the most specific placement first
    codes = len({spec.code for spec, _, _ in hits})
    return [_from_mutant(spec, layer, context, codes, changed) for spec, layer, changed in hits]


def _reference_net(context: Context):
    from reference_nets.mlp import MLP

    return MLP(context.network.config)


def _gradient(net, p, context: Context) -> dict[str, np.ndarray] | None:
    try:
        _, cache = net.forward(p, context.X)
        return net.backward(p, cache, context.Y)
    except (ValueError, IndexError):  # a mutant that cannot run at these shapes
        return None


def _changed(grads: Mapping[str, np.ndarray], reference: Mapping[str, np.ndarray] | None) -> list[str]:
    """The tensors a mutant changes: where its bug shows."""
    if reference is None:
        return list(grads)
    out = []
    for k, g in grads.items():
        r = reference[k]
        if g.shape != r.shape or not np.allclose(g, r, rtol=FINGERPRINT_RTOL, atol=0.0):
            out.append(k)
    return out


def _from_mutant(spec, layer: int | None, context: Context, n_hits: int, changed: list[str]) -> Diagnosis:
    cfg = context.network.config
    layers = layer if isinstance(layer, tuple) else ((layer,) if layer else ())
    first = layers[0] if layers else None
    act = cfg.hidden[first - 1] if first and first <= len(cfg.hidden) else cfg.output
    everything = layer is None and len(changed) == len(cfg.param_names)
    tensor = None if everything else (", ".join(context.user_name(n) for n in changed) or None)
    where = ""
    if layers:
        where = f" (layer{'s' if len(layers) > 1 else ''} {' and '.join(map(str, layers))}, {act})"
    fix = (getattr(spec, "fix", "") or FIXES.get(spec.code, "")).format(l=first or "", act=act)
    sentence = SENTENCES.get(spec.name)
    if sentence:
        where_words = f"layer{'s' if len(layers) > 1 else ''} {' and '.join(map(str, layers))}" if layers else ""
        message = f"{sentence.format(act=act, l=first or '', where=where_words, L=cfg.n_layers)} {fix}".strip()
    else:
        message = f"{spec.description}{where}. {fix}".strip()
    return Diagnosis(
        spec.code,
        tensor,
        message,
        0.95 / n_hits,
        {"mutant": spec.name, "layer": list(layers) if len(layers) > 1 else first, "matched": "fingerprint"},
    )


# ----------------------------------------------------------------------- entry
def diagnose(
    report: GradientReport,
    *,
    params: Mapping[str, np.ndarray] | None = None,
    context: Context | None = None,
    batch_size: int | None = None,
    loss: str | None = None,
) -> GradientReport:
    """Return ``report`` with its ``diagnoses`` filled in, best first.

    Parameters
    ----------
    report : GradientReport
        The check's report; a passing one is returned unchanged.
    params : mapping, optional
        The parameters checked (needed for fingerprints).
    context : Context, optional
        The reference network and batch behind the loss (fingerprints).
    batch_size : int, optional
        Number of samples (defaults to the context's).
    loss : {'mse', 'bce'}, optional
        The loss (defaults to the context's).

    Returns
    -------
    GradientReport
        A copy with ``diagnoses`` set.
    """
    if report.passed:
        return dataclasses.replace(report, diagnoses=())
    outputs = None
    if context is not None:
        batch_size = batch_size or context.batch_size
        loss = loss or context.network.config.loss
        outputs = context.network.config.sizes[-1]
    matched = []
    if context is not None and params is not None and not _isolated_entries(report):
        matched = fingerprints(report.analytic, params, context)
    found = signatures(report, batch_size=batch_size, loss=loss, outputs=outputs)
    if matched:
        found = _below(found, min(d.confidence for d in matched) - FINGERPRINT_MARGIN)
    return dataclasses.replace(report, diagnoses=tuple(_rank(matched + found)))


def _below(found: list[Diagnosis], ceiling: float) -> list[Diagnosis]:
    """``found`` with every confidence capped at ``ceiling`` (never below 0)."""
    ceiling = max(ceiling, 0.0)
    return [d if d.confidence <= ceiling else dataclasses.replace(d, confidence=ceiling) for d in found]


def _isolated_entries(report: GradientReport) -> bool:
    """A few wrong entries among right ones in every failing tensor of a large net.

    Comparing with the mutants is then skipped: no catalogued bug is likely
    to show in one or two entries of a net that large, and the comparison
    would cost more than the check (see :data:`FINGERPRINT_ALWAYS_LIMIT`).
    """
    if sum(t.size for t in report.tensors) <= FINGERPRINT_ALWAYS_LIMIT:
        return False
    failing = [t for t in report.tensors if t.status == "fail"]
    return bool(failing) and all(
        t.counts.get("fail", 0) <= 2 and t.counts.get("pass", 0) + t.counts.get("kink", 0) > 0 for t in failing
    )


def _rank(found: list[Diagnosis]) -> list[Diagnosis]:
    seen, out = set(), []
    for d in sorted(found, key=lambda d: -d.confidence):
        key = (d.code, d.tensor)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def diagnose_shape_error(
    exc, claimed: Mapping[str, Any], params: Mapping[str, np.ndarray], context: Context | None = None
) -> list[Diagnosis]:
    """Diagnoses for a gradient refused because of its shape.

    Parameters
    ----------
    exc : gradcheck.problem.GradientShapeError
        The refusal (tensor name, expected and actual shape).
    claimed, params : mapping
        The raw claimed gradient and the parameters.
    context : Context, optional
        For fingerprints and the batch size.
    """
    found = fingerprints(claimed, params, context) if context is not None else []
    batch = context.batch_size if context is not None else None
    name, want, got = exc.name, tuple(exc.expected), tuple(exc.got)
    per_sample = (len(got) == len(want) + 1 and got[1:] == want) or (
        len(want) == 1 and len(got) == 1 and batch is not None and got[0] == batch
    )
    if per_sample and (batch is None or got[0] == batch):
        found.append(
            Diagnosis(
                "bias_not_summed",
                name,
                MESSAGES["bias_not_summed_shape"].format(t=name, got=got, want=want),
                0.8,
                {"expected": list(want), "got": list(got)},
            )
        )
    elif len(want) == 2 and got == want[::-1]:
        found.append(
            Diagnosis(
                "transposed",
                name,
                MESSAGES["transposed"].format(t=name),
                0.8,
                {"expected": list(want), "got": list(got)},
            )
        )
    return _rank(found)


MESSAGES = {
    "sign_flip_all": (
        "Every gradient has the wrong sign (ratio -1 in every tensor): the error is "
        "y - yhat where the gradient of the loss needs yhat - y. Use yhat - y, or keep "
        "y - yhat and update with W += lr * dW."
    ),
    "sign_flip": "{t}'s gradient has the wrong sign (ratio -1) while other tensors are right.",
    "missing_batch_mean": (
        "Every gradient is N = {n} times too large: the loss is a mean over the "
        "batch but the gradient is a sum. Divide the output delta by N."
    ),
    "double_batch_mean": (
        "Every gradient is N = {n} times too small: the batch mean is taken twice "
        "(the output delta is already divided by N)."
    ),
    "mse_half": (
        "Every gradient is half the true one: d/dyhat of mean((yhat - y)**2) is "
        "2 * (yhat - y) / N, and the factor 2 is missing."
    ),
    "mse_double": (
        "Every gradient is twice the true one: the MSE factor 2 is applied twice (or the "
        "loss is 0.5 * mean((yhat - y)**2) while the gradient keeps the 2)."
    ),
    "uniform_scale": (
        "Every gradient is {c:.6g} times the true one: a loss convention (a different "
        "normalisation), not broken backprop. Make the gradient match the loss you report."
    ),
    "tensor_scale": "{t}'s gradient is {c:.6g} times the true one while the other tensors are right.",
    "transposed": (
        "{t}'s gradient is transposed: with W of shape (in, out), use dW = A_prev.T @ dZ (not dZ.T @ A_prev)."
    ),
    "zero_gradient": "{t}'s gradient is zero although the loss depends on it: it is never computed or never stored.",
    "bias_not_summed_shape": (
        "{t}'s gradient has shape {got} instead of {want}: one gradient per "
        "sample, not summed over the batch. Use db = dZ.sum(axis=0)."
    ),
}

FIXES = {
    "derivative_at_activation": (
        "Evaluate the derivative at the pre-activation: dZ{l} = dA{l} * "
        "f'(Z{l}), or use the output form with the activation (1 - A{l}**2 for "
        "tanh, A{l} * (1 - A{l}) for sigmoid)."
    ),
    "derivative_at_preactivation": (
        "The output-form helper (a * (1 - a), 1 - a**2) expects the activation A{l}, not Z{l}."
    ),
    "wrong_activation_derivative": "Use the derivative of the activation layer {l} actually applies ({act}).",
    "missing_activation_derivative": "Multiply by the activation's derivative: dZ{l} = dA{l} * f'(Z{l}).",
    "extra_activation_derivative": (
        "With BCE on a sigmoid output, dL/dz = (yhat - y) / N already "
        "includes sigma'; do not multiply by sigma'(z) again."
    ),
    "sign_flip": "Check the sign of the error term (yhat - y) and of the update.",
    "missing_batch_mean": "Divide by the batch size once, where the output delta is formed.",
    "missing_mse_factor": "d/dyhat mean((yhat - y)**2) = 2 * (yhat - y) / N.",
    "tensor_scale": "Remove the stray factor in this layer's gradient.",
    "bias_not_summed": "db{l} = dZ{l}.sum(axis=0): one entry per unit, summed over the batch.",
    "transposed": "dW{l} = A{prev}.T @ dZ{l} for W of shape (in, out).".replace("{prev}", "_prev"),
    "zero_gradient": "Compute and store this layer's gradient.",
    "wrong_cached_tensor": "dW{l} = A_prev.T @ dZ{l} uses the previous layer's activation, not its pre-activation.",
    "regularization_mismatch": "The gradient of (l2 / 2) * sum(W**2) is l2 * W, added once to dW.",
}

#: What each mutant means, in a student's words ({where}: "layer 1" / "layers 1 and 2").
SENTENCES = {
    "derivative-at-activation": (
        "The {act} derivative in {where} is evaluated at the activation "
        "A = {act}(Z) instead of at the pre-activation Z: f'(f(Z)) where f'(Z) belongs."
    ),
    "output-derivative-at-activation": (
        "The output sigmoid's derivative is evaluated at the prediction "
        "yhat = sigmoid(Z) instead of at Z: sigmoid'(yhat) where sigmoid'(Z) belongs."
    ),
    "derivative-at-preactivation": (
        "An output-form derivative helper (a * (1 - a) for sigmoid, 1 - a**2 for tanh) "
        "is applied to the pre-activation Z in {where} instead of to the activation A."
    ),
    "output-derivative-at-preactivation": (
        "The output-form helper yhat * (1 - yhat) is applied to the output pre-activation Z instead of to yhat."
    ),
    "wrong-activation-derivative": "{where} uses the derivative of a different activation than the {act} it applies.",
    "relu-derivative-threshold-one": "The ReLU derivative in {where} is (Z > 1); it must be (Z > 0).",
    "relu-derivative-ones": (
        "The ReLU derivative in {where} is 1 everywhere (or missing): units with Z <= 0 must pass no gradient, (Z > 0)."
    ),
    "missing-activation-derivative": (
        "The {act} derivative is missing in {where}: the delta is propagated through W but never multiplied by f'(Z)."
    ),
    "missing-output-derivative": (
        "The output sigmoid's derivative is missing: with MSE on a sigmoid output, "
        "dZ = 2 * (yhat - y) / N * sigmoid'(Z)."
    ),
    "bce-extra-sigmoid-derivative": (
        "The output delta is multiplied by sigmoid'(Z) twice: with BCE on a sigmoid "
        "output, dL/dZ = (yhat - y) / N already includes it."
    ),
    "sign-flip-tensor": "The gradient of {where}'s weights has the wrong sign while the rest is right.",
    "sign-flip-all": (
        "Every gradient has the wrong sign: the error is y - yhat where the gradient needs "
        "yhat - y (fine only if the update is then W += lr * dW)."
    ),
    "sum-over-batch": (
        "Every gradient is N times too large: the loss is a mean over the batch but the gradient sums over it."
    ),
    "mse-factor-dropped": (
        "Every gradient is half the true one: the 2 of d/dyhat (yhat - y)**2 = 2 (yhat - y) is missing."
    ),
    "mse-factor-doubled": "Every gradient is twice the true one: the MSE factor 2 is applied twice.",
    "tensor-scaled": "The weight gradient of {where} carries a stray factor while the rest is right.",
    "bias-first-sample": (
        "The bias gradient of {where} is taken from the first sample only, not summed over the batch."
    ),
    "bias-not-summed": "The bias gradient of {where} is not summed over the batch (one row per sample).",
    "bias-wrong-axis": (
        "The bias gradient of {where} is summed over the units (axis=1) instead of the samples (axis=0)."
    ),
    "dW-from-preactivation": (
        "dW in {where} uses the previous layer's pre-activation Z where its activation A belongs: dW = A_prev.T @ dZ."
    ),
    "dW-from-wrong-layer": "dW in {where} is formed with another layer's activation instead of the layer's input.",
    "l2-missing": "The weight-decay term is missing from the weight gradients: add l2 * W.",
    "l2-doubled": "The weight-decay term is doubled: d/dW (l2 / 2) * sum(W**2) is l2 * W, not 2 * l2 * W.",
    "l2-on-bias": "Weight decay is added to the bias gradients, but the loss does not decay the biases.",
    "transposed": "dW in {where} is transposed: for W of shape (in, out) it is A_prev.T @ dZ, not dZ.T @ A_prev.",
    "zero-gradient": "The gradient of {where} is left at zero: it is never computed or never stored.",
}
