"""gradcheck side by side with the gradient checkers people use, on the same problems, in one process.

    python benchmarks/peers.py                      # every size, 3 repeats, every peer installed
    python benchmarks/peers.py --quick              # sizes 59 and 337, 1 repeat, small budget
    python benchmarks/peers.py --sizes 42634 --peers gradcheck,torch-fast,jax,scipy-check_grad

Writes ``reports/benchmarks.md`` (one table per size, then the issue's targets
with the measured value and met / not met) and ``reports/benchmarks.json``.
Not part of the test suite (``tests/test_benchmarks_smoke.py`` runs a tiny slice).

Problems
    tanh hidden layers, sigmoid output, BCE, batch 64, of 59 (8-3-8), 337
    (2-16-16-1), 42,634 (64-128-128-128-10) and 335,114 (784-256-256-256-10)
    parameters. The unit of cost is one forward+backward pass of the same net
    (``MLP.loss_and_grad``); the forward alone and the ``loss_fn`` +
    ``grad_fn`` pair are measured and reported too.
Cases
    The correct gradient, and planted bugs: the activation's derivative taken at
    the activation (``tanh'(tanh z)`` in layer 1), ``dW1`` scaled by 2, and one
    entry of ``dW2`` off by 1e-4, 1e-5 and 1e-6 relative, at the median-|g|
    entry (a typical one) and at the largest-|g| entry.
Peers
    Each has a per-(peer, size) time budget: a peer whose estimated cost
    (its loss evaluations x one forward x cases x repeats) exceeds it is
    skipped with the estimate as a note, and one call running past it is
    stopped as ``timeout``. A peer whose package is missing is ``skipped``.
    The pass/fail rule applied to each peer is in ``RULES`` (and README.md).
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import inspect
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

if __name__ == "__main__":
    # One BLAS thread unless told otherwise: on 2 shared cores a second OpenBLAS
    # thread waiting for a busy core makes a 0.2 ms matmul take 30-100 ms at
    # random, which would swamp every time here. Set before numpy loads.
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import sidebyside  # noqa: E402

from gradcheck import check_gradients  # noqa: E402
from reference_nets.mlp import MLP, MLPConfig  # noqa: E402

#: Parameters -> layer sizes (tanh hidden layers, sigmoid output, BCE).
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

#: The pass/fail rule applied to each peer's raw output (the peers return numbers, not verdicts).
RULES = {
    "gradcheck": "report.status as returned (pass / fail / kink / inconclusive)",
    "scipy-check_grad": "fail when check_grad(...) / ||g|| > 1e-5 (forward differences, eps=1.49e-8)",
    "scipy-check_grad-random": "fail when check_grad(..., direction='random') / |g.v| > 1e-5",
    "scipy-differentiate": "fail unless numpy.allclose(g, J, rtol=1e-6, atol=1e-8 * max|J|)",
    "numdifftools": "fail unless numpy.allclose(g, G, rtol=1e-6, atol=1e-8 * max|G|)",
    "torch": "fail when torch.autograd.gradcheck raises GradcheckError (defaults: eps=1e-6, atol=1e-5, rtol=1e-3)",
    "jax": "fail when jax.test_util.check_grads(order=1, modes=['rev']) raises AssertionError (defaults)",
    "cs231n": "central differences h=1e-5 per entry; fail when ||g-n|| / ||g+n|| > 1e-7 (Ng's rule)",
}


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
    units: dict = field(default_factory=dict)  # seconds: forward, fwd_bwd, pair
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


def _median_time(fn: Callable, min_seconds: float, min_runs: int = 5) -> float:
    fn()  # warm up
    times, start = [], time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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


# ------------------------------------------------------------------ checkers
@dataclass(frozen=True)
class Verdict:
    """What one checker said about one case: ``verdict`` and the entry or tensors it blamed."""

    verdict: str
    flagged: tuple[str, ...] = ()
    note: str = ""
    #: gradcheck: the smallest relative error at a typical ENTRY_TENSOR entry the check says it could see
    #: (its ``loss_ill_conditioned`` diagnosis), None where it states none
    resolution: float | None = None


def _gradcheck_run(mode: str) -> Callable:
    accepts_name_bugs = "name_bugs" in inspect.signature(check_gradients).parameters
    extra = {"name_bugs": False} if accepts_name_bugs else {}

    def run(problem: Problem, case: Case, loss: Counted) -> Verdict:
        report = check_gradients(loss, case.grad_fn, problem.params, mode=mode, seed=0, **extra)
        failing = [t for t in report.tensors if t.status == "fail"]
        flagged = tuple(t.location for t in failing)
        note = f"mode {report.mode}, {report.evaluations} evaluations"
        reach = None
        for d in getattr(report, "diagnoses", ()):
            if d.code == "loss_ill_conditioned":  # what the loss's noise let the check see
                reach = d.evidence.get("resolution", {}).get(ENTRY_TENSOR)
                note += (
                    f"; loss loses {d.evidence['digits_lost']} digits, typical {ENTRY_TENSOR} entry seen to {reach:.1g}"
                )
        return Verdict(report.status, flagged, note, reach)

    return run


def _check_grad_run(direction: str) -> Callable:
    from scipy.optimize import check_grad

    def run(problem: Problem, case: Case, loss: Counted) -> Verdict:
        f = lambda x: loss(problem.unflat(x))
        g = lambda x: problem.flat(case.grad_fn(problem.unflat(x)))
        x0 = problem.flat(problem.params)
        err = check_grad(f, g, x0, direction=direction, rng=np.random.default_rng(0))
        if direction == "random":
            v = np.random.default_rng(0).standard_normal(x0.shape)  # the direction check_grad drew
            scale = abs(float(g(x0) @ v))
        else:
            scale = float(np.linalg.norm(g(x0)))
        rel = err / max(scale, np.finfo(float).tiny)
        return Verdict("fail" if rel > 1e-5 else "pass", (), f"relative error {rel:.2e}")

    return run


def _entrywise_verdict(problem: Problem, g: np.ndarray, n: np.ndarray, rtol=1e-6) -> Verdict:
    atol = 1e-8 * float(np.max(np.abs(n)))
    excess = np.abs(g - n) / (atol + rtol * np.abs(n))
    worst = int(np.argmax(excess))
    ok = bool(np.all(excess <= 1.0))
    return Verdict(
        "pass" if ok else "fail",
        () if ok else (problem.locate(worst),),
        f"worst |g-n|/(atol+rtol|n|) = {excess[worst]:.2g} at {problem.locate(worst)}",
    )


def _scipy_differentiate_run(problem: Problem, case: Case, loss: Counted) -> Verdict:
    from scipy.differentiate import jacobian

    if problem.net is None:
        return Verdict("skipped", (), "needs a vectorised loss; the user-form net has none")

    shapes = {n: problem.params[n].shape for n in problem.names}

    def f(x):  # x: (P, ...) -> losses (...), one batched forward for every point
        rest = x.shape[1:]
        cols = x.reshape(x.shape[0], -1).T
        batch = {n: v.reshape((cols.shape[0], *shapes[n])) for n, v in _split(cols, problem).items()}
        loss.calls += cols.shape[0]
        return problem.net.batched_loss(batch, problem.X, problem.Y).reshape(rest)

    res = jacobian(f, problem.flat(problem.params))
    g = problem.flat(case.grad_fn(problem.params))
    v = _entrywise_verdict(problem, g, res.df)
    return v if np.all(res.success) else replace(v, note=v.note + f"; {np.sum(~res.success)} entries unconverged")


def _split(cols: np.ndarray, problem: Problem) -> dict:
    out, k = {}, 0
    for n in problem.names:
        size = problem.params[n].size
        out[n] = cols[:, k : k + size]
        k += size
    return out


def _numdifftools_run(problem: Problem, case: Case, loss: Counted) -> Verdict:
    import numdifftools as nd

    n = nd.Gradient(lambda x: loss(problem.unflat(x)))(problem.flat(problem.params))
    return _entrywise_verdict(problem, problem.flat(case.grad_fn(problem.params)), np.asarray(n).reshape(-1))


def _cs231n_run(problem: Problem, case: Case, loss: Counted, h: float = 1e-5) -> Verdict:
    """The CS231n loop: central differences entry by entry, then Ng's norm rule."""
    x = problem.flat(problem.params)
    n = np.zeros_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + h
        fp = loss(problem.unflat(x))
        x[i] = old - h
        fm = loss(problem.unflat(x))
        x[i] = old
        n[i] = (fp - fm) / (2 * h)
    g = problem.flat(case.grad_fn(problem.params))
    rel = np.linalg.norm(g - n) / np.linalg.norm(g + n)
    worst = problem.locate(int(np.argmax(np.abs(g - n))))
    ok = rel <= 1e-7
    return Verdict("pass" if ok else "fail", () if ok else (worst,), f"||g-n||/||g+n|| = {rel:.2e}")


