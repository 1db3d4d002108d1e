"""Name the bug: from the numbers alone, and by the fewest catalogued bugs where the network is known.

Modules, one concept each:

``context``
    The network, batch and loss convention behind a loss: found on closures, or
    inferred from loss values (:class:`Context`).
``layout``
    A user's parameter names and orientation mapped onto the reference MLP.
``search``
    The fewest catalogued bugs (one, two or three, combined as real code
    combines them, a shared helper counted once) that reproduce every entry.
``posts``
    Bugs acting on the finished gradient with a fitted constant (clipping,
    weight decay, a stray factor, a transposed tensor).
``signatures``
    What the numbers alone show when no network is known.
``localize``
    Which layers are wrong and where the bug must therefore sit.
``shapes``
    Gradients of the wrong shape, named, and the other tensors still checked.
``messages``
    What each diagnosis says, with the fix.
``calibration``
    Confidence as the measured precision of each kind of evidence.
``entry``
    :func:`diagnose`: everything above, ranked; one diagnosis per bug.

A passing report is never diagnosed.
"""

from gradcheck.diagnose.context import Context
from gradcheck.diagnose.entry import (
    diagnose,
    diagnose_shape_error,
    fingerprints,
    rank_diagnoses,
)
from gradcheck.diagnose.localize import layer_of, localize
from gradcheck.diagnose.signatures import signatures
from reference_nets.zoo import DIAGNOSIS_CODES

#: The fixed vocabulary (add codes, never rename).
CODES = (*DIAGNOSIS_CODES, "localized", "loss_ill_conditioned")

#: Former private name of :func:`rank_diagnoses`, kept for callers that import it.
_rank = rank_diagnoses

__all__ = [
    "CODES",
    "Context",
    "diagnose",
    "diagnose_shape_error",
    "fingerprints",
    "layer_of",
    "localize",
    "rank_diagnoses",
    "signatures",
]
