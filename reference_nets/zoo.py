"""A catalogue of realistic backprop bugs ("mutants") planted in the reference MLP.

Each mutant is a subclass of :class:`~reference_nets.mlp.MLP` that overrides ONE
step of the backward pass (a hook such as ``_hidden_delta`` or ``_bias_grad``,
or a post-processing of :meth:`MLP.backward`).  The forward pass and the loss
are untouched, so ``loss()`` is the true loss and ``backward()`` returns the
buggy gradient: exactly what a gradient checker sees when it audits a student's
hand-written backward pass.

* :data:`MUTANTS` maps a stable kebab-case name to a :class:`MutantSpec`
  (description, expected diagnosis code from the DESIGN.md vocabulary, whether
  it takes a layer, where it applies, how to build it).
* :func:`candidates` lists every applicable (mutant, layer) for a config: the
  fingerprints a diagnoser compares a failing gradient against.
* :func:`zoo_cases` is the fixed benchmark: every mutant at two or more
  configurations, with a seeded batch and parameter point.

Layers are numbered from 1 as in :mod:`reference_nets.mlp`: "hidden layer l" is
the activation after ``W_l`` (``l <= depth``); weight layers run ``1 .. L``.
:meth:`MutantSpec.layers` only returns placements whose gradient really differs
from the reference (e.g. ``derivative-at-activation`` is never placed on a ReLU
layer, where ``relu'(relu(z)) == relu'(z)``).

The rooms: :mod:`reference_nets.zoo_classic` (the classic mutants and their placements),
:mod:`reference_nets.zoo_layers`, :mod:`reference_nets.zoo_bce` and :mod:`reference_nets.zoo_paths`
(the newer layers', BCE's long way and the error's path back), :mod:`reference_nets.zoo_catalogue`
(every mutant by name) and :mod:`reference_nets.zoo_cases` (the benchmark); this module gathers
their public names. Numpy only; never imports ``gradcheck``.
"""

from __future__ import annotations

from .mutant import Mutant
from .zoo_cases import ZOO_CONFIGS, ZooCase, zoo_cases, zoo_data
from .zoo_catalogue import DIAGNOSIS_CODES, MUTANTS, MutantSpec, candidates, get_mutant

__all__ = [
    "DIAGNOSIS_CODES",
    "Mutant",
    "MutantSpec",
    "MUTANTS",
    "get_mutant",
    "candidates",
    "ZooCase",
    "ZOO_CONFIGS",
    "zoo_data",
    "zoo_cases",
]