def _torch_run(fast: bool) -> Callable:
    def run(problem: Problem, case: Case, loss: Counted) -> Verdict:
        import torch
        from torch.autograd.gradcheck import GradcheckError

        fn = _torch_function(problem.names, loss, case.grad_fn)
        inputs = tuple(torch.tensor(problem.params[n], dtype=torch.float64, requires_grad=True) for n in problem.names)
        try:
            torch.autograd.gradcheck(fn, inputs, fast_mode=fast)
        except GradcheckError as exc:
            return Verdict("fail", (), str(exc).splitlines()[0][:120])
        return Verdict("pass")

    return run


def _torch_function(names: list[str], loss: Callable, grad_fn: Callable) -> Callable:
    """A ``torch.autograd.Function`` whose forward is the numpy loss and whose backward is the numpy gradient."""
    import torch

    def as_params(tensors):
        return {n: t.detach().numpy() for n, t in zip(names, tensors)}

    class NumpyLoss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *tensors):
            ctx.save_for_backward(*tensors)
            return torch.tensor(float(loss(as_params(tensors))), dtype=torch.float64)

        @staticmethod
        def backward(ctx, grad_output):
            g = grad_fn(as_params(ctx.saved_tensors))
            return tuple(grad_output * torch.from_numpy(np.asarray(g[n], np.float64)) for n in names)

    return NumpyLoss.apply


