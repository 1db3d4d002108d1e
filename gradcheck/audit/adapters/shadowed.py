"""A dict held beside a model's own weights, keyed by their names, is not a second parameter set.

A model keeps ``self.W1 ... self.b3`` and also a reference to a module-level dict of constants
arrays keyed the same way (``self.noise = noise``, ``noise = {"W1": ..., "b1": ...}``: a fixed
jitter, a mask, an initial copy). Both look like weights by their names, and the gradients the
backward returns (``ret["W1"]``) then map onto the dict's arrays, leaving the model's own weights
without gradients. The model's attributes are the parameters: a dict attribute whose every
array repeats one of them (same name, same shape) is left out, unless its own name says it
holds the parameters (``self.params``).
"""

from __future__ import annotations

from collections.abc import Sequence

from gradcheck.audit.adapters.names import PARAM_CONTAINERS


def _dict_entry(steps: tuple) -> tuple[str, object] | None:
    """``(attribute, key)`` of ``self.<attribute>[<key>]``, else None."""
    if len(steps) == 2 and steps[0][0] == "attr" and steps[1][0] == "item":
        return steps[0][1], steps[1][1]
    return None


def without_shadow_dicts(found: Sequence) -> list:
    """``found`` less the arrays of dict attributes that only repeat the object's own weights' names and shapes."""
    own = {(t.steps[0][1], t.shape) for t in found if len(t.steps) == 1 and t.steps[0][0] == "attr"}
    held: dict[str, list] = {}
    for t in found:
        entry = _dict_entry(t.steps)
        if entry is not None:
            held.setdefault(entry[0], []).append(t)
    dropped = {
        id(t)
        for attr, ts in held.items()
        if str(attr).lower() not in PARAM_CONTAINERS and all((_dict_entry(t.steps)[1], t.shape) in own for t in ts)
        for t in ts
    }
    return [t for t in found if id(t) not in dropped]
