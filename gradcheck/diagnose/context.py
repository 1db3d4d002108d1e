"""The network behind a loss: found on closures, or inferred from loss values.

Naming a bug by fingerprint needs the architecture, the batch and the loss the
user's code computes. :meth:`Context.discover` reads them off the reference
net's closures (or what a hand-written loss closes over); :meth:`Context.infer`
identifies a hand-written loss with a reference network by evaluating candidates
at three parameter points: the user's loss must be ``s * data_loss + k * sum(W**2) / 2``
for one candidate, with ``s > 0`` (a sum over the batch, a 1/2 in front) and
``k >= 0`` (weight decay ``l2 = k / s``).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcheck.diagnose.layout import LayoutError, infer_layouts

#: The user's loss is the candidate's (times ``s``, plus weight decay) when the
#: third point agrees to this relative difference. A loss written as
#: ``log(p + 1e-8)`` or with probabilities clipped at 1e-7 differs from the exact
#: one by about 1e-8 of itself; a different architecture differs at the percent level.
LOSS_MATCH_RTOL = 1e-6
#: The 2x2 system for ``(s, k)`` is solved only when better conditioned than this
#: (the two parameter points must change the data loss and the weight norm differently).
MAX_CONDITION = 1e8
#: Hidden activations tried, most common first.
HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
#: Candidate networks evaluated at most per inference, counted, never timed (a verdict never depends on the
#: machine's load). Every candidate of a net of up to three hidden layers fits (5**3 hidden tuples, a leaky
#: one at three slopes, times the heads: about 2,000 per layout); deeper nets are searched the most common
#: first (every hidden layer alike), and a net that is no reference network at all (a swish or GELU layer)
#: stops here instead of trying 5**4 * 8 * 4 layouts' worth (33,000 candidates, 100,000 forward passes).
MAX_CANDIDATES = 8_000
#: Leaky-ReLU slopes tried (the reference default 0.01, and the 0.1 and 0.2 of many courses).
LEAKY_SLOPES = (0.01, 0.1, 0.2)
#: (output activation, loss) pairs tried.
HEADS = (
    ("identity", "mse"),
    ("sigmoid", "mse"),
    ("sigmoid", "bce"),
    ("tanh", "mse"),
    ("softmax", "ce"),
    ("softmax", "mse"),
)


@dataclasses.dataclass(frozen=True)
class Context:
    """What is known about the network behind a loss (for fingerprints).

    Attributes
    ----------
    network : reference_nets.mlp.MLP
        The reference network (architecture, loss, weight decay).
    X, Y : ndarray
        The fixed batch.
    layout : gradcheck.diagnose.layout.Layout or None
        The user's names and orientation of every layer (None: reference names).
    scale : float
        The user's loss is ``scale`` times the network's (a sum over the batch: N).
    """

    network: Any
    X: np.ndarray
    Y: np.ndarray
    layout: Any = None
    scale: float = 1.0

    def to_reference(self, tensors: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Tensors in the user's names and layout, in reference form (``W1``, in x out).

        Tensors whose shape does not fit the layout (a bias gradient of one row
        per sample) are kept in the orientation of the reference's samples-as-rows
        form where it can be told, as given otherwise.
        """
        arrays = {k: np.asarray(v, np.float64) for k, v in tensors.items()}
        if self.layout is None:
            return arrays
        out = {}
        for i, lay in enumerate(self.layout.layers, 1):
            W = arrays[lay.weight]
            # the bias is a row (column) of W; a square W's shape cannot tell which, and the catalogue is not
            # compared on a guess (its mutants would explain the gradient with bugs the code does not have)
            if getattr(lay, "folded", None) is not None and W.ndim == 2 and W.shape[0] != W.shape[1]:
                out[f"W{i}"], out[f"b{i}"] = lay.split(W)
                continue
            out[f"W{i}"] = W.T if lay.transposed and W.ndim == 2 else W.reshape(-1, 1) if W.ndim == 1 else W
            if lay.bias is not None:
                out[f"b{i}"] = self._bias(arrays[lay.bias], lay.n_out)
        return out

    def _bias(self, b: np.ndarray, n_out: int) -> np.ndarray:
        n = self.batch_size
        if b.size == n_out:
            return b.reshape(n_out)
        if b.ndim == 2 and b.shape == (n_out, n):  # samples as columns: one column per sample
            return b.T
        if b.size == 1:
            return b.reshape(())
        if b.size == n and n_out != n:
            return b.reshape(n)
        return b

    def user_name(self, reference_name: str) -> str:
        """The user's name for a reference tensor name."""
        return reference_name if self.layout is None else self.layout.names().get(reference_name, reference_name)

    def shown_name(self, reference_name: str) -> str:
        """The user's name for a reference tensor as a sentence says it: a bias folded into its weight is that
        weight's bias column (or row), ``V's bias (first column)``, never the whole weight."""
        if self.layout is None:
            return reference_name
        if reference_name.startswith("b") and reference_name[1:].isdigit():
            i = int(reference_name[1:]) - 1
            lay = self.layout.layers[i] if 0 <= i < len(self.layout.layers) else None
            if lay is not None and lay.bias is None and lay.folded is not None:
                where = "first" if lay.folded == 0 else "last"
                return f"{lay.weight}'s bias ({where} {'column' if lay.transposed else 'row'})"
        return self.user_name(reference_name)

    def reference_name(self, user_name: str) -> str:
        """The reference name (``W1``) of a user's tensor name."""
        if self.layout is None:
            return user_name
        return {v: k for k, v in self.layout.names().items()}.get(user_name, user_name)

    @classmethod
    def infer(cls, loss: Any, params: Mapping[str, np.ndarray]) -> Context | None:
        """Identify a hand-written MLP loss with a reference network.

        The batch is looked for among the arrays the loss can see (closure,
        globals); the layout comes from the parameter shapes; activations,
        output, loss, a constant factor (0.5 * MSE, a sum over the batch) and a
        weight-decay term are found by evaluating every candidate reference
        network at three parameter points.

        Returns
        -------
        Context or None
            None when no candidate reproduces the loss.
        """
        try:
            return _infer(loss, {k: np.asarray(v, np.float64) for k, v in params.items()})
        except Exception:  # inference is best effort: never let it break a report
            return None

    @classmethod
    def from_function(cls, fn: Any) -> Context | None:
        """The context attached to a reference net's closure, if any."""
        network, data = getattr(fn, "network", None), getattr(fn, "data", None)
        if network is None or data is None or not hasattr(network, "config"):
            return None
        return cls(network, *data)

    @classmethod
    def discover(cls, *functions: Any) -> Context | None:
        """Find the reference network and batch behind user functions.

        Looks at the attributes set by :meth:`reference_nets.mlp.MLP.closures`,
        then at what the functions close over (``lambda p: net.loss(p, X, Y)``),
        ``functools.partial`` objects and bound methods. Returns None when
        nothing unambiguous is found: diagnosis then uses the numbers alone.
        """
        for fn in functions:
            found = cls.from_function(fn) or _from_closure(fn)
            if found is not None:
                return found
        return None

    @property
    def batch_size(self) -> int:
        """Number of samples."""
        return int(self.X.shape[0])


