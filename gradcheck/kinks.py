"""Non-differentiable points: telling a kink from a wrong gradient.

At a kink (ReLU at 0, ``clip``, ``max``) the one-sided slopes differ and the
central difference is their average, which is not what a correct analytic
subgradient (e.g. ``relu'(0) = 0``) reports. Such an entry is ``kink`` when
the analytic value lies between the one-sided slopes (a valid subgradient),
and ``fail`` when it lies outside. The slopes come from :func:`gradcheck.numeric.refine`.
"""

from __future__ import annotations

from gradcheck.numeric import Estimate


def subgradient_status(analytic: float, estimate: Estimate, tolerance: float) -> str:
    """``kink`` if ``analytic`` lies in ``[min(left, right), max(left, right)]``
    widened by the slopes' own error and ``tolerance``, else ``fail``.

    Examples
    --------
    >>> est = Estimate(0.5, 1e-9, "one-sided", left=0.0, right=1.0, kink=True)
    >>> subgradient_status(0.0, est, 1e-8), subgradient_status(2.0, est, 1e-8)
    ('kink', 'fail')
    """
    lo, hi = sorted((estimate.left, estimate.right))
    slack = estimate.error + tolerance
    return "kink" if lo - slack <= analytic <= hi + slack else "fail"
