"""Which reference network a student's parameters and forward output describe.

The student's weights are mapped onto the reference MLP in every consistent
layout (:mod:`gradcheck.diagnose.layout`) and run through every candidate
architecture: hidden sigmoid, tanh, ReLU, leaky ReLU and ELU (one per layer,
their slope or alpha fitted to the output), output identity, sigmoid, tanh and
softmax. The candidate that reproduces the student's own forward output is the
network whose loss the student's gradient must match; when none does, the
closest one is reported with its distance.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar

from gradcheck.audit.spec import AuditSpec
from gradcheck.diagnose.layout import Layout, LayoutError, infer_layouts
from reference_nets.config import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from reference_nets.mlp import MLP, MLPConfig

#: The student's forward output matches the reference when it agrees to this
#: fraction of its scale (both compute the same float64 expressions; a student's
#: ``np.clip`` or ``+ 1e-8`` inside a log stays far below it).
FORWARD_RTOL = 1e-6
#: A matching forward output further than this fraction of its scale from the float64 reference computes in
#: float32 somewhere (a weight or the input cast with astype(np.float32) inside the forward): float64
#: arithmetic of the same expressions differs by a few ulps (1e-16), float32 rounding of what enters a sum
#: by float32's eps (1.2e-7) of it. A thousandth of float32's eps sits far from both.
NARROWED_RTOL = float(np.finfo(np.float32).eps) / 1024
#: A candidate within this fraction of the output's scale computes the student's expressions: float64
#: rounding of the same sums in another order stays within a few hundred ulps (eps * 2**10 = 2.3e-13).
EXACT_RTOL = float(np.finfo(np.float64).eps) * 2**10
#: Every combination of hidden activations is tried up to this depth; deeper nets
#: try one activation for every hidden layer.
ALL_COMBINATIONS_DEPTH = 2
#: Parameters of leaky ReLU (slope) and ELU (alpha) tried first: the ones courses use.
COMMON_PARAMETERS = {"leaky_relu": (0.01, 0.1, 0.2, 0.02, 0.05, 0.3), "elu": (1.0, 0.1, 0.5, 0.01, 2.0)}
#: Range searched for a slope or alpha none of the common ones fits (log10).
PARAMETER_RANGE = (-4.0, 1.0)


@dataclass(frozen=True)
class ForwardCheck:
    """The student's forward pass against the reference forward.

    Attributes
    ----------
    status : str
        ``match``, ``mismatch`` or ``unavailable``.
    max_abs_error : float or None
        Largest difference with the closest reference network.
    network : str or None
        The reference network used (``2-4-1 tanh|sigmoid``).
    note : str
        How it was decided.
    on_logits : bool
        The student's forward returns the output layer's pre-activation (scores): the
        output activation is then not told by the forward.
    """

    status: str
    max_abs_error: float | None
    network: str | None
    note: str = ""
    on_logits: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return dataclasses.asdict(self)


def _distance(ref: np.ndarray, out: np.ndarray) -> float:
    if out.shape != ref.shape and out.T.shape == ref.shape:
        out = out.T
    if out.size != ref.size:
        return np.inf
    return float(np.max(np.abs(out.reshape(ref.shape) - ref)))


def forward_errors(net: MLP, ref_params: dict, X: np.ndarray, student_out: np.ndarray) -> tuple[float, float]:
    """Largest entry differences of the student's output from the reference output and from its logits.

    A CS231n ``loss(X)`` returns the scores before the softmax: the output layer's
    pre-activation is the network's output too.
    """
    yhat, cache = net.forward(ref_params, X)
    return _distance(yhat, student_out), _scores_distance(net, cache.zs[-1], student_out)


def _scores_distance(net: MLP, scores: np.ndarray, out: np.ndarray) -> float:
    """:func:`_distance` to the scores; a softmax's scores are the network's up to one constant per sample
    (``scores - scores.max(axis=1, keepdims=True)``, the overflow guard, computes the same network)."""
    d = _distance(scores, out)
    if net.config.output != "softmax" or not np.isfinite(d) or scores.ndim != 2:
        return d
    out = out.T if out.shape != scores.shape and out.T.shape == scores.shape else out.reshape(scores.shape)
    centred = (out - out.mean(axis=1, keepdims=True)) - (scores - scores.mean(axis=1, keepdims=True))
    return min(d, float(np.max(np.abs(centred))))


def forward_error(net: MLP, ref_params: dict, X: np.ndarray, student_out: np.ndarray, logits: bool = False) -> float:
    """Largest entry difference between the reference output (or, with ``logits``, its scores too) and the student's."""
    on_out, on_scores = forward_errors(net, ref_params, X, student_out)
    return min(on_out, on_scores) if logits else on_out


def _hidden_choices(spec: AuditSpec, depth: int) -> list[tuple[str, ...]]:
    if spec.hidden:
        return [spec.hidden * depth] if len(spec.hidden) == 1 and depth > 1 else [spec.hidden]
    if depth <= ALL_COMBINATIONS_DEPTH:
        return list(itertools.product(HIDDEN_ACTIVATIONS, repeat=depth))
    return [(h,) * depth for h in HIDDEN_ACTIVATIONS]


