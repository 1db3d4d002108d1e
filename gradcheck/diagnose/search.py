"""The fewest catalogued bugs that reproduce every entry of the claimed gradient.

Where the network behind the loss is known, every catalogued mutant of it (and
every shared-helper variant: the same wrong derivative in every layer that uses
it) is evaluated at the same parameters and batch. An explanation is a set of
bugs whose combined gradient equals the claimed one at every entry:

* catalogued mutants combined as real code combines them
  (:class:`reference_nets.compound.Compound`: one bug's ``super()`` reaches the
  other's step), one, two or three of them;
* on top of those, bugs acting on the finished gradient with a constant fitted
  to it (:mod:`gradcheck.diagnose.posts`: clipping, weight decay, a stray factor,
  a transposed tensor).

Explanations are ranked by parsimony (fewest bugs; a wrong derivative used in
every layer through one helper is one bug), then by how few constants were
fitted. The search stops at the smallest size that explains everything. Pairs and
triples are screened before they are evaluated: a tensor that only one bug
changes must already be reproduced by that bug alone.

When nothing explains every entry, :func:`partial` names the catalogued bug that
reproduces the most wrong tensors exactly.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradcheck.diagnose import posts
from gradcheck.diagnose.posts import Bug

#: Catalogued bugs of a family code that no shared helper makes (the output layer's own gradient is
#: right; only the error sent back skips a derivative): never part of a shared-helper family.
NOT_A_HELPER = {"hidden-error-skips-output-derivative"}
#: Codes of wrong activation derivatives: one such bug in several layers is one
#: misunderstanding (usually one helper function), counted once.
FAMILY_CODES = (
    "derivative_at_activation",
    "derivative_at_preactivation",
    "wrong_activation_derivative",
    "missing_activation_derivative",
)
#: Catalogued mutants whose constant is arbitrary (a clip at half the largest entry,
#: a decay of 0.01): in the search they are fitted (:mod:`~gradcheck.diagnose.posts`).
FITTED_MUTANTS = ("gradient-clipping", "l2-gradient-only")
#: The largest explanation searched.
MAX_BUGS = 3
#: Combinations the pair and triple search may try, all sizes together: a count, not seconds, so that
#: the diagnosis does not depend on how loaded the machine is (a 5 s clock cut a search short under a
#: loaded test run and named the second explanation first). Every pair and triple of 64 catalogued placements
#: fits (45,696; the example submissions need at most 17,296 triples and their pairs, 1.2 s); only pathological
#: cases are cut, at the same place on every machine.
MAX_TRIED = 50_000


@dataclass(frozen=True)
class Explanation:
    """Bugs that together reproduce the claimed gradient.

    Attributes
    ----------
    bugs : tuple of Bug
    size : int
        Parsimony count (a shared-helper family counts once).
    complete : bool
        True: every entry reproduced; False: a partial explanation.
    unexplained : tuple of str
        Reference names of the wrong tensors a partial explanation leaves.
    """

    bugs: tuple[Bug, ...]
    size: int
    complete: bool = True
    unexplained: tuple[str, ...] = ()

    @property
    def fitted(self) -> int:
        """How many bugs carry an arbitrary fitted constant (N, 2, -1, 0 or a log base are named, not arbitrary)."""
        return sum(b.fitted and not _named_constant(b) for b in self.bugs)

    @property
    def key(self) -> tuple:
        """What the ranking compares: bugs, arbitrary constants, named ones, then layers the bugs sit in."""
        named = sum(b.fitted for b in self.bugs) - self.fitted
        return (self.size, self.fitted, named, sum(_placements(b) for b in self.bugs))

    @property
    def codes(self) -> tuple[str, ...]:
        """Codes of the bugs, in order."""
        return tuple(b.code for b in self.bugs)


def _named_constant(bug: Bug) -> bool:
    """A fitted factor that turned out to be a named one (a sign, a zero, N, the MSE 2, a log base)."""
    return bool(bug.values.get("reading")) or bug.code in (
        "sign_flip",
        "zero_gradient",
        "missing_batch_mean",
        "missing_mse_factor",
    )


def _placements(bug: Bug) -> int:
    """Layers a bug sits in (a bug in two layers explains less than one in one)."""
    return sum(len(layer) if isinstance(layer, tuple) else 1 for _, layer in bug.parts)


def size_of(bugs) -> int:
    """Parsimony count: bugs, with each wrong-derivative code counted once."""
    family = {b.code for b in bugs if b.code in FAMILY_CODES}
    return len(family) + sum(b.code not in FAMILY_CODES for b in bugs)


@dataclass
class _Core:
    bug: Bug
    grads: dict[str, np.ndarray]
    changed: int  # bit per tensor: differs from the reference
    matched: int  # bit per tensor: equals the claimed gradient
    search: Any = None
    _screen: int | None = None

    @property
    def screen(self) -> int:
        """Bit per tensor: at most one fitted bug away from the claimed gradient (computed on first use)."""
        if self._screen is None:
            self._screen = self.search.screen(self.grads, self.matched)
        return self._screen


def _as_applied(grad, ref: np.ndarray, claimed, batch: int) -> np.ndarray:
    """A bug's one-number gradient (``db = delta.sum()``) on every entry, where the claimed gradient has them.

    The update ``b - lr * db`` applies that number to every entry of ``b``: a claimed gradient read off
    such code carries it on every entry, and is compared with the bug's gradient in that form. ``batch``
    samples were summed into ``ref``: a number within the rounding of that sum, or zero at the gradient's
    own scale (:data:`posts.MATCH_RTOL` of its largest entry), is zero.
    """
    if np.size(grad) == 1 and ref.size > 1 and claimed is not None and np.shape(claimed) == ref.shape:
        value = np.asarray(grad).reshape(())
        # A sum that is zero (a softmax's delta summed over its classes) is rounding in both: the same number.
        # A softmax guarded as E / (E.sum() + 1e-12) leaves a residue above rounding that is still zero at
        # the scale of the true gradient, and is no second bug. (A gradient left at exactly zero is never
        # computed: zero_gradient, not this.)
        rounding = np.finfo(float).eps * ref.size * batch * float(np.sum(np.abs(ref)))
        noise = max(rounding, posts.MATCH_RTOL * float(np.max(np.abs(ref))))
        close = np.abs(np.asarray(claimed, dtype=float))
        if abs(value) <= noise and np.all(close <= noise) and np.any(close > 0):
            return np.array(claimed, dtype=float)
        return np.full(ref.shape, value)
    return grad


class _Flat:
    """Tensors of one shape layout as one vector, compared segment by segment."""

    def __init__(self, like: Mapping[str, np.ndarray], names: list[str]):
        self.names, self.shapes = names, [np.shape(like[t]) for t in names]
        sizes = [int(np.prod(s)) for s in self.shapes]
        self.starts = np.cumsum([0, *sizes[:-1]])
        self.empty = any(n == 0 for n in sizes)

    def fits(self, grads: Mapping[str, np.ndarray]) -> bool:
        return not self.empty and all(np.shape(grads[t]) == s for t, s in zip(self.names, self.shapes))

    def vector(self, grads: Mapping[str, np.ndarray]) -> np.ndarray:
        return np.concatenate([np.asarray(grads[t], float).ravel() for t in self.names])

    def same_bits(self, a: np.ndarray, b: np.ndarray) -> int:
        """Bit per tensor where ``a`` and ``b`` (vectors) agree to :data:`posts.MATCH_RTOL`."""
        gap = np.maximum.reduceat(np.abs(a - b), self.starts)
        top = np.maximum(np.maximum.reduceat(np.abs(a), self.starts), np.maximum.reduceat(np.abs(b), self.starts))
        ok = gap <= posts.MATCH_RTOL * np.maximum(top, posts.TINY)
        return sum(1 << i for i, v in enumerate(ok) if v)


class _Search:
    """State of one search: the reference pass, the candidates, the claimed gradient."""

    def __init__(self, claimed, params, network, X, Y):
        from reference_nets.mlp import MLP

        self.claimed, self.params, self.config, self.Y = claimed, params, network.config, Y
        self.reference = MLP(self.config)
        _, self.cache = self.reference.forward(params, X)
        self.ref = self.reference.backward(params, self.cache, Y)
        self.names = list(self.ref)
        self.all = (1 << len(self.names)) - 1
        self.clip = posts.clip_bound(claimed)
        self.flat = _Flat(self.ref, self.names)
        self.ref_vec = self.flat.vector(self.ref)
        self.claimed_vec = self.flat.vector(claimed) if self.flat.fits(claimed) else None
        changed, matched = self._bits(self.ref)
        self.ref_bits = (changed, matched, self.screen(self.ref, matched))
        self.cores = [c for c in (self._core(bug) for bug in _catalogue(self.config)) if c is not None]
        self.tried = 0  # combinations tried so far (:data:`MAX_TRIED`)

    def gradient(self, parts) -> dict[str, np.ndarray] | None:
        from reference_nets.compound import Compound

        try:
            grads = Compound(self.config, parts).backward(self.params, self.cache, self.Y)
        except (ValueError, IndexError, TypeError):  # a combination that cannot run at these shapes
            return None
        n = self.cache.activations[0].shape[0]
        return {k: _as_applied(g, self.ref[k], self.claimed.get(k), n) for k, g in grads.items()}

    def _bits(self, grads) -> tuple[int, int]:
        """Bits of the tensors ``grads`` changes (against the reference) and matches (the claimed)."""
        if self.flat.fits(grads):
            g = self.flat.vector(grads)
            changed = self.all & ~self.flat.same_bits(g, self.ref_vec)
            if self.claimed_vec is not None:
                return changed, self.flat.same_bits(g, self.claimed_vec)
        else:
            changed = sum(1 << i for i, t in enumerate(self.names) if not posts.same(np.asarray(grads[t]), self.ref[t]))
        matched = sum(1 << i for i, t in enumerate(self.names) if posts.same(self.claimed[t], np.asarray(grads[t])))
        return changed, matched

    def screen(self, grads, matched: int) -> int:
        """Bits of the tensors at most one fitted bug away from the claimed ones."""
        bits = matched
        for i, t in enumerate(self.names):
            if not matched >> i & 1 and posts.explainable(
                self.claimed[t], grads[t], self.params.get(t), self.clip, self._named_factor
            ):
                bits |= 1 << i
        return bits

    def _core(self, bug: Bug) -> _Core | None:
        grads = self.gradient(bug.parts)
        if grads is None:
            return None
        changed, matched = self._bits(grads)
        if not changed:
            return None
        return _Core(_with_tensors(bug, self._names(changed)), grads, changed, matched, self)

    def _named_factor(self, c: float) -> bool:
        """A factor a one-entry tensor's gradient can be off by that names its bug (N, 1/N, -1, 0)."""
        return _tensor_code(c, self.cache.activations[0].shape[0]) != "tensor_scale"

    def _names(self, bits: int) -> tuple[str, ...]:
        return tuple(t for i, t in enumerate(self.names) if bits >> i & 1)

    def explain(self, cores: tuple[_Core, ...], grads, budget: int) -> list[Explanation]:
        if grads is None:
            return []
        extra = posts.explain(grads, self.claimed, self.params, budget, self._named_factor)
        if extra is None:
            return []
        n, k = self.cache.activations[0].shape[0], self.config.sizes[-1]
        alternatives = itertools.product(*(_named(b, n, self.config.loss, k) for b in extra))
        out = []
        for named in alternatives:
            bugs = tuple(c.bug for c in cores) + tuple(b for group in named for b in group)
            out.append(Explanation(bugs, size_of(bugs)))
        return out


