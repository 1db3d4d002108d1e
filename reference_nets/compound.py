"""Several catalogued bugs in one network, combined as they would be in real code.

A mutant of :mod:`reference_nets.zoo` overrides steps of the backward pass (hooks
such as ``_output_delta`` or ``_hidden_delta``) or wraps ``backward`` itself
(post-processing the finished gradient, or handing it another cache). In real code
two bugs compose: a sum over the batch scales whatever output delta a buggy shortcut
produced; a clip clips what a buggy recursion computed; a derivative taken at the
activation in layer 1 receives the delta a wrong output layer sent down.

:class:`Compound` chains the mutants' own implementations: every mutant keeps its
own layer, each mutant's ``super()`` call reaches the next mutant of the chain, and
the last one reaches the reference MLP. The backward loop runs once, through the
chained hooks. The first part is the outermost: where one bug replaces a step that
another wraps (the BCE shortcut times sigma' again, scaled by a sum over the batch),
only the order with the wrapper outside shows both, and :func:`orderings` finds it.

:func:`compound_cases` is the compound zoo: every compatible pair of catalogued
mutants (both bugs visible in the gradient) at several configurations.

This module is numpy only and never imports ``gradcheck``.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .mlp import MLP, MLPConfig
from .zoo import MUTANTS, ZOO_CONFIGS, Mutant, get_mutant, zoo_data

__all__ = ["Compound", "CompoundCase", "compound_cases", "hooks", "orderings", "sample_pairs", "visible"]

Part = tuple[str, Any]  # (mutant name, layer: int, tuple of ints or None)

#: Relative size, against the tensor's largest entry, below which two gradients are
#: the same (both are exact up to rounding of a few ulps).
SAME_RTOL = 1e-9


def hooks() -> tuple[str, ...]:
    """Methods of :class:`~reference_nets.mlp.MLP` that some catalogued mutant overrides.

    The steps a compound chains; computed from the catalogue, so a mutant added
    later that overrides a new step is chained too.
    """
    names = set()
    for spec in MUTANTS.values():
        for klass in spec.cls.__mro__:
            if klass in (Mutant, MLP, object):
                continue
            names |= {n for n, v in vars(klass).items() if callable(v) and callable(getattr(MLP, n, None))}
    return tuple(sorted(names))


def _delegate(name: str) -> Callable:
    def step(self, *args, **kwargs):
        if self._next is not None:
            return getattr(self._next, name)(*args, **kwargs)
        if name == "backward":  # the end of the chain runs the reference loop through the chained hooks
            return MLP.backward(self._compound, *args, **kwargs)
        return getattr(MLP, name)(self, *args, **kwargs)

    step.__name__ = name
    return step


def _head(name: str) -> Callable:
    def step(self, *args, **kwargs):
        return getattr(self.links[0], name)(*args, **kwargs)

    step.__name__ = name
    return step


_HOOKS = hooks()
#: Sits below every mutant class in a link's MRO: where a mutant calls ``super()``,
#: the call goes on to the next link instead of the reference MLP.
_Link = type("_Link", (MLP,), {n: _delegate(n) for n in _HOOKS})
_LINKED: dict[type, type] = {}


def _linked(cls: type) -> type:
    if cls not in _LINKED:
        _LINKED[cls] = type(f"Linked{cls.__name__}", (cls, _Link), {})
    return _LINKED[cls]


class Compound(Mutant):
    """The reference MLP with several catalogued bugs, each at its own layer.

    Parameters
    ----------
    config : MLPConfig
    parts : sequence of (str, layer)
        ``(mutant name, layer)`` pairs, outermost first; every placement is
        validated by :meth:`reference_nets.zoo.MutantSpec.build`.

    Attributes
    ----------
    parts : tuple of (str, layer)
    links : list of Mutant
        One mutant instance per part, chained.
    """

    mutant_name = "compound"

    def __init__(self, config: MLPConfig, parts: Sequence[Part]) -> None:
        super().__init__(config, None)
        if len(parts) < 1:
            raise ValueError("a compound needs at least one (mutant, layer) part")
        self.parts = tuple((str(name), layer) for name, layer in parts)
        self.links = []
        for name, layer in self.parts:
            link = get_mutant(name).build(config, layer)
            link.__class__ = _linked(type(link))
            self.links.append(link)
        for link, nxt in zip(self.links, [*self.links[1:], None]):
            link._next, link._compound = nxt, self

    def __repr__(self) -> str:
        return f"Compound({self.config.label!r}, {list(self.parts)!r})"


for _name in _HOOKS:
    setattr(Compound, _name, _head(_name))


def _gradient(net: MLP, params, X, Y) -> dict[str, np.ndarray] | None:
    try:
        _, cache = net.forward(params, X)
        return net.backward(params, cache, Y)
    except (ValueError, IndexError):  # a combination that cannot run at these shapes
        return None


def same(a: dict[str, np.ndarray] | None, b: dict[str, np.ndarray] | None) -> bool:
    """Two gradients equal tensor by tensor (shapes and values, up to :data:`SAME_RTOL`)."""
    if a is None or b is None or set(a) != set(b):
        return False
    for k, g in b.items():
        x, g = np.asarray(a[k]), np.asarray(g)
        if x.shape != g.shape:
            return False
        top = max(float(np.max(np.abs(g), initial=0.0)), float(np.max(np.abs(x), initial=0.0)), 1e-300)
        if float(np.max(np.abs(x - g), initial=0.0)) > SAME_RTOL * top:
            return False
    return True


def visible(config: MLPConfig, parts: Sequence[Part], params, X, Y) -> dict[str, np.ndarray] | None:
    """The compound's gradient when every part shows in it, else None.

    Every part shows when the compound's gradient differs from the compound
    without that part (and from the reference).
    """
    grads = _gradient(Compound(config, parts), params, X, Y)
    if grads is None or same(grads, _gradient(MLP(config), params, X, Y)):
        return None
    for i in range(len(parts)):
        rest = [p for j, p in enumerate(parts) if j != i]
        if same(grads, _gradient(Compound(config, rest), params, X, Y)):
            return None
    return grads


def _overrides(name: str) -> set[str]:
    cls = get_mutant(name).cls
    return {n for klass in cls.__mro__ if klass not in (Mutant, MLP, object) for n in vars(klass) if n in _HOOKS}


def orderings(config: MLPConfig, parts: Sequence[Part], params, X, Y) -> list[tuple[tuple[Part, ...], dict]]:
    """Orders of ``parts`` (outermost first) in which every part shows, with their gradients.

    Parts that override different steps commute and give one order; where two
    override the same step, each order is tried and those where a part is lost
    (replaced by the other) are dropped. Distinct gradients only.
    """
    shared = any(_overrides(a) & _overrides(b) - {"backward"} for (a, _), (b, _) in itertools.combinations(parts, 2))
    # a bug that acts on the finished gradient as its last step (a clip) is outermost
    parts = sorted(parts, key=lambda p: not getattr(get_mutant(p[0]).cls, "last_step", False))
    orders = itertools.permutations(parts) if shared else [tuple(parts)]
    found: list[tuple[tuple[Part, ...], dict]] = []
    for order in orders:
        grads = visible(config, order, params, X, Y)
        if grads is not None and not any(same(grads, g) for _, g in found):
            found.append((tuple(order), grads))
    return found


# ====================================================================== compound zoo
@dataclass(frozen=True, eq=False)
class CompoundCase:
    """Two (or more) catalogued mutants in one network, on one batch and parameter point.

    Attributes
    ----------
    name : str
        ``'<mutant>[/L<layer>]+<mutant>[/L<layer>]@<config name>'``.
    parts : tuple of (str, layer)
        Outermost first (an order in which every part shows).
    config_name : str
    config : MLPConfig
    X, Y : numpy.ndarray
    seed : int
        Seed of the batch and of :meth:`MLP.init_params`.
    """

    name: str
    parts: tuple[Part, ...]
    config_name: str
    config: MLPConfig
    X: np.ndarray
    Y: np.ndarray
    seed: int = 0

    @property
    def mutants(self) -> tuple[str, ...]:
        """The mutant names, in order."""
        return tuple(name for name, _ in self.parts)

    @property
    def expected_codes(self) -> tuple[str, ...]:
        """The diagnosis codes a diagnoser should report (one per part, in order)."""
        return tuple(MUTANTS[name].code for name, _ in self.parts)

    def net(self) -> Compound:
        """The buggy network."""
        return Compound(self.config, self.parts)

    def params(self, dtype: object = np.float64) -> dict[str, np.ndarray]:
        """The parameter point ``MLP(config).init_params(seed, dtype)``."""
        return MLP(self.config).init_params(seed=self.seed, dtype=dtype)

    def closures(self) -> tuple[Callable, Callable]:
        """``(loss_fn, buggy_grad_fn)``: the true loss and the compound's gradient."""
        return self.net().closures(self.X, self.Y)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no arrays)."""
        return {
            "name": self.name,
            "mutants": list(self.mutants),
            "layers": [list(layer) if isinstance(layer, tuple) else layer for _, layer in self.parts],
            "config": self.config.label,
            "expected_codes": list(self.expected_codes),
            "seed": self.seed,
        }


def _part_name(part: Part) -> str:
    name, layer = part
    if layer is None:
        return name
    return f"{name}/L" + "+".join(map(str, layer if isinstance(layer, tuple) else (layer,)))


def _rank(*keys: object) -> int:
    return zlib.crc32("|".join(map(str, keys)).encode())


def _placements(name: str, config: MLPConfig, salt: str) -> list:
    layers = MUTANTS[name].layers(config)
    return sorted(layers, key=lambda layer: _rank(salt, name, layer))


#: Mutants that multiply one weight tensor by a constant: two on the same layer make one factor
#: (-1 x 2 = -2), a single ``tensor_scale``, not two bugs any diagnosis could tell apart.
TENSOR_FACTORS = frozenset({"sign-flip-tensor", "tensor-scaled"})


def _pair_case(a: str, b: str, config_name: str, seed: int) -> CompoundCase | None:
    """The first placement of ``a`` and ``b`` on the config (in a seeded order) where both show."""
    config = ZOO_CONFIGS[config_name]
    X, Y = zoo_data(config_name, seed)
    params = MLP(config).init_params(seed=seed)
    tries = itertools.product(_placements(a, config, seed), _placements(b, config, seed))
    if {a, b} <= TENSOR_FACTORS:
        tries = ((la, lb) for la, lb in tries if la != lb)
    for la, lb in itertools.islice(tries, 6):
        found = orderings(config, ((a, la), (b, lb)), params, X, Y)
        if found:
            parts = found[0][0]
            name = "+".join(_part_name(p) for p in parts) + f"@{config_name}"
            return CompoundCase(name, parts, config_name, config, X, Y, seed)
    return None


def sample_pairs(names: Sequence[str], partners: int = 3) -> list[tuple[str, str]]:
    """A deterministic sample of pairs in which every mutant meets ``partners`` others or more.

    Mutant ``i`` is paired with ``i + 1``, ``i + 7`` and ``i + 13`` (more partners: ``i + 19``)
    in catalogue order, so that neighbours (similar bugs) and distant ones (bugs of
    other layers) both meet.
    """
    n, out = len(names), []
    for i in range(n):
        for step in (1, 7, 13, 19)[:partners]:
            pair = tuple(sorted((names[i], names[(i + step) % n]), key=list(names).index))
            if pair[0] != pair[1] and pair not in out:
                out.append(pair)
    return out


def compound_cases(
    seed: int = 0,
    per_pair: int = 3,
    mutants: Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> list[CompoundCase]:
    """The compound zoo: every compatible pair of catalogued mutants at several configurations.

    Parameters
    ----------
    seed : int
        Seeds the batches, parameter points and the choice of configurations
        and layers (a different seed is a different sample of placements).
    per_pair : int
        Configurations per pair (fewer where fewer configurations fit both).
    mutants : sequence of str, optional
        Restrict to pairs among these mutant names.
    pairs : sequence of (str, str), optional
        Only these pairs (e.g. :func:`sample_pairs`); default every pair.

    Returns
    -------
    list of CompoundCase
        Deterministic; a pair appears at a configuration only when both of its
        bugs show in the gradient there (the compound differs from each bug alone).
    """
    names = list(MUTANTS) if mutants is None else [get_mutant(m).name for m in mutants]
    cases = []
    chosen = itertools.combinations(names, 2) if pairs is None else [p for p in pairs if set(p) <= set(names)]
    for a, b in chosen:
        fits = [c for c, cfg in ZOO_CONFIGS.items() if MUTANTS[a].applies(cfg) and MUTANTS[b].applies(cfg)]
        fits.sort(key=lambda c: _rank(seed, a, b, c))
        taken = 0
        for config_name in fits:
            case = _pair_case(a, b, config_name, seed)
            if case is not None:
                cases.append(case)
                taken += 1
            if taken == per_pair:
                break
    return cases