def output_choices(spec: AuditSpec, n_out: int) -> list[str]:
    """The output activations to try: the declared one, else every one the output width allows."""
    declared = spec.get("network", "output")
    if declared:
        return [declared]
    return [o for o in OUTPUT_ACTIVATIONS if o != "softmax" or n_out >= 2]


def _configs(layout: Layout, spec: AuditSpec):
    """Candidate configs (loss 'mse': the forward does not depend on the loss)."""
    depth = len(layout.layers) - 1
    if not layout.has_bias and any(lay.bias is not None or lay.folded is not None for lay in layout.layers):
        return  # some layers with a bias, some without: no reference network
    for hidden in _hidden_choices(spec, depth):
        if len(hidden) != depth:
            continue
        for output in output_choices(spec, layout.sizes[-1]):
            yield MLPConfig(layout.sizes, hidden, output=output, loss="mse", bias=layout.has_bias)


def _layouts(params: dict, n_in: int, n_out: int) -> list:
    """Every layout the parameters chain into, one layer of weights (depth 0) included.

    One weight matrix (alone, or with one 1-D bias of one of its widths) is a logistic, softmax or linear
    regression: when the data's guessed sizes do not chain it (integer labels taken for one output, a bias
    column folded into the inputs), its outputs are read off the matrix, with the data's inputs first, then
    with the matrix's own.
    """
    shapes = {k: tuple(v.shape) for k, v in params.items()}
    try:
        return infer_layouts(shapes, n_in, n_out)
    except LayoutError:
        single = _one_matrix(shapes)
        if single is None:
            raise
        try:
            return infer_layouts(shapes, n_in, single[1])
        except LayoutError:
            return infer_layouts(shapes, *single)


def _one_matrix(shapes: dict) -> tuple[int, int] | None:
    """(n_in, n_out) of the one weight matrix of a one-layer model (its bias of its output width), else None."""
    matrices = [s for s in shapes.values() if len(s) == 2]
    others = [s for s in shapes.values() if len(s) != 2]
    if len(matrices) != 1 or len(others) > 1 or not all(len(s) == 1 and s[0] in matrices[0] for s in others):
        return None
    rows, cols = matrices[0]
    if others and others[0][0] == rows and rows != cols:  # bias over the rows: weights laid out (out, in)
        return cols, rows
    return rows, cols


def candidates(params: dict, X: np.ndarray, n_out: int, spec: AuditSpec):
    """Every (layout, config) a network without a forward output could be (one hidden activation for all layers).

    Leaky ReLU and ELU with their usual slope and alpha only: without an output to fit
    them to, their parameter is a guess, said in the label.
    """
    for layout in _layouts(params, X.shape[1], n_out):
        depth = len(layout.layers) - 1
        hidden = (
            [spec.hidden * depth]
            if spec.hidden and len(spec.hidden) == 1
            else [spec.hidden]
            if spec.hidden
            else [(h,) * depth for h in HIDDEN_ACTIVATIONS]
        )
        for h in hidden:
            for output in output_choices(spec, layout.sizes[-1]):
                yield layout, MLPConfig(layout.sizes, h, output=output, loss="mse", bias=layout.has_bias)


def _parameter_of(config: MLPConfig) -> str | None:
    kinds = {h for h in config.hidden if h in COMMON_PARAMETERS}
    return kinds.pop() if len(kinds) == 1 else None


def _with(config: MLPConfig, kind: str, value: float) -> MLPConfig:
    return dataclasses.replace(config, **({"leaky_slope": value} if kind == "leaky_relu" else {"elu_alpha": value}))


def _fit_parameter(config: MLPConfig, ref: dict, X, out, tol: float, logits: bool) -> tuple[float, MLPConfig]:
    """The slope or alpha that reproduces the output best: the common ones, then a bounded search."""
    kind = _parameter_of(config)
    if kind is None:
        return forward_error(MLP(config), ref, X, out, logits), config
    tried = (_with(config, kind, v) for v in COMMON_PARAMETERS[kind])
    best = min(((forward_error(MLP(c), ref, X, out, logits), c) for c in tried), key=lambda t: t[0])
    if best[0] <= tol:
        return best

    def err(log10: float) -> float:
        return forward_error(MLP(_with(config, kind, 10.0**log10)), ref, X, out, logits)

    found = minimize_scalar(err, bounds=PARAMETER_RANGE, method="bounded", options={"xatol": 1e-10})
    fitted = _with(config, kind, float(10.0**found.x))
    e = forward_error(MLP(fitted), ref, X, out, logits)
    return (e, fitted) if e < best[0] else best


def label(config: MLPConfig) -> str:
    """``2-4-1 tanh|sigmoid`` (with ``slope=`` / ``alpha=`` where a leaky ReLU or ELU has one)."""
    text = f"{'-'.join(map(str, config.sizes))} {','.join(config.hidden)}|{config.output}"
    if "leaky_relu" in config.hidden:
        text += f" slope={config.leaky_slope:.4g}"
        if config.slope_one:  # fitted to a forward with no activation there (h = x.dot(w1))
            text += " (a leaky ReLU of slope 1: no activation at all)"
    if "elu" in config.hidden:
        text += f" alpha={config.elu_alpha:.4g}"
    return text