def _jax_run(problem: Problem, case: Case, loss: Counted) -> Verdict:
    import jax
    import jax.numpy as jnp
    from jax.test_util import check_grads

    jax.config.update("jax_enable_x64", True)
    names = problem.names
    specs = {n: jax.ShapeDtypeStruct(problem.params[n].shape, jnp.float64) for n in names}

    def np_loss(p):
        return np.float64(loss({n: np.asarray(p[n]) for n in names}))

    def np_grad(p):
        g = case.grad_fn({n: np.asarray(p[n]) for n in names})
        return {n: np.asarray(g[n], np.float64) for n in names}

    @jax.custom_vjp
    def f(p):
        return jax.pure_callback(np_loss, jax.ShapeDtypeStruct((), jnp.float64), p)

    def bwd(p, ct):
        return (jax.tree_util.tree_map(lambda g: ct * g, jax.pure_callback(np_grad, specs, p)),)

    f.defvjp(lambda p: (f(p), p), bwd)
    try:
        check_grads(f, ({n: jnp.asarray(problem.params[n]) for n in names},), order=1, modes=["rev"])
    except AssertionError as exc:
        return Verdict("fail", (), " ".join(str(exc).split())[:120])
    return Verdict("pass")


@dataclass(frozen=True)
class Checker:
    """One row of the tables: a checker in one mode.

    ``evals(P)`` estimates its loss evaluations at P parameters (for the time
    budget); ``requires`` names the modules it imports; ``max_size`` is a
    default size limit (with ``why``) that ``--no-size-limits`` lifts.
    """

    key: str
    label: str
    run: Callable[[Problem, Case, Counted], Verdict]
    evals: Callable[[int], float]
    requires: tuple[str, ...] = ()
    rule: str = ""
    max_size: int | None = None
    why: str = ""
    localizes: bool = True


def _lazy(factory: Callable, *args) -> Callable:
    return lambda problem, case, loss: factory(*args)(problem, case, loss)


def _auto_evals(p: int) -> float:
    from gradcheck.check import AUTO_FULL_LIMIT

    return 2.0 * p + 20 if p <= AUTO_FULL_LIMIT else 400.0


CHECKERS = (
    Checker("gradcheck-auto", "gradcheck auto", _gradcheck_run("auto"), _auto_evals, rule=RULES["gradcheck"]),
    Checker(
        "gradcheck-full",
        "gradcheck full",
        _gradcheck_run("full"),
        lambda p: 2.0 * p + 20,
        rule=RULES["gradcheck"],
        max_size=42_634,
        why="full mode costs 2P evaluations",
    ),
    Checker(
        "gradcheck-directional",
        "gradcheck directional",
        _gradcheck_run("directional"),
        lambda p: 400.0,
        rule=RULES["gradcheck"],
    ),
    Checker(
        "scipy-check_grad",
        "scipy check_grad",
        _lazy(_check_grad_run, "all"),
        lambda p: p + 1.0,
        ("scipy.optimize",),
        RULES["scipy-check_grad"],
        localizes=False,
    ),
    Checker(
        "scipy-check_grad-random",
        "scipy check_grad random",
        _lazy(_check_grad_run, "random"),
        lambda p: 2.0,
        ("scipy.optimize",),
        RULES["scipy-check_grad-random"],
        localizes=False,
    ),
    Checker(
        "scipy-differentiate",
        "scipy.differentiate.jacobian",
        _scipy_differentiate_run,
        lambda p: 11.0 * p,
        ("scipy.differentiate",),
        RULES["scipy-differentiate"],
        max_size=5_000,
        why="jacobian holds P x P x 8 arrays",
    ),
    Checker(
        "numdifftools",
        "numdifftools.Gradient",
        _numdifftools_run,
        lambda p: 30.0 * p,
        ("numdifftools",),
        RULES["numdifftools"],
    ),
    Checker(
        "torch-slow",
        "torch gradcheck",
        _torch_run(False),
        lambda p: 2.0 * p + 10,
        ("torch",),
        RULES["torch"],
        localizes=False,
    ),
    Checker(
        "torch-fast",
        "torch gradcheck fast_mode",
        _torch_run(True),
        lambda p: 20.0,
        ("torch",),
        RULES["torch"],
        localizes=False,
    ),
    Checker("jax", "jax check_grads rev", _jax_run, lambda p: 4.0, ("jax",), RULES["jax"], localizes=False),
    Checker("cs231n", "CS231n loop + Ng 1e-7", _cs231n_run, lambda p: 2.0 * p, (), RULES["cs231n"]),
)


def select_checkers(tokens: list[str] | None) -> list[Checker]:
    """Checkers whose key equals a token or starts with ``token-`` (all when ``tokens`` is empty)."""
    if not tokens:
        return list(CHECKERS)
    chosen = [c for c in CHECKERS if any(c.key == t or c.key.startswith(t + "-") for t in tokens)]
    unknown = [t for t in tokens if not any(c.key == t or c.key.startswith(t + "-") for c in CHECKERS)]
    if unknown:
        raise ValueError(f"--peers: unknown {unknown}; choose from {[c.key for c in CHECKERS]}")
    return chosen


