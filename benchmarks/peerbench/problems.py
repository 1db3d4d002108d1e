"""The benchmark's problems: the networks, their batch and point, cost units and planted cases.

Tanh hidden layers, sigmoid output, BCE, batch 64, of 59, 337, 42,634 and
335,114 parameters, as this project's reference MLPs (:func:`make_problem`) or
written the way users write them (:func:`make_userform_problem`); the correct
gradient and planted bugs (:func:`make_cases`); and :class:`Counted`, the loss
that counts the points it is evaluated at.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from reference_nets.mlp import MLP, MLPConfig

ROOT = Path(__file__).resolve().parents[2]

SIZES = {
    59: (8, 3, 8),
    337: (2, 16, 16, 1),
    42_634: (64, 128, 128, 128, 10),
    335_114: (784, 256, 256, 256, 10),
}
BATCH = 64
ENTRY_TENSOR = "W2"
ENTRY_ERRORS = (1e-4, 1e-5, 1e-6)
VERDICTS = ("pass", "fail", "inconclusive", "kink", "error", "skipped", "timeout")


# ----------------------------------------------------------------- problems
@dataclass(frozen=True)
class Case:
    """One gradient to judge: the correct one or a planted bug."""

    key: str
    label: str
    grad_fn: Callable
    expected: tuple[str, ...] = ()  # tensors the bug touches (empty: correct)
    entry: str | None = None  # the planted entry, as 'W2[3, 1]'


@dataclass(frozen=True)
class Problem:
    """One network, batch and point, with its cost units and its cases."""

    n_params: int
    label: str
    net: MLP
    X: np.ndarray
    Y: np.ndarray
    params: dict
    loss_fn: Callable
    grad_fn: Callable
    units: dict = field(default_factory=dict)  # seconds: forward, fwd_bwd, pair (wall); fwd_bwd_cpu (CPU)
    cases: tuple[Case, ...] = ()
    entries: dict = field(default_factory=dict)  # 'median'/'max' -> {index, g}

    @property
    def names(self) -> list[str]:
        return list(self.params)

    def flat(self, params: dict) -> np.ndarray:
        return np.concatenate([np.asarray(params[n], np.float64).reshape(-1) for n in self.names])

    def unflat(self, x: np.ndarray) -> dict:
        out, k = {}, 0
        for n in self.names:
            shape = self.params[n].shape
            size = int(np.prod(shape))
            out[n] = x[k : k + size].reshape(shape)
            k += size
        return out

    def locate(self, flat_index: int) -> str:
        for n in self.names:
            size = self.params[n].size
            if flat_index < size:
                return _where(n, np.unravel_index(flat_index, self.params[n].shape))
            flat_index -= size
        raise IndexError(flat_index)


def _where(name: str, index) -> str:
    return f"{name}[{', '.join(str(int(i)) for i in index)}]"


class ActivationBugMLP(MLP):
    """Layer 1's derivative taken at the activation: ``tanh'(tanh z)`` instead of ``tanh'(z)``."""

    def _hidden_delta(self, layer, upstream_da, cache, params):
        if layer != 1:
            return super()._hidden_delta(layer, upstream_da, cache, params)
        return upstream_da * self.config.activation(1).prime(cache.activations[1])


def _with_attrs(fn: Callable, like: Callable) -> Callable:
    """Keep the closures' ``network``/``data`` attributes (gradcheck reads them to name bugs)."""
    for attr in ("network", "data"):
        if hasattr(like, attr):
            setattr(fn, attr, getattr(like, attr))
    return fn


def _scaled_grad(grad_fn: Callable, name: str, factor: float, index=None) -> Callable:
    def grad(params):
        g = {k: np.array(v, copy=True) for k, v in grad_fn(params).items()}
        if index is None:
            g[name] = g[name] * factor
        else:
            g[name][index] *= factor
        return g

    return _with_attrs(grad, grad_fn)


