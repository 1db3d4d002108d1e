"""Directional screening and group testing: per-entry power at directional cost.

A directional check compares the analytic ``g . v`` with a numerical
directional derivative: one complex-step evaluation (or four real ones) for
any number of entries. Two choices give it per-entry power:

* ``v_i = w_T sign(g_i) s_i`` (``+w_T s_i`` where ``g_i = 0``) for the entries
  of tensor ``T``, with a positive weight ``w_T`` per tensor and magnitudes
  ``s_i`` in ``[1, 1 + SPREAD)`` (:func:`spread`): every term ``g_i v_i`` is
  ``>= 0``, so the analytic sum has no cancellation and is accurate to a few
  ulps of itself, and a single entry off by ``delta |g_i|`` moves it by
  exactly ``delta |g_i v_i|``;
* the complex step measures the directional derivative to a few ulps of the
  same sum, with no step-size trade-off.

The screening tolerance is therefore ``DIRECTIONAL_ULPS * eps * sum |g_i v_i|``
(plus the estimator's own error), far tighter than any per-entry tolerance.

Where the loss is complex-safe, one **combined screen** covers every tensor
with a single complex evaluation. Its weights ``w_T = n_T**WEIGHT_POWER /
sum_{i in T} |g_i| s_i`` make tensor ``T`` (``n_T`` entries) contribute
``n_T**WEIGHT_POWER`` to ``sum |g_i v_i|``, so an entry of typical size for
its tensor holds ``n_T**(WEIGHT_POWER - 1) / sum_U n_U**WEIGHT_POWER`` of the
sum: with ``WEIGHT_POWER = 1/2``, ``1 / sqrt(n_T)`` of a total ``sum_U
sqrt(n_U)``. On the 335,114-parameter net, the largest tensor's entries get
1.4 times less than the best worst case (``WEIGHT_POWER = 1``: ``1 / P`` for
every entry), and a bias entry of the last layer a hundred times more; equal
shares per tensor (``WEIGHT_POWER = 0``) would give the largest tensor's
entries ``1 / (8 n_T)``, 3.4 times less. Only when the combined screen trips
is each tensor screened on its own, along the same direction: every tensor
but the one with the largest share is evaluated and that one is inferred,
``D(T) = D(all) - sum D(others)``; then the tensors that trip are bisected.

The combined evaluation doubles as the complex-safety probe (:func:`probe`):
it shows that the loss takes complex parameters and returns its value, and a
real central difference along the same direction (at a smaller step or
Richardson-extrapolated where needed) confirms the complex derivative. Where
they disagree, the per-entry probe of :mod:`gradcheck.numeric` decides, at an
entry of every tensor.

Without the complex step (real Richardson screens, whose error is the loss's
rounding divided by the step, not a fraction of the sum) every tensor gets its
own screen, with ``w_T = 1``.

A block that fails is split in halves; one half is evaluated and the other
inferred (``D(B) = D(S) - D(A)``), so ``s`` wrong entries among ``P`` cost about
``s log2(P)`` evaluations. Blocks of at most ``LEAF_SIZE`` entries are checked
entry by entry, and only per-entry evidence ever makes an entry ``fail``: a
screen that trips on rounding costs a few evaluations, never a false alarm.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradcheck import numeric as nm
from gradcheck.compare import SAFETY

#: Screening tolerance in ulps of the sum ``sum |g_i v_i|``: backprop computes each
#: entry with a few dozen roundings and the sum adds log2(P) more; 2**10 leaves a
#: wide margin for correct gradients and still sees one entry off by 1e-6 of itself
#: among a million.
DIRECTIONAL_ULPS = 2.0**10
#: Blocks of at most this many entries are checked entry by entry.
LEAF_SIZE = 8
#: Above this many failing blocks at one level, the errors are dense (a whole
#: tensor wrong): stop bisecting and sample the failing blocks instead.
MAX_BLOCKS = 4
#: A tensor of ``n`` entries contributes ``n**WEIGHT_POWER`` to the combined
#: screen's ``sum |g_i v_i|`` (see the module docstring): 0 gives every tensor
#: an equal share, 1 every typical entry an equal share.
WEIGHT_POWER = 0.5
#: Entry ``i`` of a tensor's direction has magnitude ``w_T (1 + SPREAD frac(i / phi))``
#: (golden-ratio steps, spread evenly over ``[1, 1 + SPREAD)``), not ``w_T``: with equal
#: magnitudes, a term of random sign per entry (an L1 penalty's ``lam sign(W)``, a
#: dense error) cancels exactly in a small tensor about ``1 / sqrt(n)`` of the time;
#: with these it never does. An entry's share of the screen shrinks by at most
#: ``1 + SPREAD / 2`` (1.25) against equal magnitudes.
SPREAD = 0.5
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


@dataclass(frozen=True)
class Screen:
    """One directional test of a block of entries.

    Attributes
    ----------
    ok : bool
        The analytic and numeric directional derivatives agree.
    analytic, numeric : float
        ``g . v`` and its numerical estimate.
    error : float
        Estimated error of ``numeric``.
    tolerance : float
        What ``|analytic - numeric|`` was allowed.
    tensors : tuple of str
        The tensors the direction moves: one, or all of them for the combined screen.
    """

    ok: bool
    analytic: float
    numeric: float
    error: float
    tolerance: float
    tensors: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Plain-JSON form."""
        return {
            "analytic": self.analytic,
            "numeric": self.numeric,
            "error": self.error,
            "tolerance": self.tolerance,
            "ok": self.ok,
            "tensors": list(self.tensors),
        }