def _with_tensors(bug: Bug, tensors: tuple[str, ...]) -> Bug:
    return Bug(bug.code, bug.kind, bug.layer, tensors, bug.values, bug.fitted, bug.parts)


def _catalogue(config) -> list[Bug]:
    """Every catalogued placement, and each shared-helper family (hidden and output parts together)."""
    from reference_nets.zoo import MUTANTS, candidates

    singles = [
        Bug(MUTANTS[name].code, name, layer, (), {}, False, ((name, layer),))
        for name, layer, _ in candidates(config)
        if name not in FITTED_MUTANTS
    ]
    helpers = []
    for code in FAMILY_CODES:
        hidden = [b for b in singles if b.code == code and b.layer is not None]
        output = [b for b in singles if b.code == code and b.layer is None and b.kind not in NOT_A_HELPER]
        for h, o in itertools.product(hidden, output):
            helpers.append(Bug(code, "helper", h.layer, (), {}, False, h.parts + o.parts))
    return singles + helpers


def _shared_hooks(parts) -> bool:
    sets = [_own_hooks(name) for name, _ in parts]
    return any(a & b for a, b in itertools.combinations(sets, 2))


@functools.cache
def _own_hooks(name: str) -> frozenset[str]:
    """The backward steps (other than ``backward`` itself) mutant ``name`` overrides; the catalogue is fixed."""
    from reference_nets.compound import hooks
    from reference_nets.zoo import get_mutant

    names = set(hooks()) - {"backward"}
    cls = get_mutant(name).cls
    return frozenset(n for k in cls.__mro__ for n in vars(k) if n in names and k.__module__ != "reference_nets.mlp")


