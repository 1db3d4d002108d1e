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
from gradcheck.along import (  # noqa: F401  (SCREEN_*, NOISE_SPREAD, _W4: the real screens' constants, used by name)
    _W3,
    _W4,
    NOISE_SPREAD,
    SCREEN_NODES,
    SCREEN_RETRY_LIMIT,
    SCREEN_STEP,
    Along,
    _central_along,
    _richardson_along,
    extrapolated_along,
    real_along,
    retried_along,
    wants_retry,
)
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
    scale : float
        ``sum |g_i v_i|`` over the block (the analytic sum's own rounding is relative to it).
    noise_gain : float
        How much ``error`` grows per unit of the loss's noise (real screens: the
        extrapolation's rounding is the noise over the steps), so that a screen
        judged with the rounding model can be judged again once the noise is
        measured, without evaluating anything (:meth:`Screener.rejudge`).
    """

    ok: bool
    analytic: float
    numeric: float
    error: float
    tolerance: float
    tensors: tuple[str, ...] = ()
    scale: float = 0.0
    noise_gain: float = 0.0
    #: The truncation part of ``error`` (real screens; the rest is rounding).
    truncation: float = 0.0

    @property
    def excess(self) -> float:
        """How far ``|analytic - numeric|`` exceeds the tolerance (<= 0 for a passing screen)."""
        return abs(self.analytic - self.numeric) - self.tolerance

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


class Screener:
    """Directional tests of blocks of one tensor's entries, along :func:`screen_direction`.

    ``shadow``: for a screener on the extended-precision twin of a float64 loss
    with the complex step, the float64 oracle. Each complex screen is then
    evaluated in both (``np.clongdouble`` and ``complex128``), and the error of
    the extended one is their gap shrunk by the square root of the eps ratio:
    the complex step inherits the loss's cancellation (``log(1 - p)`` of a
    saturated output), so its error is measured, not assumed.
    """

    def __init__(
        self,
        oracle: nm.Oracle,
        complex_safe: bool,
        name: str,
        g_flat: np.ndarray,
        weight: float = 1.0,
        shadow: nm.Oracle | None = None,
    ):
        self.oracle, self.complex_safe, self.name, self.shadow = oracle, complex_safe, name, shadow
        self.g = g_flat
        self.v = screen_direction(g_flat, weight)
        # the analytic sum is float64 (validated gradients are), whatever the oracle computes in
        self.eps = float(np.finfo(np.float64 if oracle.extended else oracle.dtype).eps)
        self.first = None

    def _direction(self, block: np.ndarray) -> np.ndarray:
        if block.size == self.g.size:  # every entry (a block holds distinct indices)
            return self.v.reshape(self.oracle.work[self.name].shape)
        d = np.zeros(self.g.size)
        d[block] = self.v[block]
        return d.reshape(self.oracle.work[self.name].shape)

    def _numeric(self, block: np.ndarray, scale: float, retry: bool = True) -> tuple[float, float, float, float]:
        """``(value, error, noise_gain, truncation)`` of the numeric directional derivative over ``block``."""
        o = self.oracle
        moves = self._moves(block)
        if self.complex_safe:
            value = complex_along(o, moves)
            err = nm.COMPLEX_ULPS * float(np.finfo(o.dtype if o.extended else np.float64).eps) * scale
            if self.shadow is not None:
                err += inherited_error(value, complex_along(self.shadow, moves))
            return value, err, 0.0, 0.0
        along = real_along(o, moves, self._largest(block), retry)
        self.first = None if retry else along  # for :meth:`retest`
        return along.value, along.error, along.noise_gain, along.truncation

    def _moves(self, block: np.ndarray) -> dict[str, np.ndarray]:
        return {self.name: self._direction(block)}

    def _largest(self, block: np.ndarray) -> float:
        t = self.oracle.flat[self.name]
        return float(np.max(np.abs(t if block.size == t.size else t[block])))

    def sums(self, block: np.ndarray | None = None) -> tuple[float, float]:
        """``g . v`` and ``sum |g_i v_i|`` over ``block`` (default: the whole tensor)."""
        whole = block is None or block.size == self.g.size  # (a block holds distinct indices)
        if whole and self._whole_sums is not None:
            return self._whole_sums
        gv = self.g * self.v if whole else self.g[block] * self.v[block]
        # every g_i v_i = |g_i| |v_i| >= 0 (v_i carries sign(g_i)): the sum of their magnitudes is the same sum
        # (a NaN term makes both NaN), without a second array of the block's size
        total = float(gv.sum())
        out = total, total
        if whole:
            self._whole_sums = out
        return out

    _whole_sums: tuple[float, float] | None = None

    def test(self, block: np.ndarray, retry: bool = True) -> Screen:
        """Evaluate the directional derivative over ``block`` (``retry``: see :func:`gradcheck.along.real_along`)."""
        analytic, scale = self.sums(block)
        value, err, gain, trunc = self._numeric(block, scale, retry)
        return self._judge(analytic, value, err, scale, gain, trunc)

    def retest(self, block: np.ndarray) -> Screen:
        """The last ``test(block, retry=False)`` retried at a smaller step (:func:`gradcheck.along.retried_along`)."""
        along = retried_along(self.oracle, self._moves(block), self.first)
        analytic, scale = self.sums(block)
        return self._judge(analytic, along.value, along.error, scale, along.noise_gain, along.truncation)

    def infer(self, whole: Screen, part: Screen, rest: np.ndarray) -> Screen:
        """The complement's screen, ``D(rest) = D(whole) - D(part)``, without an evaluation."""
        gain = whole.noise_gain + part.noise_gain
        return self.judge_sums(self.sums(rest), whole.numeric - part.numeric, whole.error + part.error, gain)

    def judge_sums(self, sums: tuple[float, float], numeric: float, err: float, gain: float = 0.0) -> Screen:
        """A screen from ``(g . v, sum |g_i v_i|)`` and a numeric value measured or inferred elsewhere."""
        return self._judge(sums[0], numeric, err, sums[1], gain)

    def rejudge(self, screen: Screen, extra_noise: float) -> Screen:
        """``screen`` judged again with the loss's noise ``extra_noise`` above what it was measured with."""
        err = screen.error + screen.noise_gain * max(0.0, extra_noise)
        return self._judge(screen.analytic, screen.numeric, err, screen.scale, screen.noise_gain, screen.truncation)

    def _judge(
        self, analytic: float, numeric: float, err: float, scale: float, gain: float = 0.0, trunc: float = 0.0
    ) -> Screen:
        tol = DIRECTIONAL_ULPS * self.eps * scale + SAFETY * err
        ok = bool(np.isfinite(numeric) and abs(analytic - numeric) <= tol)
        names = tuple(getattr(self, "names", (self.name,)))
        return Screen(ok, analytic, numeric, err, tol, names, scale, gain, trunc)