def signs(g: np.ndarray, weight: float = 1.0) -> np.ndarray:
    """``weight * sign(g)``, with ``+weight`` where ``g`` is zero."""
    return (g < 0) * (-2.0 * weight) + weight  # np.where's exact values, at a tenth of its time


_INV_PHI = (5**0.5 - 1) / 2
_spread = np.ones(0)


def spread(n: int) -> np.ndarray:
    """Magnitudes ``1 + SPREAD * frac(i / phi)``, ``i = 0 .. n-1`` (read-only, cached)."""
    global _spread
    if _spread.size < n:
        fresh = 1.0 + SPREAD * ((np.arange(max(n, 2 * _spread.size)) * _INV_PHI) % 1.0)
        fresh.flags.writeable = False
        _spread = fresh
    return _spread[:n]


def screen_direction(g: np.ndarray, weight: float = 1.0) -> np.ndarray:
    """The screening direction of a flat tensor: ``weight * sign(g_i) * spread_i``."""
    return signs(g, weight) * spread(g.size)


def weights(totals: Mapping[str, tuple[int, float]]) -> dict[str, float]:
    """Per-tensor weights of the combined direction, the largest 1.

    ``totals`` maps each tensor to ``(n_T, sum_T |g_i| spread_i)``; ``w_T =
    n_T**WEIGHT_POWER / sum_T |g_i| spread_i``. A tensor whose gradient is all zero
    (or not finite) gets the largest weight, so that a true gradient there shows
    as strongly as anywhere.
    """
    raw = {}
    for name, (size, total) in totals.items():
        w = size**WEIGHT_POWER / total if total > 0 else float("nan")
        raw[name] = w if np.isfinite(w) and w > 0 else None
    top = max((w for w in raw.values() if w is not None), default=1.0)
    return {name: 1.0 if w is None else w / top for name, w in raw.items()}


def _central_along(o: nm.Oracle, moves: Mapping[str, np.ndarray], h: float) -> tuple[float, float]:
    """Central derivative along ``moves`` at step ``h``, and its rounding bound (2 evaluations; no truncation)."""
    Lp, Lm = o.loss_along(moves, h), o.loss_along(moves, -h)
    return (Lp - Lm) / (2 * h), (o.u * (abs(Lp) + abs(Lm)) + 2 * o.noise) / (2 * h)


def _richardson_along(
    o: nm.Oracle, moves: Mapping[str, np.ndarray], h: float, first: tuple[float, float] | None = None
) -> tuple[float, float]:
    """Richardson directional derivative at steps ``h``, ``h/2`` and its error (4 evaluations).

    ``first``: :func:`_central_along` at ``h``, when already evaluated (2 evaluations then).
    """
    d1, r1 = first if first is not None else _central_along(o, moves, h)
    d2, _ = _central_along(o, moves, h / 2)
    return (4 * d2 - d1) / 3, abs(d1 - d2) / 3 + 6 * r1


#: Steps of a real screen, in per-entry central-difference steps: a Richardson
#: value's truncation falls as ``h**4`` while its rounding (the loss's noise over
#: the step) grows as ``1/h``; the real screens extrapolate from three steps
#: ``h, h/2, h/4`` starting this many central steps out, times the noise's fifth
#: root above the rounding model (the optimum of ``A h**4 + sigma / h``).
SCREEN_STEP = 4.0