def _compatible(cores) -> bool:
    """No two parts are the same mutant at overlapping layers."""
    seen: dict[str, set] = {}
    for core in cores:
        for name, layer in core.bug.parts:
            layers = set(layer) if isinstance(layer, tuple) else {layer}
            if layers & seen.get(name, set()):
                return False
            seen.setdefault(name, set()).update(layers)
    return True


def _screened(search: _Search, cores, use: str) -> bool:
    """Each tensor changed by one bug alone is reproduced (``use``: exactly, or up to one fitted bug) by it."""
    union = 0
    for c in cores:
        union |= c.changed
    ref_ok = search.ref_bits[1] if use == "matched" else search.ref_bits[2]
    if (search.all & ~union) & ~ref_ok:
        return False
    for i, c in enumerate(cores):
        others = 0
        for j, o in enumerate(cores):
            if j != i:
                others |= o.changed
        if (c.changed & ~others) & ~getattr(c, use):
            return False
    return True


def _combined(search: _Search, cores, budget: int) -> list[Explanation]:
    if not _compatible(cores):
        return []
    parts = tuple(p for c in cores for p in c.bug.parts)
    orders = itertools.permutations(cores) if _shared_hooks(parts) else [cores]
    found: list[Explanation] = []
    for order in orders:
        grads = search.gradient(tuple(p for c in order for p in c.bug.parts))
        found += search.explain(tuple(order), grads, budget)
        if found:
            break
    return found


