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

The package, one concept a module:

* :mod:`~gradcheck.directional.screener`: the direction, :class:`Screen` and :class:`Screener`;
* :mod:`~gradcheck.directional.complexstep`: the complex step along a direction;
* :mod:`~gradcheck.directional.grouped`: real screens through several small tensors;
* :mod:`~gradcheck.directional.combined`: the combined complex screen;
* :mod:`~gradcheck.directional.complexprobe`: the complex-safety probe along it.
"""

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
from gradcheck.compare import SAFETY  # noqa: F401
from gradcheck.directional.combined import Combined
from gradcheck.directional.complexprobe import (
    CHEAP_PROBE_MIN,
    CHEAP_PROBE_SHARE,
    PROBE_SLACK,
    PROBE_SMALL,
    PROBE_STEP,
    Probe,
    probe,
    reproduced,
)
from gradcheck.directional.complexstep import _complex_moved, complex_along, inherited_error  # noqa: F401
from gradcheck.directional.grouped import GROUP_SHARE, MERGED_NODES, REAL_REACH, GroupScreener, MergedScreener, coarse
from gradcheck.directional.screener import (
    DIRECTIONAL_ULPS,
    LEAF_SIZE,
    MAX_BLOCKS,
    SPREAD,
    WEIGHT_POWER,
    Screen,
    Screener,
    every,
    screen_direction,
    signs,
    spread,
    weights,
)

__all__ = [
    "CHEAP_PROBE_MIN",
    "CHEAP_PROBE_SHARE",
    "Combined",
    "DIRECTIONAL_ULPS",
    "GROUP_SHARE",
    "GroupScreener",
    "LEAF_SIZE",
    "MAX_BLOCKS",
    "MERGED_NODES",
    "MergedScreener",
    "PROBE_SLACK",
    "PROBE_SMALL",
    "PROBE_STEP",
    "Probe",
    "REAL_REACH",
    "SPREAD",
    "Screen",
    "Screener",
    "WEIGHT_POWER",
    "coarse",
    "complex_along",
    "every",
    "inherited_error",
    "probe",
    "reproduced",
    "screen_direction",
    "signs",
    "spread",
    "weights",
]