def _richardson3_along(o: nm.Oracle, moves: Mapping[str, np.ndarray], h: float) -> tuple[float, float]:
    """Richardson directional derivative from steps ``h, h/2, h/4``, with a measured error (6 evaluations).

    Two extrapolated values ``R(h, h/2)`` and ``R(h/2, h/4)``; their
    truncation shrinks 16-fold per halving, so ``|R1 - R2| / 15`` is the
    truncation of the second and ``16 |R1 - R2| / 15`` of the first. Each
    value's error adds its rounding (the loss's noise, measured or modelled,
    over the steps); the value with the smaller total is returned. This is far
    tighter than ``|D(h) - D(h/2)| / 3``, the error of a central difference,
    which a two-step screen has to assume: one wrong entry among thousands
    shows only against a tight error.
    """
    value, err, _ = _richardson3_parts(o, moves, h)
    return value, err


def _richardson3_parts(o: nm.Oracle, moves: Mapping[str, np.ndarray], h: float) -> tuple[float, float, float]:
    """:func:`_richardson3_along`'s value, error, and the rounding part of that error."""
    c = [_central_along(o, moves, h / 2**k) for k in range(3)]
    r1, r2 = (4 * c[1][0] - c[0][0]) / 3, (4 * c[2][0] - c[1][0]) / 3
    gap = abs(r1 - r2) / 15
    round1, round2 = (4 * c[1][1] + c[0][1]) / 3, (4 * c[2][1] + c[1][1]) / 3
    e1, e2 = 16 * gap + round1, gap + round2
    return (r1, e1, round1) if e1 < e2 else (r2, e2, round2)


#: A real screen whose error is mostly truncation (kinks crossed by the step, strong
#: curvature) is measured again at this fraction of its step, and the smaller error kept.
SCREEN_RETRY = 1.0 / 8.0
#: At most this many smaller steps are tried (down to 1/64 of the first).
SCREEN_RETRIES = 2


class Screener:
    """Directional tests of blocks of one tensor's entries, along :func:`screen_direction`."""

    def __init__(self, oracle: nm.Oracle, complex_safe: bool, name: str, g_flat: np.ndarray, weight: float = 1.0):
        self.oracle, self.complex_safe, self.name = oracle, complex_safe, name
        self.g = g_flat
        self.v = screen_direction(g_flat, weight)
        self.eps = float(np.finfo(oracle.dtype).eps)

    def _direction(self, block: np.ndarray) -> np.ndarray:
        d = np.zeros(self.g.size)
        d[block] = self.v[block]
        return d.reshape(self.oracle.work[self.name].shape)

    def _numeric(self, block: np.ndarray, scale: float) -> tuple[float, float]:
        o = self.oracle
        if self.complex_safe:
            d = self._direction(block)
            cwork = dict(o.cwork)
            cwork[self.name] = o.cwork[self.name] + 1j * nm.COMPLEX_STEP * d
            value = complex(o.problem.call_loss(cwork)).imag / nm.COMPLEX_STEP
            o.evaluations += 1
            return value, nm.COMPLEX_ULPS * np.finfo(np.float64).eps * scale
        excess = o.measured.excess if o.measured is not None else 1.0
        h = SCREEN_STEP * min(16.0, excess**0.2) * o.h0 * max(1.0, self._largest(block))
        moves = self._moves(block)
        value, err, rounding = _richardson3_parts(o, moves, h)
        for _ in range(SCREEN_RETRIES):
            if err <= 4.0 * rounding:
                break  # rounding dominates: a smaller step would only add noise
            # truncation dominates (kinks inside the step, curvature): a smaller step
            h *= SCREEN_RETRY
            v2, e2, rounding = _richardson3_parts(o, moves, h)
            if e2 >= err:
                break
            value, err = v2, e2
        return value, err

    def _moves(self, block: np.ndarray) -> dict[str, np.ndarray]:
        return {self.name: self._direction(block)}

    def _largest(self, block: np.ndarray) -> float:
        return float(np.max(np.abs(self.oracle.flat[self.name][block])))

    def sums(self, block: np.ndarray | None = None) -> tuple[float, float]:
        """``g . v`` and ``sum |g_i v_i|`` over ``block`` (default: the whole tensor)."""
        gv = self.g * self.v if block is None else self.g[block] * self.v[block]
        return float(gv.sum()), float(np.abs(gv).sum())

    def test(self, block: np.ndarray) -> Screen:
        """Evaluate the directional derivative over ``block``."""
        analytic, scale = self.sums(block)
        value, err = self._numeric(block, scale)
        return self._judge(analytic, value, err, scale)

    def infer(self, whole: Screen, part: Screen, rest: np.ndarray) -> Screen:
        """The complement's screen, ``D(rest) = D(whole) - D(part)``, without an evaluation."""
        return self.judge_sums(self.sums(rest), whole.numeric - part.numeric, whole.error + part.error)

    def judge_sums(self, sums: tuple[float, float], numeric: float, err: float) -> Screen:
        """A screen from ``(g . v, sum |g_i v_i|)`` and a numeric value measured or inferred elsewhere."""
        return self._judge(sums[0], numeric, err, sums[1])

    def _judge(self, analytic: float, numeric: float, err: float, scale: float) -> Screen:
        tol = DIRECTIONAL_ULPS * self.eps * scale + SAFETY * err
        ok = bool(np.isfinite(numeric) and abs(analytic - numeric) <= tol)
        return Screen(ok, analytic, numeric, err, tol, tuple(getattr(self, "names", (self.name,))))