def search(
    claimed: Mapping[str, np.ndarray], params: Mapping[str, np.ndarray], context: Any, max_bugs: int = MAX_BUGS
) -> list[Explanation]:
    """The most parsimonious explanations of ``claimed`` (reference names and scale).

    Parameters
    ----------
    claimed : mapping of str to ndarray
        The claimed gradient in reference form, divided by the context's scale.
    params : mapping of str to ndarray
        The parameters, reference form.
    context : gradcheck.diagnose.Context
        The reference network and batch.
    max_bugs : int
        The largest explanation searched (1: single bugs only).

    Returns
    -------
    list of Explanation
        Those of the best rank (several when they tie), or ``[]`` when no
        combination of up to ``max_bugs`` explains every entry.
    """
    s = _Search(claimed, params, context.network, context.X, context.Y)
    found = [Explanation((c.bug,), size_of([c.bug])) for c in s.cores if c.matched == s.all]
    if not found:  # no catalogued bug alone: fitted ones, on the reference or on a catalogued bug
        found += s.explain((), s.ref, max_bugs)
        for core in s.cores:
            if core.screen == s.all:
                found += s.explain((core,), core.grads, max_bugs - size_of([core.bug]))
    if max_bugs >= 2 and _worth(found, 2):
        found += _combinations(s, 2, 0)
    if max_bugs >= 3 and _worth(found, 3):
        found += _combinations(s, 2, 1) + _combinations(s, 3, 0)
    return _best(found)


def _worth(found: list[Explanation], size: int) -> bool:
    """Could explanations of ``size`` bugs, none fitted, beat what was found?"""
    best = min((e.key for e in found), default=None)
    return best is None or best[:3] > (size, 0, 0)


def _combinations(s: _Search, k: int, budget: int) -> list[Explanation]:
    """Every screened ``k``-set of catalogued bugs, with up to ``budget`` fitted ones on top."""
    use = "matched" if budget == 0 else "screen"
    found = []
    for cores in itertools.combinations(s.cores, k):
        if s.tried >= MAX_TRIED:
            break
        s.tried += 1
        if _screened(s, cores, use):
            found += _combined(s, cores, budget)
    return found


def _best(found: list[Explanation]) -> list[Explanation]:
    if not found:
        return []
    top = min(e.key for e in found)
    out, seen = [], set()
    for e in found:
        sig = tuple(sorted((b.code, b.tensors) for b in e.bugs))
        if e.key == top and sig not in seen:
            seen.add(sig)
            out.append(e)
    return out