def closure_items(fn: Any, depth: int = 0) -> list[tuple[str, Any]]:
    """``(name, value)`` pairs a function can see: free variables, partial args, bound self, globals."""
    items: list[tuple[str, Any]] = []
    if hasattr(fn, "func") and hasattr(fn, "args"):  # functools.partial
        items += [(f"arg{i}", a) for i, a in enumerate(fn.args)] + list((fn.keywords or {}).items())
        fn = fn.func
    if hasattr(fn, "__self__"):
        items.append(("self", fn.__self__))
    code, cells = getattr(fn, "__code__", None), getattr(fn, "__closure__", None) or ()
    names = code.co_freevars if code is not None else ()
    for name, cell in zip(names, cells):
        try:
            value = cell.cell_contents
        except ValueError:  # empty cell
            continue
        items.append((name, value))
        if depth < 1 and callable(value) and not isinstance(value, type):
            items += closure_items(value, depth + 1)
    if code is not None and getattr(fn, "__globals__", None) is not None:
        found = [(n, fn.__globals__[n]) for n in code.co_names if n in fn.__globals__]
        items += found
        if depth < 1:  # the user's own helpers (a forward() the loss calls) see the batch
            items += [i for _, v in found if _own_function(v, fn) for i in closure_items(v, depth + 1)]
    return items