def _planted_entries(g: np.ndarray) -> dict:
    """The median-|g| entry (a typical one) and the largest-|g| entry of ``g``."""
    flat = np.abs(g.reshape(-1))
    order = np.argsort(flat, kind="stable")
    picks = {"median": int(order[flat.size // 2]), "max": int(order[-1])}
    return {
        k: {"index": tuple(int(i) for i in np.unravel_index(j, g.shape)), "g": float(g.reshape(-1)[j])}
        for k, j in picks.items()
    }


def make_cases(problem: Problem, act_grad: Callable | None = None) -> tuple[tuple[Case, ...], dict]:
    """The correct gradient and every planted bug of ``problem``."""
    if act_grad is None:
        _, act_grad = ActivationBugMLP(problem.net.config).closures(problem.X, problem.Y)
    entries = _planted_entries(problem.grad_fn(problem.params)[ENTRY_TENSOR])
    cases = [
        Case("correct", "correct", problem.grad_fn),
        Case("act", "f'(a) in layer 1", _with_attrs(act_grad, problem.grad_fn), ("W1", "b1")),
        Case("scale", "dW1 x 2", _scaled_grad(problem.grad_fn, "W1", 2.0), ("W1",)),
    ]
    for which, entry in entries.items():
        where = _where(ENTRY_TENSOR, entry["index"])
        for rel in ENTRY_ERRORS:
            grad = _scaled_grad(problem.grad_fn, ENTRY_TENSOR, 1.0 + rel, entry["index"])
            label = f"{'typical' if which == 'median' else 'largest'} entry {rel:.0e}"
            cases.append(Case(f"{which}-{rel:.0e}", label, grad, (ENTRY_TENSOR,), where))
    return tuple(cases), entries


def _median_time(fn: Callable, min_seconds: float, min_runs: int = 5, clock: Callable = time.perf_counter) -> float:
    fn()  # warm up
    times, start = [], time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < min_seconds:
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)


def _fwd_bwd_cpu(fn: Callable, min_seconds: float) -> float:
    """The CPU time of one forward+backward (``time.process_time``), the unit of a check's CPU time.

    On cores shared with other jobs a wall-clock unit misleads: a 0.4 ms call
    mostly runs within one time slice, a 5 ms check is preempted, so the
    check's wall time in units of it grew with the load (42,634-parameter
    user-form net: 104 units on a loaded machine, 6.8 on a quiet one, the same
    11 evaluations). CPU time over CPU time does not move with the load.
    """
    return _median_time(fn, min_seconds, clock=time.process_time)


def make_userform_problem(n_params: int, unit_seconds: float = 0.5) -> Problem:
    """The same size written as a user writes it (``benchmarks/userforms.py``): probabilities then
    ``log(1 - p)`` with ``np.clip``, ``float()`` cast, hand-written backprop, saturated outputs.

    The unit of cost is the user's ``grad`` (it runs the forward pass itself):
    one forward+backward.
    """
    import userforms as uf

    form = uf.large_form(n_params)
    loss_fn, grad_fn, params = uf.build(form)
    _, X, Y = uf.data(form)
    label = f"{'-'.join(map(str, form.sizes))} tanh|sigmoid bce user-form float()"
    problem = Problem(n_params, label, None, X, Y, params, loss_fn, grad_fn)
    units = {
        "forward": _median_time(lambda: loss_fn(params), unit_seconds),
        "fwd_bwd": _median_time(lambda: grad_fn(params), unit_seconds),
        "pair": _median_time(lambda: (loss_fn(params), grad_fn(params)), unit_seconds),
        "fwd_bwd_cpu": _fwd_bwd_cpu(lambda: grad_fn(params), unit_seconds),
    }
    _, act_grad, _ = uf.build(form, bug="derivative_at_activation")
    cases, entries = make_cases(problem, act_grad)
    return replace(problem, units=units, cases=cases, entries=entries)


def make_problem(n_params: int, seed: int = 0, unit_seconds: float = 0.5) -> Problem:
    """The network of ``n_params`` parameters, its batch, point, cost units and cases."""
    if n_params not in SIZES:
        raise ValueError(f"--sizes must be among {sorted(SIZES)}, got {n_params!r}")
    config = MLPConfig(SIZES[n_params], "tanh", output="sigmoid", loss="bce")
    net = MLP(config)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((BATCH, config.sizes[0]))
    Y = (rng.random((BATCH, config.sizes[-1])) < 0.5).astype(float)
    params = net.init_params(seed)
    loss_fn, grad_fn = net.closures(X, Y)
    problem = Problem(n_params, config.label, net, X, Y, params, loss_fn, grad_fn)
    units = {
        "forward": _median_time(lambda: loss_fn(params), unit_seconds),
        "fwd_bwd": _median_time(lambda: net.loss_and_grad(params, X, Y), unit_seconds),
        "pair": _median_time(lambda: (loss_fn(params), grad_fn(params)), unit_seconds),
        "fwd_bwd_cpu": _fwd_bwd_cpu(lambda: net.loss_and_grad(params, X, Y), unit_seconds),
    }
    cases, entries = make_cases(problem)
    return replace(problem, units=units, cases=cases, entries=entries)


class Counted:
    """A loss that counts the parameter points it is evaluated at.

    A loss with ``batched(params_batch)`` (K parameter sets in one call, each
    tensor with a leading axis K; gradcheck's full mode uses it) counts K points
    per batched call: ``functools.update_wrapper`` would otherwise copy the
    loss's own ``batched`` onto this wrapper, and those points would go uncounted.
    """

    def __init__(self, fn: Callable):
        self.fn, self.calls = fn, 0
        _with_attrs(self, fn)
        functools.update_wrapper(self, fn)
        batched = getattr(fn, "batched", None)
        if batched is not None:

            def counted_batched(params_batch):
                self.calls += len(next(iter(params_batch.values())))
                return batched(params_batch)

            self.batched = counted_batched

    def __call__(self, params):
        self.calls += 1
        return self.fn(params)