#: Real screens: tensors holding less than this share of the parameters are screened
#: together, in one direction through all of them (biases, a small last layer): each
#: real screen costs six evaluations, and a small block curves little along it.
GROUP_SHARE = 1.0 / 16.0


class GroupScreener(Screener):
    """One real screen through several small tensors, as if they were one flat tensor.

    Block indices run over the tensors in order; :meth:`split` maps a block
    back to each tensor's own entries.
    """

    def __init__(self, oracle: nm.Oracle, flats: Mapping[str, np.ndarray]):
        self.names = tuple(flats)
        super().__init__(oracle, False, "+".join(self.names), np.concatenate(list(flats.values())))
        sizes = [g.size for g in flats.values()]
        self.starts = dict(zip(self.names, np.cumsum([0, *sizes[:-1]])))
        self.sizes = dict(zip(self.names, sizes))
        self.results: dict[str, object] = {}

    def split(self, block: np.ndarray) -> dict[str, np.ndarray]:
        """``block``'s entries per tensor, in each tensor's own flat indices."""
        out = {}
        for n in self.names:
            lo, size = self.starts[n], self.sizes[n]
            mine = block[(block >= lo) & (block < lo + size)] - lo
            if mine.size:
                out[n] = mine
        return out

    def _moves(self, block: np.ndarray) -> dict[str, np.ndarray]:
        d = np.zeros(self.g.size)
        d[block] = self.v[block]
        return {
            n: d[self.starts[n] : self.starts[n] + self.sizes[n]].reshape(self.oracle.work[n].shape) for n in self.names
        }

    def _largest(self, block: np.ndarray) -> float:
        return max(float(np.max(np.abs(self.oracle.flat[n][j]))) for n, j in self.split(block).items())