def partial(claimed, params, context) -> list[Explanation]:
    """Catalogued bugs that reproduce the most wrong tensors exactly, when nothing explains all.

    A bug qualifies when it changes no tensor that the claimed gradient has
    right and reproduces at least one wrong tensor exactly; the others stay
    unexplained (another bug, outside the catalogue).
    """
    s = _Search(claimed, params, context.network, context.X, context.Y)
    right = s.ref_bits[1]
    wrong = s.all & ~right
    scored = []
    for core in s.cores:
        if core.changed & right:
            continue
        hits = core.changed & core.matched & wrong
        if hits:
            scored.append((bin(hits).count("1"), core, hits))
    if not scored:
        return []
    top = max(n for n, _, _ in scored)
    out = []
    for n, core, hits in scored:
        if n == top:
            bug = _with_tensors(core.bug, s._names(hits))
            out.append(Explanation((bug,), 1, False, s._names(wrong & ~hits)))
    return _best_partial(out)


def _best_partial(found: list[Explanation]) -> list[Explanation]:
    out, seen = [], set()
    for e in sorted(found, key=lambda e: e.key):
        sig = (e.bugs[0].code, e.bugs[0].tensors)
        if sig not in seen:
            seen.add(sig)
            out.append(e)
    return out


def _named(bug: Bug, n: int, loss: str, outputs: int = 1) -> list[list[Bug]]:
    """A fitted factor as the bugs it is: -1 a sign, 0 a zero, N a missing 1/N, 2 or 1/2 the MSE factor.

    A factor shared by every tensor is taken apart into its named factors
    (``-2 N`` is a sign flip and a sum over the batch and the MSE factor: three
    bugs); where ``N`` and 2 coincide, each reading is an alternative.
    """
    c = bug.values.get("factor")
    if bug.kind not in ("scale", "uniform") or c is None:
        return [[bug]]
    if bug.kind == "scale":
        return [[_renamed(bug, _tensor_code(c, n))]]
    sign = [_renamed(bug, "sign_flip", -1.0)] if c < 0 else []
    bases = _bases(n, outputs, loss)
    readings = _factorizations(abs(c), bases)
    if not readings:
        return [sign + ([_renamed(bug, "uniform_scale", abs(c))] if not _near(abs(c), 1.0) else [])]
    return [sign + [_renamed(bug, CODES[k], bases[k] ** e, k) for k, e in r.items()] for r in readings]


#: The code of each named factor a uniform factor is taken apart into.
CODES = {
    "batch": "missing_batch_mean",
    "mse": "missing_mse_factor",
    "outputs": "uniform_scale",
    "log10": "uniform_scale",
    "log2": "uniform_scale",
}


def _bases(n: int, outputs: int, loss: str) -> dict[str, float]:
    """Factors a gradient can be off by, and what each means: N (a mean), 2 (MSE), K (outputs), a log base."""
    out = {"batch": float(n) if n > 1 else None, "mse": 2.0 if loss == "mse" else None}
    out["outputs"] = float(outputs) if outputs > 1 and outputs != n else None
    if loss in ("bce", "ce"):  # np.log10 or np.log2 in the loss, the natural log's gradient
        out.update({"log10": float(np.log(10.0)), "log2": float(np.log(2.0))})
    return {k: v for k, v in out.items() if v}


def _tensor_code(c: float, n: int) -> str:
    if _near(c, -1.0):
        return "sign_flip"
    if c == 0.0:
        return "zero_gradient"
    if n > 1 and (_near(c, n) or _near(c, 1.0 / n)):
        return "missing_batch_mean"
    return "tensor_scale"


def _renamed(bug: Bug, code: str, factor: float | None = None, reading: str | None = None) -> Bug:
    values = dict(bug.values) if factor is None else {**bug.values, "factor": factor}
    if reading is not None:
        values["reading"] = reading
    return Bug(code, bug.kind, bug.layer, bug.tensors, values, bug.fitted, bug.parts)


def _factorizations(c: float, bases: dict[str, float]) -> list[dict[str, int]]:
    """``c`` as a product of the ``bases`` (exponents -1, 0, 1) with the fewest factors (ties: every reading).

    Examples
    --------
    >>> _factorizations(16.0, {"batch": 16.0, "mse": 2.0})
    [{'batch': 1}]
    >>> _factorizations(2.0, {"batch": 2.0, "mse": 2.0})
    [{'batch': 1}, {'mse': 1}]
    """
    names = list(bases)
    found = []
    for exps in itertools.product((-1, 0, 1), repeat=len(names)):
        used = {k: e for k, e in zip(names, exps) if e}
        if used and len(used) <= 3 and _near(c, float(np.prod([bases[k] ** e for k, e in used.items()]))):
            found.append(used)
    fewest = min((len(u) for u in found), default=0)
    return [u for u in found if len(u) == fewest]


def _near(c: float, x: float) -> bool:
    return abs(c - x) <= 1e-6 * abs(x)
