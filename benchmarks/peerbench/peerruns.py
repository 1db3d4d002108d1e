"""How each peer is run on a case, and the verdict read from its raw output (the rules in ``RULES``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from gradcheck import check_gradients
from peerbench.problems import ENTRY_TENSOR, Case, Counted, Problem

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