class Combined:
    """The combined screen: every tensor along its weighted sign direction, one complex evaluation."""

    def __init__(self, oracle: nm.Oracle, analytic: Mapping[str, np.ndarray]):
        self.oracle = oracle
        flat = {n: g.reshape(-1) for n, g in analytic.items()}
        totals = {n: (g.size, float(np.dot(np.abs(g), spread(g.size)))) for n, g in flat.items()}
        w = weights(totals)
        self.screeners = {n: Screener(oracle, True, n, g, w[n]) for n, g in flat.items()}
        # g_i v_i = w_T |g_i| spread_i >= 0, so g . v = sum |g_i v_i| = w_T sum_T |g_i| spread_i
        self.sums = {n: (w[n] * totals[n][1],) * 2 for n in analytic}
        self.analytic = float(sum(a for a, _ in self.sums.values()))
        self.scale = float(sum(c for _, c in self.sums.values()))
        self.eps = float(np.finfo(oracle.dtype).eps)

    def _moved(self) -> dict[str, np.ndarray]:
        moved = {}
        for name, w in self.oracle.work.items():
            c = np.empty(w.shape, np.complex128)
            c.real = w
            c.imag = nm.COMPLEX_STEP * self.screeners[name].v.reshape(w.shape) if name in self.screeners else 0.0
            moved[name] = c
        return moved

    def judge(self, numeric: float) -> Screen:
        """The combined screen for a measured complex directional derivative."""
        err = nm.COMPLEX_ULPS * float(np.finfo(np.float64).eps) * self.scale
        tol = DIRECTIONAL_ULPS * self.eps * self.scale + SAFETY * err
        ok = bool(np.isfinite(numeric) and abs(self.analytic - numeric) <= tol)
        return Screen(ok, self.analytic, numeric, err, tol, tuple(self.screeners))

    def test(self) -> Screen:
        """Evaluate the combined screen (one complex evaluation)."""
        value = complex(self.oracle.problem.call_loss(self._moved())).imag / nm.COMPLEX_STEP
        self.oracle.evaluations += 1
        return self.judge(value)

    def split(self, whole: Screen) -> dict[str, tuple[Screen, int]]:
        """Per-tensor screens after the combined one tripped, with the evaluations each took.

        Every tensor but the one with the largest share of ``sum |g_i v_i|`` is
        evaluated; that one is inferred, ``D(T) = D(all) - sum D(others)``, with
        the others' errors added to the combined one's (the largest share
        absorbs them best).
        """
        names = list(self.screeners)
        last = max(names, key=lambda n: self.sums[n][1])
        out = {}
        for n in names:
            s = self.screeners[n]
            if n == last:
                continue
            if s.g.size == 0:
                out[n] = (s.judge_sums((0.0, 0.0), 0.0, 0.0), 0)
            else:
                out[n] = (s.test(np.arange(s.g.size)), 1)
        numeric = whole.numeric - sum(s.numeric for s, _ in out.values())
        err = whole.error + sum(s.error for s, _ in out.values())
        out[last] = (self.screeners[last].judge_sums(self.sums[last], numeric, err), 0)
        return {n: out[n] for n in names}


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
    """

    safe: bool | None
    screen: Screen | None = None


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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            warnings.simplefilter("error", RuntimeWarning)
            value = oracle.problem.call_loss(combined._moved())
    except Exception:  # whatever it was, the per-entry probe meets it again and words it
        return Probe(None)
    finally:
        oracle.evaluations += 1
    if not isinstance(value, complex) or not abs(value.real - oracle.L0) <= np.sqrt(combined.eps) * abs(oracle.L0):
        return Probe(None)
    c = value.imag / nm.COMPLEX_STEP
    if not np.isfinite(c):
        return Probe(None)
    screen = combined.judge(c)
    moves = {n: s.v.reshape(oracle.work[n].shape) for n, s in combined.screeners.items()}
    t_max = max((float(np.max(np.abs(oracle.flat[n]))) for n in moves if oracle.flat[n].size), default=0.0)
    h = PROBE_STEP * oracle.h0 * max(1.0, t_max)

    def agree(r: float, err: float) -> bool:
        return bool(np.isfinite(r) and abs(c - r) <= SAFETY * err + PROBE_SLACK * max(abs(c), abs(r)))

    # a central difference first: enough for a smooth float64 loss, whose truncation
    # at this step is far below PROBE_SLACK; then a smaller step, clear of kinks,
    # and Richardson, which measures the truncation
    first = _central_along(oracle, moves, h)
    for estimate in (
        lambda: first,
        lambda: _central_along(oracle, moves, PROBE_SMALL * h),
        lambda: _richardson_along(oracle, moves, h, first),
    ):
        if agree(*estimate()):
            return Probe(True, screen)
    return Probe(False, screen)


def localize(screener: Screener, whole: Screen, budget: int) -> list[np.ndarray]:
    """Blocks (flat indices) that hold the wrong entries, by bisection.

    Parameters
    ----------
    screener : Screener
        The tensor's screener.
    whole : Screen
        The failing screen of the whole tensor.
    budget : int
        Evaluations allowed for the search.

    Returns
    -------
    list of ndarray
        Leaves of at most ``LEAF_SIZE`` entries, or, once the errors prove
        dense or the budget runs out, the failing blocks at that level.
    """
    level = [(np.arange(screener.g.size), whole)]
    while True:
        if all(b.size <= LEAF_SIZE for b, _ in level) or len(level) > MAX_BLOCKS or budget <= 0:
            return [b for b, _ in level]
        nxt = []
        for block, screen in level:
            if block.size <= LEAF_SIZE:
                nxt.append((block, screen))
                continue
            a, b = np.array_split(block, 2)
            sa = screener.test(a)
            budget -= 1
            sb = screener.infer(screen, sa, b)
            if sa.ok and sb.ok and not screener.complex_safe:
                # a real screen's error shrinks with the block (less curvature along it),
                # while the inferred half carries the whole's and its sibling's: measure it
                sb = screener.test(b)
                budget -= 1
            nxt += [(part, s) for part, s in ((a, sa), (b, sb)) if not s.ok]
        if not nxt:  # the halves agree where the whole did not: rounding; check the block itself
            return [b for b, _ in level]
        level = nxt
