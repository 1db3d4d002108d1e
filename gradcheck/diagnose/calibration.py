"""Confidence that means something: the measured precision of each kind of evidence.

Every diagnosis carries a ``basis`` in its evidence: the kind of evidence it
rests on (an exact catalogued explanation of one bug, a pair, a fitted factor,
a number-only signature, ...). Its confidence is the fraction of diagnoses of
that basis that named a planted bug correctly on the zoo (single mutants and
compound pairs, at tuning seeds): of the diagnoses given at 90%, about 90% were
right. ``benchmarks/calibrate.py`` measures it, writes :data:`TABLE_PATH`, and
checks the table on held-out seeds (``reports/calibration.md``).

A basis never measured keeps its prior (:data:`PRIORS`), a judgement made before
any measurement; the table says which is which.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

#: Where the measured precision per basis is kept (written by benchmarks/calibrate.py).
TABLE_PATH = Path(__file__).with_name("calibration.json")
#: A basis needs this many measured diagnoses before its measurement replaces the prior.
MIN_COUNT = 10
#: Confidence is kept inside [FLOOR, CEILING]: no measurement on a finite zoo
#: supports certainty either way.
FLOOR, CEILING = 0.05, 0.99

#: Judgement before measurement, per basis (see the module docstring).
PRIORS = {
    "catalogue:1": 0.95,
    "catalogue:2": 0.9,
    "catalogue:3": 0.85,
    "fitted:1": 0.8,
    "fitted:2": 0.75,
    "fitted:3": 0.7,
    "partial": 0.6,
    "signature:uniform-named": 0.85,
    "signature:uniform-other": 0.7,
    "signature:batch-unknown": 0.55,
    "signature:tensor-sign": 0.75,
    "signature:tensor-zero": 0.8,
    "signature:transposed": 0.75,
    "signature:tensor-scale": 0.65,
    "signature:layer-batch": 0.75,
    "signature:clip": 0.8,
    "signature:decay": 0.75,
    "shape:batch": 0.8,
    "shape:transposed": 0.8,
    "shape:other": 0.7,
    "localized": 0.3,
}


@functools.lru_cache(maxsize=1)
def table() -> dict[str, dict[str, int]]:
    """The measured ``{basis: {"right": r, "total": n}}`` (empty when never measured)."""
    try:
        data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.get("bases", {}).items() if isinstance(v, dict)}


def confidence(basis: str, tied: int = 1) -> float:
    """Calibrated confidence of a diagnosis resting on ``basis``.

    Parameters
    ----------
    basis : str
        Kind of evidence (a key of :data:`PRIORS`); ``tied`` alternatives
        of equal rank get the basis ``'<basis>/tied'``.
    tied : int
        How many explanations tie at the top (1: none).

    Returns
    -------
    float
        ``(right + 1) / (total + 2)`` of the measured table once the basis
        was measured :data:`MIN_COUNT` times, else the prior divided among the
        ties; clipped to ``[FLOOR, CEILING]``.
    """
    key = basis if tied < 2 else f"{basis}/tied"
    seen = table().get(key)
    if seen and seen.get("total", 0) >= MIN_COUNT:
        value = (seen["right"] + 1) / (seen["total"] + 2)
    else:
        value = PRIORS.get(basis, 0.5) / max(1, tied)
    return min(CEILING, max(FLOOR, value))