def _complex_moved(o: nm.Oracle, moves: Mapping[str, np.ndarray], only: bool = False) -> dict[str, np.ndarray]:
    """The parameters moved by ``i h`` along ``moves`` (``np.clongdouble`` on an extended oracle).

    ``only``: the tensors in ``moves`` alone.
    """
    ctype = np.clongdouble if o.extended else np.complex128
    moved = {}
    for name, w in o.work.items():
        if only and name not in moves:
            continue
        c = np.empty(w.shape, ctype)
        c.real = w
        if name in moves:  # (into the imaginary part, without a temporary of the tensor's size)
            np.multiply(moves[name], nm.COMPLEX_STEP, out=c.imag)
        else:
            c.imag = 0.0
        moved[name] = c
    return moved


def complex_along(o: nm.Oracle, moves: Mapping[str, np.ndarray]) -> float:
    """``Im L(t + i h v) / h`` along ``moves`` (1 evaluation)."""
    try:
        value = o.problem.call_loss(_complex_moved(o, moves))
    finally:
        o.evaluations += 1
    return float(np.imag(value) / nm.COMPLEX_STEP)


def inherited_error(extended: float, plain: float) -> float:
    """Error of an extended-precision complex step, from its gap to the float64 one.

    A loss computed by cancellation passes the cancellation's relative error
    on to the complex step; extended arithmetic shrinks it by the eps ratio
    (1/2048); the square root of that ratio is allowed, as for the gradient
    code (:meth:`gradcheck.opinions.Checker._rounded`).
    """
    ratio = float(np.finfo(np.longdouble).eps / np.finfo(np.float64).eps)
    gap = abs(extended - plain)
    return np.sqrt(ratio) * gap if np.isfinite(gap) else float("inf")


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

    #: ``|g_i v_i|``, once :func:`coarse` needed them
    terms: np.ndarray | None = None

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
        if block.size == self.g.size:  # every entry (a block holds distinct indices)
            d = self.v
        else:
            d = np.zeros(self.g.size)
            d[block] = self.v[block]
        return {
            n: d[self.starts[n] : self.starts[n] + self.sizes[n]].reshape(self.oracle.work[n].shape) for n in self.names
        }

    def _largest(self, block: np.ndarray) -> float:
        if block.size == self.g.size:  # every entry (a block holds distinct indices)
            return max(float(np.max(np.abs(self.oracle.flat[n]), initial=0.0)) for n in self.names)
        return max(float(np.max(np.abs(self.oracle.flat[n][j]))) for n, j in self.split(block).items())


