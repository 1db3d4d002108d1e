"""Is the loss complex-safe, as seen along the combined direction? (:func:`probe`)

The combined screen's complex evaluation doubles as the probe: the loss must
take complex parameters and return its value, and a real difference along the
same direction must confirm the complex derivative. Anything else hands the
decision to the per-entry probe of :mod:`gradcheck.numeric`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradcheck import numeric as nm
from gradcheck.along import _central_along, _richardson_along
from gradcheck.compare import SAFETY
from gradcheck.directional.combined import Combined
from gradcheck.directional.complexstep import _complex_at_point, _complex_moved, _complex_value
from gradcheck.directional.screener import Screen

#: Relative slack of :func:`probe`'s comparison of the complex directional
#: derivative with a real estimate, beyond that estimate's own error. A central
#: difference along the combined direction of a smooth float64 net agrees with
#: the complex step to ~1e-10 (at ``PROBE_STEP``); a non-analytic term on the loss's path (``abs``,
#: ``conj``) differs by a whole term. Stricter than the per-entry probe's 1e-6:
#: a disagreement only hands the decision to that probe.
PROBE_SLACK = 1e-9
#: :func:`probe`'s real step, in per-entry central-difference steps: a direction
#: that moves every entry at once curves more than one entry does, and the
#: central difference's truncation (~1e-9 of the derivative at a whole step on
#: the reference nets) would rival ``PROBE_SLACK``; at a quarter step it is 16
#: times smaller, and the rounding, 4 times larger, stays near 1e-11.
PROBE_STEP = 0.25
#: Where that central difference disagrees, :func:`probe` tries one at this
#: fraction of its step: a ReLU net over a batch has units whose pre-activation
#: crosses zero within the step, each pulling the difference off by its kink;
#: 16 times fewer do at a 16 times smaller step (none did on the reference
#: nets), while the rounding, now ~1e-10 of the derivative, stays in the tolerance.
PROBE_SMALL = 1.0 / 16.0
#: :func:`_refuted`: a complex directional derivative is shown wrong only by a gross miss, this
#: fraction of it or more (a non-analytic operation drops whole terms). A loss computed by
#: cancellation misleads the complex step by far less (1e-6 of it on saturated user forms), and
#: the per-entry probe, on the loss's extended-precision twin, judges those.
REFUTE = 1e-2
#: :func:`reproduced`: the extended twin's central differences reproduce the float64 ones when each
#: moves by at most this fraction of its miss of the complex step (a cancellation moves them by the
#: whole miss: a saturated BCE net's -3.7e-7 against a complex step of 1.5e-6).
REPRODUCED = 0.1


#: :func:`probe` first moves only the smallest tensor into the complex plane where the loss returned
#: a Python ``float`` at the point (a ``float()`` cast, ``.item()``, ``math.log``: most such losses
#: refuse complex parameters), that tensor holds at most this share of the parameters, and there are
#: at least :data:`CHEAP_PROBE_MIN` of them. In a network that tensor is usually the last bias:
#: everything computed before it stays real, and the evaluation costs about one real one, where the
#: complex one of every tensor costs several (5.3 against 1.0 ms on the 335,114-parameter net). A loss
#: that refuses it is refused there at that price; one that takes it is probed in full as before.
CHEAP_PROBE_SHARE = 0.01
CHEAP_PROBE_MIN = 20_000


def _refused_cheaply(oracle: nm.Oracle, combined: Combined) -> Probe | None:
    """The probe's answer when the loss refuses a complex step on its smallest tensor alone; else None.

    Refusing it by raising is what the full probe would see too: it moves that
    tensor as well, and the operation that raised (a cast to real) sits on its
    path. Anything else concludes nothing: a loss that takes it may still be
    unsafe elsewhere (an ``abs`` on one weight matrix), and a real value may only
    mean the tensor is unused.
    """
    if oracle.problem.returned is not float:
        return None  # (a numpy scalar, say: a loss as likely to take the complex step as not)
    if getattr(oracle.problem.loss_fn, "network", None) is not None:
        # a reference network's closure (reference_nets.mlp.MLP.closures) returns a Python float and
        # takes complex parameters; it computes every layer in the parameters' common dtype, so one
        # complex tensor costs as much as all of them: probed in full at once
        return None
    sizes = {n: w.size for n, w in oracle.work.items() if w.size}
    total = sum(sizes.values())
    if total < CHEAP_PROBE_MIN or not sizes:
        return None
    smallest = min(reversed(sizes), key=sizes.get)  # the last of the smallest
    if sizes[smallest] > CHEAP_PROBE_SHARE * total:
        return None
    along = combined.screeners[smallest].v.reshape(oracle.work[smallest].shape)  # (that tensor's direction only)
    moved = {**oracle.work, **_complex_moved(oracle, {smallest: along}, only=True)}
    try:
        _complex_value(oracle, moved)
    except Exception as exc:  # whatever it was, the per-entry probe words it
        return Probe(None, error=exc)
    return None


def _confirms(c: float, r: float, err: float, analytic: float) -> bool:
    """Does the real estimate ``r`` (error ``err``) show the complex directional derivative ``c`` right?

    Within its error bar, and only where that bar resolves the derivative: under
    half of the larger of ``c`` and the gradient's value ``analytic``, or it
    cannot tell ``c`` from 0 or from half of itself. A loss that drops the
    imaginary part (``np.abs`` of a complex residual: MAE, Huber) gives a
    complex step of 0, or of only the terms that kept it (the residuals in a
    Huber loss's quadratic branch). Measured: a Huber net at weights of 2e-3
    (sigmoid, 32 samples in both branches) had a complex step of -6.2e-11 along
    the direction, the gradient 1.17e-9 and a central difference 1.173e-9 +/-
    7.8e-11; the one at a 16th of the step, 1.17e-9 +/- 1.2e-9, covered both and
    was taken as agreement, and every tensor of the correct gradient failed
    against the complex step. (The exact-zero case is the rule at ``c = 0``.)
    """
    bar = SAFETY * err
    if not (np.isfinite(r) and abs(c - r) <= bar + PROBE_SLACK * max(abs(c), abs(r))):
        return False
    return bool(bar < 0.5 * max(abs(c), abs(analytic)))


@dataclass(frozen=True)
class Probe:
    """What :func:`probe` found.

    Attributes
    ----------
    safe : bool or None
        True: shown complex-safe. False: the complex directional derivative
        disagrees with every real estimate tried, so something on the loss's
        path is not analytic, or kinks or noise spoil the real estimates (the
        per-entry probe, at every tensor, tells which). None: not probed here.
    screen : Screen or None
        The combined screen, whenever the complex evaluation went through.
    error : Exception or None
        What the complex evaluation raised, if it did (the per-entry probe words
        it without evaluating the loss at complex parameters again).
    refuted : str or None
        With ``safe=False``: the real estimates agree with each other and
        show the complex step wrong beyond their errors, the one-sided
        differences too (no kink at the point explains it); unless the loss
        proves noisy (:func:`reproduced` then asks its extended twin), it is not
        complex-safe, whatever a few entries probed one by one would show.
    step, reals : float, tuple of float
        The real step the probe's central differences took, and the estimates.
    """

    safe: bool | None
    screen: Screen | None = None
    error: Exception | None = None
    #: where the real estimates show the complex step wrong beyond doubt (:func:`_refuted`), why
    refuted: str | None = None
    #: the real step of the probe's central differences
    step: float = 0.0
    #: the real estimates it tried (central at ``step`` and at ``PROBE_SMALL * step``, Richardson)
    reals: tuple[float, ...] = ()


def probe(oracle: nm.Oracle, combined: Combined) -> Probe:
    """Is the loss complex-safe, as seen along the combined direction? (3 to 7 evaluations)

    One complex evaluation along the combined direction, with ``ComplexWarning``
    and ``RuntimeWarning`` raised as errors: the loss must take it, return a
    complex value whose real part is the loss (to ``sqrt(eps)``), and an
    imaginary part that agrees with a real estimate along the same direction
    within that estimate's error plus ``PROBE_SLACK``: a central difference
    (two evaluations); where that disagrees, one at a 16th of the step (two
    more, for kinks crossed by the step), then Richardson extrapolation from
    the first and one at half its step (two more, for curvature). This is a check
    of the loss, whatever the gradient: a non-analytic operation anywhere on
    the loss's path (``abs``, ``conj``) changes the complex derivative along a
    direction that moves every tensor.

    Anything but ``safe=True`` leaves the decision (and the wording of the
    reason) to :func:`gradcheck.numeric.probe_complex_safety`. Only float64
    parameters are probed here; a float32 loss differs from its complex128
    evaluation by its own rounding, which that probe handles.
    """
    if oracle.dtype != np.float64:
        return Probe(None)
    refused = _refused_cheaply(oracle, combined)
    if refused is not None:
        return refused
    try:
        value = _complex_value(oracle, _complex_moved(oracle, combined.moves))
    except Exception as exc:  # whatever it was, the per-entry probe words it
        return Probe(None, error=exc)
    if not _complex_at_point(oracle, value, combined.eps):
        return Probe(None)
    c = value.imag / nm.COMPLEX_STEP
    if not np.isfinite(c):
        return Probe(None)
    screen = combined.judge(c)
    moves = combined.moves
    t_max = max((float(np.max(np.abs(oracle.flat[n]))) for n in moves if oracle.flat[n].size), default=0.0)
    h = PROBE_STEP * oracle.h0 * max(1.0, t_max)

    def agree(r: float, err: float) -> bool:
        return _confirms(c, r, err, combined.analytic)

    # a central difference first: enough for a smooth float64 loss, whose truncation
    # at this step is far below PROBE_SLACK; then a smaller step, clear of kinks,
    # and Richardson, which measures the truncation
    first = _central_along(oracle, moves, h)
    tried = []
    for estimate in (
        lambda: first,
        lambda: _central_along(oracle, moves, PROBE_SMALL * h),
        lambda: _richardson_along(oracle, moves, h, first),
    ):
        tried.append(estimate())
        if agree(*tried[-1]):
            return Probe(True, screen)
    refuted = _refuted(oracle, moves, c, tried, PROBE_SMALL * h)
    return Probe(False, screen, refuted=refuted, step=h, reals=tuple(float(v) for v, _ in tried))


def reproduced(oracle: nm.Oracle, moves, c: float, seen: Probe) -> bool:
    """Do ``oracle``'s central differences (the extended twin's) reproduce the probe's, against ``c``? (4 evaluations)

    For a loss found noisy after the probe refuted the complex step ``c``. A
    cancellation (a saturated ``1 - p``) spoils real differences alike at every
    step, so they agree with each other and miss a right complex step; in
    extended precision the cancellation loses 2048 times fewer digits and they
    move toward ``c``. Kinks read as noise by the noise table (a ReLU net at small
    weights) leave them where they were. Reproduced: each within
    :data:`REPRODUCED` of its miss of ``c``.
    """
    pairs = zip((seen.step, PROBE_SMALL * seen.step), seen.reals)
    return all(abs(float(_central_along(oracle, moves, h)[0]) - v) <= REPRODUCED * abs(c - v) for h, v in pairs)


def _refuted(oracle: nm.Oracle, moves, c: float, tried: list[tuple[float, float]], s: float) -> str | None:
    """Why the complex directional derivative ``c`` is wrong, where the real estimates show it beyond doubt; else None.

    The probe's three real estimates (central differences at two steps 16 times
    apart, and Richardson) are what kinks crossed by the step or a loss noisier
    than its rounding model would spoil; spoiled, they differ from each other
    (a kink's pull and the noise's both change with the step). Where they agree
    with each other, and all miss ``c`` by more than :data:`REFUTE` of it and
    by more than their errors and spread, ``c`` is wrong, unless the point sits
    on a kink: there the complex step takes one branch of each unit at a tie,
    which need not match any real difference (a leaky ReLU net on its kinks read
    10.14 by the complex step, 9.91 and 9.99 by the one-sided differences), and
    the kinks at the point are left to the per-entry probe. So the one-sided
    differences (four evaluations, extrapolated) must agree with each other (no
    kink at the point) and miss ``c`` as well. Measured: a Huber ReLU net at weights of 9e-3 (32 samples, residuals in
    both branches) read 6.4e-6 by the complex step along the direction, 1.068e-5
    +/- 1.4e-10 and 1.067e-5 +/- 2.2e-9 by the central differences; the per-entry
    probe that followed took real estimates with error bars six times the entries
    as agreement, and the correct gradient failed against the complex step.
    """
    values = [v for v, _ in tried]
    spread = max(values) - min(values)
    gap = min(abs(c - v) for v in values)
    if not np.all(np.isfinite(values)) or gap <= SAFETY * (max(e for _, e in tried) + spread):
        return None
    if gap <= REFUTE * max(abs(c), *(abs(v) for v in values)):
        return None
    (right, r_err), (left, l_err) = (_one_sided_along(oracle, moves, side * s) for side in (1.0, -1.0))
    if not np.isfinite(right + left) or abs(right - left) > SAFETY * (r_err + l_err):
        return None  # a kink at the point: the complex step took one branch of it (or neither, through several)
    if abs(c - right) <= SAFETY * r_err or abs(c - left) <= SAFETY * l_err:
        return None
    return (
        f"complex step along the screening direction ({c:.6g}) disagrees with central differences at two steps "
        f"16 times apart and Richardson ({min(values):.6g} to {max(values):.6g}), and with the one-sided "
        f"differences ({right:.6g}, {left:.6g}): the loss is not analytic (abs, max, clip or similar)"
    )


def _one_sided_along(oracle: nm.Oracle, moves, s: float) -> tuple[float, float]:
    """The one-sided derivative along ``moves`` toward the sign of ``s`` (2 evaluations), and its error.

    Differences at ``s`` and ``s / 2`` extrapolated (``2 D(s/2) - D(s)`` removes
    the first-order truncation); the error is that correction plus the rounding.
    """
    ends = [oracle.loss_along(moves, step) for step in (s, s / 2)]
    d1, d2 = ((end - oracle.L0) / step for end, step in zip(ends, (s, s / 2)))
    rounding = (oracle.u * (abs(ends[0]) + abs(oracle.L0)) + 2.0 * oracle.noise) / abs(s)
    return 2.0 * d2 - d1, abs(d1 - d2) + 5.0 * rounding