def missing_module(checker: Checker) -> str | None:
    """The first module ``checker`` needs that is not installed, or None."""
    for module in checker.requires:
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except ModuleNotFoundError:
            return module
    return None


# ------------------------------------------------------------------- running
class _Timeout(Exception):
    pass


def _call_with_timeout(fn: Callable, seconds: float):
    """``fn()``, stopped with :class:`_Timeout` after ``seconds`` (main thread only; else unbounded)."""
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return fn()

    def alarm(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_case(checker: Checker, problem: Problem, case: Case, budget: float) -> dict:
    """One timed run: verdict, seconds, loss evaluations, blamed location, note."""
    loss = Counted(problem.loss_fn)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        v = _call_with_timeout(lambda: checker.run(problem, case, loss), budget)
    except _Timeout:
        v = Verdict("timeout", (), f"stopped after {budget:g} s")
    except Exception as exc:  # a peer's crash is a result, not the end of the benchmark
        v = Verdict("error", (), f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "verdict": v.verdict,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "evaluations": loss.calls,
        "flagged": list(v.flagged),
        "localized": _localized(checker, case, v),
        "note": v.note,
        "resolution": v.resolution,
    }


def _localized(checker: Checker, case: Case, v: Verdict) -> bool | None:
    """Did the checker blame the planted entry (or only the bug's tensors)? None: it names no location."""
    if v.verdict != "fail" or not case.expected or not checker.localizes:
        return None
    if not v.flagged:
        return False
    if case.entry:
        return list(v.flagged) == [case.entry]
    return all(b.split("[")[0] in case.expected for b in v.flagged)


def _skip_reason(
    checker: Checker, problem: Problem, n_cases: int, repeats: int, budget: float, size_limits: bool
) -> str | None:
    module = missing_module(checker)
    if module:
        return f"skipped: {module} not installed (pip install -e '.[bench]')"
    if size_limits and checker.max_size is not None and problem.n_params > checker.max_size:
        return f"skipped: above {checker.max_size:,} parameters ({checker.why})"
    estimate = checker.evals(problem.n_params) * problem.units["forward"]
    if estimate * n_cases * repeats > budget:
        return f"skipped: estimated {estimate:.3g} s x {n_cases} cases x {repeats} repeats > budget {budget:g} s"
    return None


def run_checker(
    checker: Checker,
    problem: Problem,
    repeats: int,
    budget: float,
    size_limits: bool = True,
    log: Callable[[str], None] = lambda s: None,
) -> dict:
    """Every case of ``problem`` through ``checker``, ``repeats`` times each; medians per case."""
    reason = _skip_reason(checker, problem, len(problem.cases), repeats, budget, size_limits)
    row = {"key": checker.key, "label": checker.label, "rule": checker.rule, "note": reason or "", "cases": {}}
    if not reason:
        _warm_up(checker, problem, budget)
    spent = 0.0
    for case in problem.cases:
        if reason or spent > budget:
            row["cases"][case.key] = _skipped(reason or f"skipped: budget {budget:g} s spent")
            continue
        runs = [run_case(checker, problem, case, budget) for _ in range(repeats)]
        spent += sum(r["seconds"] for r in runs)
        row["cases"][case.key] = _summarize(runs)
        log(
            f"  {checker.key:<24} {case.key:<12} {row['cases'][case.key]['verdict']:<12} "
            f"{row['cases'][case.key]['seconds']:.3g} s"
        )
    return row


def _warm_up(checker: Checker, problem: Problem, budget: float) -> None:
    """Import the checker's modules and, when it is cheap (< 2 s estimated), run it once untimed.

    So no row pays for a first import (torch, jax: seconds) or a cold cache;
    tracing and compilation inside every call (jax) stay in the times.
    """
    for module in checker.requires:
        importlib.import_module(module)
    if checker.evals(problem.n_params) * problem.units["forward"] < 2.0:
        run_case(checker, problem, problem.cases[0], budget)


def _skipped(note: str) -> dict:
    return {
        "verdict": "skipped",
        "seconds": None,
        "evaluations": None,
        "flagged": [],
        "localized": None,
        "note": note,
        "runs": 0,
    }


def _summarize(runs: list[dict]) -> dict:
    out = dict(runs[0])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["seconds_all"] = [round(r["seconds"], 6) for r in runs]
    out["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in runs)
    out["runs"] = len(runs)
    verdicts = sorted({r["verdict"] for r in runs})
    if len(verdicts) > 1:
        out["note"] = f"verdicts differ across repeats: {verdicts}; " + out["note"]
    return out


def run_size(
    n_params: int,
    checkers: list[Checker],
    repeats: int,
    budget: float,
    unit_seconds: float,
    size_limits: bool = True,
    log: Callable[[str], None] = lambda s: None,
    workload: str = "reference",
    pairs: int = 0,
) -> dict:
    """Build the problem of ``n_params`` parameters and run every checker on it."""
    if workload == "userform":
        problem = make_userform_problem(n_params, unit_seconds=unit_seconds)
    else:
        problem = make_problem(n_params, unit_seconds=unit_seconds)
    log(
        f"{n_params:,} parameters ({problem.label}): forward {problem.units['forward'] * 1e3:.3g} ms, "
        f"forward+backward {problem.units['fwd_bwd'] * 1e3:.3g} ms"
    )
    rows = [run_checker(c, problem, repeats, budget, size_limits, log) for c in checkers]
    for row in rows:
        for result in row["cases"].values():
            s = result["seconds"]
            result["units"] = None if s is None else s / problem.units["fwd_bwd"]
    entries = {
        k: {"index": list(v["index"]), "location": _where(ENTRY_TENSOR, v["index"]), "g": v["g"]}
        for k, v in problem.entries.items()
    }
    keys = {c.key for c in checkers}
    extra = {}
    if pairs and {"gradcheck-auto", "torch-fast"} <= keys and not missing_module(_checker("torch-fast")):
        extra["paired"] = side_by_side(problem, pairs)
        ratio = extra["paired"]["ratio"]
        log(f"  side by side: ratio {ratio['wall']:.2f} wall, {ratio['cpu']:.2f} CPU")
    if "gradcheck-auto" in keys:
        extra["breakdown"] = sidebyside.breakdown(
            lambda loss, grad: check_gradients(loss, grad, problem.params, mode="auto", seed=0, name_bugs=False),
            problem.loss_fn,
            problem.grad_fn,
        )
    return {
        **extra,
        "n_params": n_params,
        "workload": workload,
        "label": problem.label,
        "batch": BATCH,
        "units": problem.units,
        "entries": entries,
        "cases": [
            {"key": c.key, "label": c.label, "entry": c.entry, "expected": list(c.expected)} for c in problem.cases
        ],
        "rows": rows,
    }


def _checker(key: str) -> Checker:
    return next(c for c in CHECKERS if c.key == key)


def side_by_side(problem: Problem, rounds: int) -> dict:
    """gradcheck auto and torch fast_mode on the correct gradient, alternated ``rounds`` times (:mod:`sidebyside`)."""
    correct = next(c for c in problem.cases if c.key == "correct")

    def run(key: str) -> Callable[[], str]:
        checker = _checker(key)
        return lambda: checker.run(problem, correct, Counted(problem.loss_fn)).verdict

    runs = {"gradcheck-auto": run("gradcheck-auto"), "torch-fast": run("torch-fast")}
    return sidebyside.paired(runs, rounds, "gradcheck-auto", "torch-fast")


def audit_benchmark(count: int, jobs: int = 2) -> dict:
    """Audit ``count`` copies of the example submissions with ``jobs`` workers; wall-clock seconds."""
    sources = sorted((ROOT / "examples" / "submissions").glob("*.py"))
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "subs", Path(tmp) / "out"
        folder.mkdir()
        for i in range(count):
            shutil.copy(sources[i % len(sources)], folder / f"s{i:03d}_{sources[i % len(sources)].name}")
        cmd = [
            sys.executable,
            "-m",
            "gradcheck",
            "audit",
            str(folder),
            "--jobs",
            str(jobs),
            "--format",
            "json",
            "--output",
            str(out),
        ]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800)
        seconds = time.perf_counter() - start
    try:
        judged = {Path(s["path"]).name: s["status"] for s in json.loads(proc.stdout)["submissions"]}
    except (ValueError, KeyError):
        return {"count": count, "jobs": jobs, "seconds": seconds, "error": proc.stderr[-500:]}
    expected = tomllib.loads((ROOT / "examples" / "submissions" / "EXPECTED.toml").read_text())["files"]
    # a submission audited without a spec is compared with its zero-config audit status where EXPECTED has one
    wrong = sorted(n for n, status in judged.items() if status != _expected_audit(expected[n.split("_", 1)[1]]))
    statuses = list(judged.values())
    return {
        "count": count,
        "jobs": jobs,
        "seconds": seconds,
        "audited": len(judged),
        "wrong": wrong,
        "statuses": {s: statuses.count(s) for s in sorted(set(statuses))},
    }


def _expected_audit(entry: dict) -> str:
    return entry.get("audit", entry["verdict"])


# ------------------------------------------------------------------- targets
def _cell(results: list[dict], key: str, case: str) -> dict | None:
    for size in results:
        for row in size["rows"]:
            if row["key"] == key and case in row["cases"]:
                yield size["n_params"], row["cases"][case], size
    return None


def _by(results: list[dict], key: str, case: str) -> dict:
    return {n: (cell, size) for n, cell, size in _cell(results, key, case) if cell["verdict"] != "skipped"}


def _target(name: str, measured: str, met: bool | None) -> dict:
    return {"target": name, "measured": measured, "met": met}


def targets(results: list[dict], audit: dict | None) -> list[dict]:
    """Each target with the value measured in this run and met / not met (None: not measured)."""
    ref = [s for s in results if s.get("workload", "reference") == "reference"]
    user = [s for s in results if s.get("workload") == "userform"]
    return [
        _t_false_failures(ref),
        *_t_entry(ref),
        *_t_auto_speed(ref),
        *_t_full(ref),
        _t_audit(audit),
        *_t_userform(user),
    ]


def _t_userform(user: list[dict]) -> list[dict]:
    """The user-form targets: correct nets pass fast; one entry off 1e-4 caught and pinned; 1e-5 where noise allows."""
    big = (42_634, 335_114)
    auto = _by(user, "gradcheck-auto", "correct")
    torch_fast = _by(user, "torch-fast", "correct")
    parts, met = [], []
    for n in big:
        if n not in auto:
            continue
        (cell, size), tf = auto[n], torch_fast.get(n)
        ok, versus = _no_slower(cell, tf, size.get("paired"))
        ok = ok and cell["verdict"] in ("pass", "inconclusive") and cell["units"] <= 60
        met.append(ok)
        parts.append(f"{n:,}: {cell['verdict']}, {cell['units']:.1f} units, {cell['evaluations']} evals{versus}")
    out = [
        _target(
            "user-form correct nets at 42,634 and 335,114: pass (or inconclusive naming the saturated outputs) in "
            "auto, within 60 forward+backward units, no slower than torch fast_mode",
            "; ".join(parts) or "not measured",
            None if len(met) < 2 else all(met),
        )
    ]
    for rel, hard in (("1e-04", True), ("1e-05", False)):
        parts, met = [], []
        for which in ("median", "max"):
            for n, (cell, _) in sorted(_by(user, "gradcheck-auto", f"{which}-{rel}").items()):
                if n not in big:
                    continue
                caught = cell["verdict"] == "fail" and cell["localized"] and cell["evaluations"] < 400
                said = not hard and which == "median" and _beyond_stated_reach(cell, float(rel))
                met.append(caught or said)
                label = "typical" if which == "median" else "largest"
                parts.append(
                    f"{label} {n:,}: {cell['verdict']}, pinned {cell['localized']}, {cell['evaluations']} evals"
                    + ("" if caught else f" ({cell['note']})")
                    + (f"; the report states it sees a typical entry to {cell['resolution']:.1g} only" if said else "")
                )
        name = f"user-form: one entry off {rel} at 42,634 and 335,114 caught and pinned with < 400 evaluations (auto)"
        if not hard:
            name += (
                "; where the measured noise allows: a typical entry not caught counts where the report states "
                "(loss_ill_conditioned) that the check sees a typical entry only to more than that"
            )
        out.append(_target(name, "; ".join(parts) or "not measured", None if not met else all(met)))
    return out


def _beyond_stated_reach(cell: dict, rel: float) -> bool:
    """Did the check miss an error it said it could not see? (not a fail elsewhere; a stated reach above ``rel``)"""
    reach = cell.get("resolution")
    return cell["verdict"] in ("pass", "inconclusive") and reach is not None and reach > rel


def _no_slower(cell: dict, tf, paired: dict | None) -> tuple[bool, str]:
    """Is gradcheck auto no slower than torch fast_mode, and the words for it.

    With the alternated rounds (:mod:`sidebyside`), both per-round median ratios
    (wall and CPU) must be at most 1; without them, the medians of the cells.
    """
    if paired:
        r = paired["ratio"]
        return r["wall"] <= 1.0 and r["cpu"] <= 1.0, (
            f"; vs torch fast_mode side by side ({r['rounds']} rounds): {r['wall']:.2f}x wall, {r['cpu']:.2f}x CPU"
        )
    if tf is None:
        return False, " (torch fast_mode not run)"
    return cell["seconds"] <= tf[0]["seconds"], f", {cell['seconds']:.3g} s vs torch fast_mode {tf[0]['seconds']:.3g} s"


def _t_false_failures(results):
    seen = []
    for key in ("gradcheck-auto", "gradcheck-full", "gradcheck-directional"):
        seen += [(key.split("-")[1], n, c["verdict"]) for n, (c, _) in _by(results, key, "correct").items()]
    bad = [f"{m}@{n:,}: {v}" for m, n, v in seen if v != "pass"]
    text = f"{len(seen)} runs, " + (f"non-pass: {'; '.join(bad)}" if bad else "all pass")
    fails = [b for b in bad if b.endswith("fail")]
    return _target(
        "correct gradients: zero false failures at every size, in every mode", text, None if not seen else not fails
    )


def _t_entry(results):
    out = []
    for which in ("median", "max"):
        cells = {n: cs for n, cs in _by(results, "gradcheck-auto", f"{which}-1e-05").items() if n >= 42_634}
        parts = [
            f"{n:,}: {c['verdict']}, localized {c['localized']}, {c['evaluations']} evaluations"
            for n, (c, _) in sorted(cells.items())
        ]
        met = (
            None
            if len(cells) < 2
            else all(c["verdict"] == "fail" and c["localized"] and c["evaluations"] < 200 for c, _ in cells.values())
        )
        label = "typical (median-abs)" if which == "median" else "largest"
        out.append(
            _target(
                f"one {label} entry off 1e-5 at 42,634 and 335,114: detected, localized, < 200 evaluations (auto)",
                "; ".join(parts) or "not measured",
                met,
            )
        )
    return out


def _t_auto_speed(results):
    auto = _by(results, "gradcheck-auto", "correct")
    big = auto.get(335_114)
    t1 = _target(
        "auto time to verdict at 335,114 within 50 forward+backward units",
        f"{big[0]['units']:.1f} units ({big[0]['seconds']:.3g} s)" if big else "not measured",
        None if not big else big[0]["units"] <= 50,
    )
    torch_fast = _by(results, "torch-fast", "correct")
    common = sorted(set(auto) & set(torch_fast))
    parts = [f"{n:,}: {auto[n][0]['seconds']:.3g} s vs {torch_fast[n][0]['seconds']:.3g} s" for n in common]
    t2 = _target(
        "auto at least as fast as torch fast_mode at every size (correct gradient)",
        "; ".join(parts) or "not measured",
        None if not common else all(auto[n][0]["seconds"] <= torch_fast[n][0]["seconds"] for n in common),
    )
    return [t1, t2]


def _t_full(results):
    full = _by(results, "gradcheck-full", "correct").get(42_634)
    if full:
        cell, size = full
        ratio = cell["seconds"] / (2 * size["n_params"] * size["units"]["forward"])
        t1 = _target(
            "full at 42,634 within 1.3x of 2P forward evaluations",
            f"{ratio:.2f}x ({cell['seconds']:.3g} s; 2P forwards = "
            f"{2 * size['n_params'] * size['units']['forward']:.3g} s)",
            ratio <= 1.3,
        )
    else:
        t1 = _target("full at 42,634 within 1.3x of 2P forward evaluations", "not measured", None)
    slow = _by(results, "torch-slow", "correct").get(42_634)
    t2 = _target(
        "full at 42,634 faster than torch's slow mode",
        f"{full[0]['seconds']:.3g} s vs {slow[0]['seconds']:.3g} s" if full and slow else "not measured",
        None if not (full and slow) else full[0]["seconds"] < slow[0]["seconds"],
    )
    return [t1, t2]


def _t_audit(audit):
    name = "200 small submissions audited in under 60 s on 2 cores"
    if not audit:
        return _target(name, "not measured", None)
    if "error" in audit:
        return _target(name, f"audit failed: {audit['error'][-200:]}", False)
    statuses = ", ".join(f"{n} {k}" for k, n in audit["statuses"].items())
    return _target(
        name,
        f"{audit['audited']} audited in {audit['seconds']:.1f} s with {audit['jobs']} jobs "
        f"({statuses}; {len(audit['wrong'])} verdicts differ from EXPECTED.toml)",
        audit["audited"] >= 200 and audit["seconds"] < 60 and not audit["wrong"],
    )


# ------------------------------------------------------------------- reports
LEGEND = (
    "Verdict cells: `fail ✓` blamed exactly the planted entry (entry bugs) or only the bug's tensors; "
    "`fail ✗` blamed something else; plain `fail`: the checker names no location. Time and evaluations "
    "are for the correct gradient (median of repeats); `x f+b` divides by one forward+backward pass."
)


def _localizes(key: str) -> bool:
    return next(c.localizes for c in CHECKERS if c.key == key)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def _verdict_cell(c: dict) -> str:
    mark = {True: " ✓", False: " ✗", None: ""}[c.get("localized")]
    return c["verdict"] + mark


def _num(x, fmt) -> str:
    return "–" if x is None else format(x, fmt)


def size_table(size: dict) -> list[str]:
    """One size's markdown: header, table, notes."""
    cases = size["cases"]
    u = size["units"]
    workload = "user form" if size.get("workload") == "userform" else "reference net"
    lines = [
        f"## {size['n_params']:,} parameters, {workload} ({size['label']}, batch {size['batch']})",
        "",
        f"One forward {u['forward'] * 1e3:.3g} ms, forward+backward {u['fwd_bwd'] * 1e3:.3g} ms, "
        f"loss_fn + grad_fn {u['pair'] * 1e3:.3g} ms. Planted entries: "
        + ", ".join(
            f"{'typical (median-abs)' if k == 'median' else 'largest'} {v['location']} (g = {v['g']:.3g})"
            for k, v in size["entries"].items()
        ),
        "",
        "| checker | time (s) | x f+b | evals | " + " | ".join(c["label"] for c in cases) + " | localized |",
        "|---|---:|---:|---:|" + "---|" * len(cases) + "---:|",
    ]
    notes = []
    for row in size["rows"]:
        correct = row["cases"]["correct"]
        loc = [c["localized"] for c in row["cases"].values() if c["localized"] is not None]
        cells = [_verdict_cell(row["cases"][c["key"]]) for c in cases]
        located = f"{sum(loc)}/{len(loc)}" if loc else ("n/a" if not _localizes(row["key"]) else "–")
        lines.append(
            f"| {row['label']} | {_num(correct['seconds'], '.3g')} | {_num(correct.get('units'), '.3g')} "
            f"| {_num(correct['evaluations'], 'd')} | " + " | ".join(cells) + f" | {located} |"
        )
        if row["note"]:
            notes.append(f"- {row['label']}: {_md(row['note'])}")
        notes += [
            f"- {row['label']}, {k}: {_md(c['note'])}"
            for k, c in row["cases"].items()
            if c["verdict"] in ("error", "timeout") or "differ" in c["note"]
        ]
    return lines + [""] + notes + ([""] if notes else []) + sidebyside.render(size)


def render_markdown(data: dict) -> str:
    meta = data["meta"]
    lines = [
        "# gradcheck and its peers",
        "",
        f"Run {meta['date']} on {meta['machine']} ({meta['cores']} cores), Python {meta['python']}, "
        f"{meta['repeats']} repeat(s), budget {meta['budget']:g} s per checker and size, "
        f"BLAS threads {meta['threads']['OPENBLAS_NUM_THREADS']}. "
        "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".",
        "",
        "Command: `" + meta["command"] + "`",
        "",
        LEGEND,
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for t in data["targets"]:
        met = {True: "met", False: "**not met**", None: "not measured"}[t["met"]]
        lines.append(f"| {_md(t['target'])} | {_md(t['measured'])} | {met} |")
    lines.append("")
    for size in data["sizes"]:
        lines += size_table(size)
    lines += ["## Rules applied to each peer", ""] + [f"- `{k}`: {_md(v)}" for k, v in RULES.items()] + [""]
    return "\n".join(lines)


def _versions() -> dict:
    out = {}
    for name in ("numpy", "scipy", "numdifftools", "torch", "jax"):
        try:
            from importlib.metadata import version

            out[name] = version(name)
        except Exception:
            out[name] = "not installed"
    return out


def write_reports(data: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    md, js = folder / "benchmarks.md", folder / "benchmarks.json"
    md.write_text(render_markdown(data))
    js.write_text(json.dumps(data, indent=1, default=float))
    return md, js


# ----------------------------------------------------------------------- CLI
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.replace("_", "").split(",")],
        default=None,
        help=f"comma-separated parameter counts among {sorted(SIZES)} (default: all; 59,337 with --quick)",
    )
    p.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="runs per checker and case; times are medians (default 3; 1 with --quick)",
    )
    p.add_argument(
        "--peers",
        type=lambda s: [t for t in s.split(",") if t],
        default=None,
        help="checkers to run, by key or key prefix, e.g. gradcheck,scipy,torch-fast (default: all)",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds per checker and size; estimated overruns are skipped, single calls "
        "stopped (default 300; 60 with --quick)",
    )
    p.add_argument(
        "--audit",
        type=int,
        default=None,
        metavar="N",
        help="also time an audit of N copies of examples/submissions on 2 jobs (default 200; 0 with --quick)",
    )
    p.add_argument(
        "--no-size-limits",
        action="store_true",
        help="run gradcheck full and scipy.differentiate above their default size limits",
    )
    p.add_argument(
        "--workloads",
        type=lambda s: [t for t in s.split(",") if t],
        default=["reference", "userform"],
        help="reference (this project's MLPs), userform (the same sizes written as users write them: "
        "probabilities then log, np.clip, float(), saturated outputs); default both",
    )
    p.add_argument(
        "--pairs",
        type=int,
        default=None,
        help="rounds of gradcheck auto and torch fast_mode alternated on each correct gradient, for their "
        "ratio (default 9; 0 with --quick; needs both in --peers)",
    )
    p.add_argument("--quick", action="store_true", help="a fast look: sizes 59,337, 1 repeat, small budget")
    p.add_argument("--output", type=Path, default=ROOT / "reports", help="folder for benchmarks.md/.json")
    args = p.parse_args(argv)
    quick = args.quick
    args.sizes = args.sizes or ([59, 337] if quick else sorted(SIZES))
    args.repeats = args.repeats or (1 if quick else 3)
    args.budget = args.budget or (60.0 if quick else 300.0)
    args.audit = (0 if quick else 200) if args.audit is None else args.audit
    args.unit_seconds = 0.1 if quick else 0.5
    args.pairs = (0 if quick else 9) if args.pairs is None else args.pairs
    if set(args.workloads) - {"reference", "userform"}:
        p.error(f"--workloads: choose from reference, userform; got {args.workloads}")
    bad = [s for s in args.sizes if s not in SIZES]
    if bad:
        p.error(f"--sizes: {bad} not among {sorted(SIZES)}")
    if args.pairs < 0:
        p.error(f"--pairs must be >= 0, got {args.pairs}")
    if args.repeats < 1:
        p.error(f"--repeats must be >= 1, got {args.repeats}")
    return args


def run(args: argparse.Namespace, log: Callable[[str], None] = lambda s: None) -> dict:
    """The whole benchmark as plain data (what benchmarks.json holds)."""
    checkers = select_checkers(args.peers)
    sizes = [
        run_size(n, checkers, args.repeats, args.budget, args.unit_seconds, not args.no_size_limits, log, w, args.pairs)
        for w in args.workloads
        for n in args.sizes
    ]
    audit = audit_benchmark(args.audit) if args.audit else None
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "versions": _versions(),
        "repeats": args.repeats,
        "budget": args.budget,
        "command": "python benchmarks/peers.py " + " ".join(sys.argv[1:]),
        "unit": "one forward+backward pass (MLP.loss_and_grad), median",
        "threads": {v: os.environ.get(v, "unset") for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
    }
    return {"meta": meta, "sizes": sizes, "audit": audit, "targets": targets(sizes, audit)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        select_checkers(args.peers)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    data = run(args, log=lambda s: print(s, file=sys.stderr, flush=True))
    md, js = write_reports(data, args.output)
    print(f"wrote {md} and {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