#: A real screen through several tensors that passes judges a tensor on its own only where it
#: could have seen an error of this relative size at the tensor's typical (median-magnitude)
#: entry: a typical entry holds ``1 / P`` of a direction through ``P`` entries, and the noise
#: of a loss computed by cancellation (a saturated ``log(1 - p)``) at 335,114 parameters
#: leaves such a screen blind to a typical entry off by 1e-4 (measured: 1.8e-4), while a
#: screen along one tensor, which curves less and so takes a longer step, sees 8.6e-5.
#: The issue's finest target (1e-5) is the bar; where the loss's noise denies it even to a
#: tensor's own screen, the report says what was resolved.
REAL_REACH = 1e-5


def coarse(group: GroupScreener, screen: Screen) -> list[str]:
    """The tensors of a passing ``group`` screen it could not resolve to :data:`REAL_REACH` at a typical entry.

    A tensor's reach is ``tolerance / median |g_i v_i|`` over its nonzero terms:
    the relative error of one typical entry that would move the screen by its
    whole tolerance.
    """
    out, threshold = [], screen.tolerance / REAL_REACH
    if group.terms is None:
        group.terms = np.abs(group.g * group.v)
    for name in group.names:
        start, size = int(group.starts[name]), int(group.sizes[name])
        terms = group.terms[start : start + size]
        # the median nonzero term is below the threshold when more than half the nonzero terms are
        # (a count, not a sort: the median of 200,000 terms costs a few milliseconds per check)
        nonzero = int(np.count_nonzero(terms))
        if nonzero and 2 * int(np.count_nonzero((terms > 0) & (terms < threshold))) > nonzero:
            out.append(name)
    return out