def _own_function(value: Any, fn: Any) -> bool:
    """A plain function defined in the same module as ``fn`` (not numpy, not a builtin)."""
    return hasattr(value, "__code__") and getattr(value, "__module__", None) == getattr(fn, "__module__", "")


def _from_closure(fn: Any) -> Context | None:
    items = closure_items(fn)
    nets = [v for _, v in items if hasattr(v, "config") and hasattr(v, "backward") and hasattr(v, "forward")]
    if not nets:
        return None
    sizes = nets[0].config.sizes
    arrays = [(n.lower(), v) for n, v in items if isinstance(v, np.ndarray) and v.ndim == 2]
    xs = [(n, a) for n, a in arrays if a.shape[1] == sizes[0]]
    ys = [(n, a) for n, a in arrays if a.shape[1] == sizes[-1]]
    X = _pick(xs, ("x", "input", "data"))
    Y = _pick([(n, a) for n, a in ys if a is not X], ("y", "target", "label", "t"))
    if X is None or Y is None or X.shape[0] != Y.shape[0]:
        return None
    return Context(nets[0], X, Y)


def _pick(cands: list[tuple[str, np.ndarray]], hints: tuple[str, ...]) -> np.ndarray | None:
    for hint in hints:
        named = [a for n, a in cands if n == hint or n.startswith(hint)]
        if len(named) == 1:
            return named[0]
    return cands[0][1] if len(cands) == 1 else None


def _batches(items) -> list[tuple[np.ndarray, np.ndarray]]:
    """Candidate ``(X, Y)`` pairs among the arrays a loss can see (samples as rows, or as columns)."""
    arrays = [v for _, v in items if isinstance(v, np.ndarray) and v.ndim in (1, 2) and v.dtype.kind in "fiub"]
    out = []
    for X in arrays:
        for Y in arrays:
            if X is not Y and X.ndim == 2 and X.shape[0] == Y.shape[0]:
                out.append((X.astype(float), (Y if Y.ndim == 2 else Y[:, None]).astype(float)))
            if X is not Y and X.ndim == 2 and Y.ndim == 2 and X.shape[1] == Y.shape[1] > 1:
                out.append((X.T.astype(float), Y.T.astype(float)))  # samples as columns
    return out


def _class_labels(Y: np.ndarray) -> bool:
    """One column of non-negative integers: class indices for cross-entropy."""
    return Y.shape[1] == 1 and bool(np.all(Y >= 0)) and bool(np.all(Y == np.round(Y))) and float(Y.max()) >= 1


def _user_loss(loss, params) -> float:
    value = loss(params)
    return float(np.asarray(value).reshape(()))