def _closest(layouts: list[Layout], params: dict, forward, X, spec: AuditSpec, tol: float):
    """(error, layout, config) of the first candidate that reproduces the output exactly, else of the closest.

    Exactly is to float64's rounding of the same expressions (:data:`EXACT_RTOL`). Short of that, every
    candidate is tried and the closest kept: at small weights and zero biases a wrong network (a sigmoid
    hidden layer where a ReLU belongs, a slope fitted to 1.02) comes within ``tol`` of an output that
    barely varies, and the first such was taken for the network. The output itself first; only when no
    candidate reproduces it, the scores (a forward returning logits), which leave the output activation open.
    """
    best = None
    exact = tol * EXACT_RTOL / FORWARD_RTOL
    for logits in (False, True):
        for layout in layouts:
            ref = layout.to_reference(params)
            for config in _configs(layout, spec):
                if forward is None:
                    return np.inf, layout, config
                try:
                    err, fitted = _fit_parameter(config, ref, X, forward, exact, logits)
                except ValueError:  # the layout's reference takes another input width than the batch has
                    continue
                if best is None or err < best[0]:
                    best = (err, layout, fitted)
                if err <= exact:
                    return best
        if best is not None and best[0] <= tol:
            return best
    return best


def infer_network(params: dict, forward: np.ndarray | None, X: np.ndarray, n_out: int, spec: AuditSpec):
    """(layout, config, ForwardCheck): the reference network closest to the student's forward output.

    Raises
    ------
    LayoutError
        No layout or no candidate fits the parameters.
    """
    layouts = _layouts(params, X.shape[1], n_out)
    scale = max(1.0, float(np.max(np.abs(forward)))) if forward is not None else 1.0
    tol = FORWARD_RTOL * scale
    best = _closest(layouts, params, forward, X, spec, tol)
    if best is None:
        raise LayoutError("no reference network fits these parameters (mixed biases?); declare [network] in the spec")
    err, layout, config = best
    if forward is None:
        return (
            layout,
            config,
            ForwardCheck("unavailable", None, label(config), "no forward output: activations assumed"),
        )
    if err <= tol and _told_apart(layouts, layout, params, forward, X, spec, tol):
        how = "activations inferred from the forward output" if not spec.hidden else "declared activations"
        on_out, _ = forward_errors(MLP(config), layout.to_reference(params), X, forward)
        if on_out > tol:
            how += "; the forward returns the output layer's scores (logits)"
        return layout, config, ForwardCheck("match", err, label(config), how, on_logits=on_out > tol)
    if err <= tol:
        return layout, config, ForwardCheck("unavailable", None, label(config), UNTOLD)
    return (
        layout,
        config,
        ForwardCheck("mismatch", err, label(config), "no reference network reproduces the forward output"),
    )


#: Why a forward output that one-layer readings of the weights all reproduce identifies none of them.
UNTOLD = (
    "the forward output at these weights is reproduced by more than one reading of the weights (a bias row "
    "first or last, zero weights): the network is the one under which the gradient is right"
)


def _told_apart(layouts: list[Layout], layout: Layout, params: dict, forward, X, spec: AuditSpec, tol: float) -> bool:
    """Whether the forward output tells the one-layer ``layout`` from every other reading of the same weights.

    A logistic or softmax regression starting from zero weights outputs the same value for every
    sample whichever row of its weight matrix holds the bias; only the gradient then tells them apart.
    Deeper layouts keep the first match, as before.
    """
    if len(layout.layers) != 1:
        return True
    for other in layouts:
        if other == layout or len(other.layers) != 1:
            continue
        ref = other.to_reference(params)
        if any(forward_error(MLP(c), ref, X, forward, True) <= tol for c in _configs(other, spec)):
            return False
    return True


def narrowed_forward(forward: ForwardCheck, out: np.ndarray | None, precision: np.dtype) -> str | None:
    """The note saying a float64 network's forward computes in float32, when its matching output says so; else None.

    Weights kept in float64 but cast in the forward (``self.W1.astype(np.float32)``, ``X.astype(np.float32)``)
    give a backward computed from float32-rounded values: right to float32's rounding, not float64's. A guard
    the forward adds (``1 / (1 + np.exp(-z) + 1e-8)``) moves the output by as little, and its backward is right to
    that much: the note names both.
    """
    if forward.status != "match" or out is None or precision != np.float64 or not forward.max_abs_error:
        return None
    scale = max(1.0, float(np.max(np.abs(out))))
    if forward.max_abs_error <= NARROWED_RTOL * scale:
        return None
    return (
        f"the forward output differs from float64 arithmetic by {forward.max_abs_error:.2g}, float32's rounding "
        "(a weight or the input cast to float32 inside the forward?) or a small constant the forward adds (a guard "
        "such as 1 / (1 + exp(-z) + 1e-8)?): the gradient is judged to float32's rounding"
    )