class Combined:
    """The combined screen: every tensor along its weighted sign direction, one complex evaluation.

    ``shadow``: see :class:`Screener` (an extended-precision combined screen of a
    noisy loss, its error measured against the float64 one).
    """

    def __init__(self, oracle: nm.Oracle, analytic: Mapping[str, np.ndarray], shadow: nm.Oracle | None = None):
        self.oracle, self.shadow = oracle, shadow
        flat = {n: g.reshape(-1) for n, g in analytic.items()}
        totals = {n: (g.size, float(np.dot(np.abs(g), spread(g.size)))) for n, g in flat.items()}
        w = weights(totals)
        self.screeners = {n: Screener(oracle, True, n, g, w[n], shadow) for n, g in flat.items()}
        # g_i v_i = w_T |g_i| spread_i >= 0, so g . v = sum |g_i v_i| = w_T sum_T |g_i| spread_i
        self.sums = {n: (w[n] * totals[n][1],) * 2 for n in analytic}
        self.analytic = float(sum(a for a, _ in self.sums.values()))
        self.scale = float(sum(c for _, c in self.sums.values()))
        self.eps = float(np.finfo(np.float64 if oracle.extended else oracle.dtype).eps)

    @property
    def moves(self) -> dict[str, np.ndarray]:
        """The combined direction, per tensor."""
        return {n: s.v.reshape(self.oracle.work[n].shape) for n, s in self.screeners.items()}

    def judge(self, numeric: float, inherited: float = 0.0) -> Screen:
        """The combined screen for a measured complex directional derivative (and its inherited error)."""
        eps = float(np.finfo(self.oracle.dtype if self.oracle.extended else np.float64).eps)
        err = nm.COMPLEX_ULPS * eps * self.scale + inherited
        tol = DIRECTIONAL_ULPS * self.eps * self.scale + SAFETY * err
        ok = bool(np.isfinite(numeric) and abs(self.analytic - numeric) <= tol)
        return Screen(ok, self.analytic, numeric, err, tol, tuple(self.screeners), self.scale)

    def test(self) -> Screen:
        """Evaluate the combined screen (one complex evaluation; two with a shadow)."""
        value = complex_along(self.oracle, self.moves)
        inherited = inherited_error(value, complex_along(self.shadow, self.moves)) if self.shadow else 0.0
        return self.judge(value, inherited)

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
        per = 2 if self.shadow is not None else 1
        for n in names:
            s = self.screeners[n]
            if n == last:
                continue
            if s.g.size == 0:
                out[n] = (s.judge_sums((0.0, 0.0), 0.0, 0.0), 0)
            else:
                out[n] = (s.test(np.arange(s.g.size)), per)
        numeric = whole.numeric - sum(s.numeric for s, _ in out.values())
        err = whole.error + sum(s.error for s, _ in out.values())
        out[last] = (self.screeners[last].judge_sums(self.sums[last], numeric, err), 0)
        return {n: out[n] for n in names}


def _complex_value(oracle: nm.Oracle, moved: Mapping[str, np.ndarray]):
    """The loss at complex ``moved``, ``ComplexWarning`` and ``RuntimeWarning`` raised as errors (1 evaluation)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            warnings.simplefilter("error", RuntimeWarning)
            return oracle.problem.call_loss(moved)
    finally:
        oracle.evaluations += 1


def _complex_at_point(oracle: nm.Oracle, value, eps: float) -> bool:
    """Is ``value`` complex, with the loss at the point as its real part (to ``sqrt(eps)``)?"""
    return isinstance(value, complex) and bool(abs(value.real - oracle.L0) <= np.sqrt(eps) * abs(oracle.L0))


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
    moved = {**oracle.work, **_complex_moved(oracle, {smallest: combined.moves[smallest]}, only=True)}
    try:
        _complex_value(oracle, moved)
    except Exception as exc:  # whatever it was, the per-entry probe words it
        return Probe(None, error=exc)
    return None


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
    """

    safe: bool | None
    screen: Screen | None = None
    error: Exception | None = None


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
        if c == 0.0 and combined.analytic != 0.0:
            # an imaginary part of exactly zero is what a loss that drops it gives (np.abs of a complex
            # residual: MAE, Huber): it is shown right only by a real estimate that resolves the loss as
            # flat (0 within its error bar, a bar well below the gradient's) where the gradient says it is
            # not, never by one whose error bar covers both, nor by one merely smaller than the gradient's
            # (a bias returned as zeros beside a Huber loss whose residuals all lie in its linear branch)
            flat = abs(r) <= SAFETY * err and SAFETY * err < 0.5 * abs(combined.analytic)
            return bool(np.isfinite(r) and flat)
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
