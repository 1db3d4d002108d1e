"""The rows of the tables: every checker in every mode, its cost estimate and what it needs."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from peerbench.peerruns import (
    RULES,
    Verdict,
    _check_grad_run,
    _cs231n_run,
    _gradcheck_run,
    _jax_run,
    _numdifftools_run,
    _scipy_differentiate_run,
    _torch_run,
)
from peerbench.problems import Case, Counted, Problem


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