def _points(params: dict[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
    """Three parameter points: the user's, and two moved ones that change the weight norm differently."""
    rng = np.random.default_rng(0)
    moved = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}
    grown = {k: 1.5 * v + 0.05 * rng.standard_normal(v.shape) for k, v in params.items()}
    return [params, moved, grown]


def _infer(loss, params) -> Context | None:
    points = _points(params)
    losses = [_user_loss(loss, p) for p in points]
    if not all(np.isfinite(losses)):
        return None
    shapes = {k: v.shape for k, v in params.items()}
    budget = [MAX_CANDIDATES]
    for X, Y in _batches(closure_items(loss)):
        outputs = [Y.shape[1]]
        if _class_labels(Y):  # integer labels: as many outputs as the last layer has units
            outputs += sorted({int(d) for d in shapes[list(shapes)[-1]] if d > Y.max()}) or [int(Y.max()) + 1]
        for n_out in outputs:
            try:
                layouts = infer_layouts(shapes, X.shape[1], n_out)
            except LayoutError:
                continue
            for layout in layouts:
                labels = "int" if n_out != Y.shape[1] else "onehot"
                found = _match_layout(layout, points, losses, X, Y, labels, budget)
                if found is not None or budget[0] <= 0:
                    return found
    return None


def _hidden_tuples(depth: int):
    """Hidden activations for ``depth`` layers: every layer alike first (the common case), then the rest."""
    alike = list(dict.fromkeys((a,) * depth for a in HIDDEN))  # one () at depth 0
    yield from alike
    yield from (h for h in itertools.product(HIDDEN, repeat=depth) if h not in alike)


def _configs(layout, labels: str):
    """Candidate reference configurations for a layout, most common first."""
    from reference_nets.mlp import MLPConfig

    heads = [h for h in HEADS if h[1] == "ce"] if labels == "int" else HEADS
    for hidden in _hidden_tuples(len(layout.layers) - 1):
        slopes = LEAKY_SLOPES if "leaky_relu" in hidden else LEAKY_SLOPES[:1]
        for (output, name), slope in itertools.product(heads, slopes):
            extra = {"labels": labels} if labels == "int" else {}
            try:
                yield MLPConfig(
                    layout.sizes, hidden, output=output, loss=name, bias=layout.has_bias, leaky_slope=slope, **extra
                )
            except ValueError:  # a head this layout cannot have (softmax over one output)
                continue


def _match_layout(layout, points, losses, X, Y, labels: str = "onehot", budget: list | None = None) -> Context | None:
    """The first candidate of ``layout`` whose loss is the user's at every point; ``budget[0]``: candidates left."""
    from reference_nets.mlp import MLP

    budget = [MAX_CANDIDATES] if budget is None else budget
    refs = [layout.to_reference(p) for p in points]
    decay = [0.5 * sum(float(np.sum(r[k] ** 2)) for k in r if k.startswith("W")) for r in refs]
    for cfg in _configs(layout, labels):
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        net = MLP(cfg)
        try:
            data = [net.loss(r, X, Y) for r in refs]
        except ValueError:  # targets this head cannot take (e.g. not class labels)
            continue
        fit = _fit_scale_and_decay(losses, data, decay)
        if fit is not None:
            s, l2 = fit
            net = MLP(dataclasses.replace(cfg, l2=l2)) if l2 else net
            return Context(net, X, Y, layout, s)
    return None


def _fit_scale_and_decay(losses, data, decay) -> tuple[float, float] | None:
    """``(s, l2)`` with ``loss = s * (data + l2 * decay)`` at every point, or None."""
    L, D, R = (np.asarray(v, float) for v in (losses, data, decay))
    if not np.all(np.isfinite(D)) or np.any(D <= 0):
        return None
    s = L[0] / D[0]
    if s > 0 and np.all(np.abs(L - s * D) <= LOSS_MATCH_RTOL * np.abs(L)):
        return float(s), 0.0
    A = np.stack([D[:2], R[:2]], axis=1)
    if np.linalg.cond(A) > MAX_CONDITION:
        return None
    s, k = np.linalg.solve(A, L[:2])
    if s <= 0 or k <= 0 or abs(L[2] - (s * D[2] + k * R[2])) > LOSS_MATCH_RTOL * abs(L[2]):
        return None
    return float(s), float(k / s)
