"""``check_gradients``: judge a claimed gradient entry by entry.

Modes
-----
``full``
    every entry (2P loss evaluations with ``central``, P with ``complex``).
``sampled``
    ``samples`` entries per tensor: the entry with the largest analytic
    magnitude plus one random entry from each of ``samples - 1`` equal strata
    of the flattened tensor (seeded).
``directional``
    sign-aligned directional screens (:mod:`gradcheck.directional`): with the
    complex step, one screen across all tensors (one evaluation, shared with
    the complex-safety probe) and a screen per tensor only where that trips;
    without it, a Richardson screen per tensor (4 evaluations each). A tensor
    whose screen trips is localised by bisection: the direction is restricted
    to half of the entries, recursively, down to blocks checked entry by entry.
``auto``
    ``directional`` where the loss is complex-safe (the combined complex-step
    screen sees a typical entry off by 1e-6 of itself among 335,114
    parameters, at about 5 evaluations for a passing check); otherwise
    ``full`` up to :data:`AUTO_FULL_LIMIT` parameters and ``directional`` above.

Every entry that fails its first estimate gets a second opinion
(:func:`gradcheck.numeric.refine`, and the complex step where the loss allows
it) before it is called ``fail``: see :func:`_second_opinion`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from gradcheck import (
    analyticity,
    castsafety,
    castscreen,
    dataprecision,
    epsilon,
    longentries,
    longer,
    reach,
    reportnotes,
    screens,
)
from gradcheck import numeric as nm
from gradcheck.compare import SAFETY, validate_rtol
from gradcheck.diagnose import Context, diagnose, diagnose_shape_error
from gradcheck.directional import GroupScreener
from gradcheck.entries import check_entries
from gradcheck.excess import excess_note
from gradcheck.opinions import EVALUATION_BUDGET, Checker
from gradcheck.problem import GradientShapeError, Problem, misshaped
from gradcheck.result import EntryEvidence, GradientReport, TensorResult, worst_status

MODES = ("auto", "full", "sampled", "directional")
#: Without a complex-safe loss, ``auto`` checks every entry up to this many parameters (2 x 20k evaluations
#: of a small net take seconds), and switches to directional checks above.
AUTO_FULL_LIMIT = 20_000
#: Entries kept as evidence per tensor in the report.
MAX_EVIDENCE = 5


def _validate_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def _validate_int(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _select(mode: str, g: np.ndarray, samples: int, rng: np.random.Generator) -> np.ndarray:
    size = g.size
    if mode == "full" or size <= samples:
        return np.arange(size)
    strata = np.array_split(np.arange(size), samples - 1)
    picks = {int(np.argmax(np.abs(g)))} | {int(rng.choice(s)) for s in strata if s.size}
    return np.array(sorted(picks))


#: Relative errors equal to this many significant digits are a tie (a sign flip is off by 2 at every
#: entry, a missing factor 2 by 1/2): the estimates' last digits do not pick the entry shown.
TIE_DIGITS = 3


def _severity(e) -> tuple:
    """Sort key, worst first: the relative error to :data:`TIE_DIGITS` digits, then the absolute error
    (of tied entries, the largest), then the index (of exact ties, the first)."""
    rel = float(f"{e.rel_error:.{TIE_DIGITS}e}") if np.isfinite(e.rel_error) else np.inf
    return (-rel, -e.abs_error if np.isfinite(e.abs_error) else -np.inf, tuple(e.index))


def _tensor_result(name, shape, evidence, evaluations, size) -> TensorResult:
    statuses = [e.status for e in evidence]
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    bad = [e for e in evidence if e.status != "pass"]
    ranked = sorted(bad, key=lambda e: (e.status != "fail", *_severity(e))) + sorted(
        (e for e in evidence if e.status == "pass"), key=_severity
    )
    worst = ranked[0] if ranked else None
    return TensorResult(
        name=name,
        shape=tuple(shape),
        status=worst_status(statuses),
        max_abs_error=max((e.abs_error for e in evidence), default=0.0),
        max_rel_error=max((e.rel_error for e in evidence), default=0.0),
        worst_index=worst.index if worst else (),
        analytic=worst.analytic if worst else 0.0,
        numeric=worst.numeric if worst else 0.0,
        checked=len(evidence),
        size=size,
        counts=counts,
        evaluations=evaluations,
        worst=tuple(ranked[:MAX_EVIDENCE]),
    )


def check_gradients(
    loss: Callable,
    grad: Callable | Mapping[str, Any],
    params: Mapping[str, Any] | Any,
    *,
    method: str = "auto",
    mode: str = "auto",
    rtol: float | None = None,
    seed: int = 0,
    samples: int = 8,
    context: Context | None = None,
    name_bugs: bool = True,
) -> GradientReport:
    """Check a claimed gradient against numerical derivatives, entry by entry.

    Parameters
    ----------
    loss : callable
        ``loss(params) -> float``: a scalar function of the parameters. A loss
        whose author knows it analytic for complex parameters may say so,
        ``loss.complex_safe = True`` (the reference networks' closures do): the
        complex step is then trusted without the probe, whose real differences
        kinks nearer the point than any step (ReLU units at tiny weights) spoil.
    grad : callable or mapping
        ``grad(params) -> {name: array}``, or the gradient itself.
    params : mapping of str to array_like, or one array
        The point to check at (float32 or float64). Not modified.
    method : {'auto', 'central', 'richardson', 'complex', 'scipy', 'fprime'}
        Numerical estimator. ``auto``: central differences per entry (the
        complex step for float32 parameters), with the complex step for
        directions and second opinions wherever the loss is complex-safe
        (probed first; see :func:`gradcheck.numeric.probe_complex_safety`).
    mode : {'auto', 'full', 'sampled', 'directional'}
        Which entries to check (see module docstring).
    rtol : float, optional
        Relative tolerance; default ``sqrt(eps)`` of the parameters' dtype.
    seed : int
        Seed for every random choice (sampled entries, directions).
    samples : int
        Entries per tensor in ``sampled`` mode (>= 2).
    context : gradcheck.diagnose.Context, optional
        The reference network and batch behind ``loss``, for naming bugs by
        fingerprint. Found automatically on closures of
        :meth:`reference_nets.mlp.MLP.closures`.
    name_bugs : bool
        Fill ``report.diagnoses`` for a failing gradient (default True).

    Returns
    -------
    GradientReport
        ``status`` ('pass', 'fail', 'kink', 'inconclusive'), ``passed``,
        per-tensor results with the worst entries as evidence, ``notes``.

    Raises
    ------
    TypeError, ValueError
        For invalid inputs, naming the argument or tensor.
    gradcheck.problem.GradientShapeError
        When a gradient's shape differs from its parameter's; its
        ``diagnoses`` attribute names the likely bug (e.g. a bias gradient
        not summed over the batch).
    gradcheck.problem.UserFunctionError
        When ``loss`` or ``grad`` raises (the original is chained).

    Notes
    -----
    The comparison rule and its constants are in :mod:`gradcheck.compare`.
    Failing entries get a second, independent estimate before being called
    ``fail``; where the estimators disagree the entry is ``inconclusive``,
    and where the one-sided slopes reveal a kink with the analytic value
    between them, ``kink``.

    Examples
    --------
    >>> import numpy as np
    >>> loss = lambda p: np.sum(np.sin(p["w"]))
    >>> grad = lambda p: {"w": np.cos(p["w"])}
    >>> report = check_gradients(loss, grad, {"w": np.array([0.1, 0.2, 0.3])})
    >>> report.status, report.method
    ('pass', 'central')
    >>> bad = lambda p: {"w": -np.cos(p["w"])}
    >>> check_gradients(loss, bad, {"w": np.array([0.1, 0.2, 0.3])}).tensors[0].status
    'fail'
    """
    try:
        return _check_gradients(loss, grad, params, method, mode, rtol, seed, samples, context, name_bugs)
    except analyticity.NotAnalytic as seen:  # the complex step misled by a loss not analytic: real differences,
        real = "richardson" if method == "complex" else "central"  # on its extended twin where it has one
        report = _check_gradients(loss, grad, params, real, mode, rtol, seed, samples, context, name_bugs, True)
        index = tuple(int(i) for i in np.unravel_index(seen.j, report.analytic[seen.name].shape))
        notes = (seen.note(index), *report.notes)
        return dataclasses.replace(report, notes=notes, evaluations=report.evaluations + seen.evaluations)


def _check_gradients(
    loss, grad, params, method, mode, rtol, seed, samples, context, name_bugs, extended=False
) -> GradientReport:
    """:func:`check_gradients`, with the complex step wherever the loss is shown complex-safe.

    ``extended``: real differences on the loss's extended-precision twin, where it has one.
    """
    start = time.perf_counter()
    options = _validated_options(method, mode, rtol, seed, samples, grad, params)
    problem, analytic, context = _inputs(loss, grad, params, context, name_bugs, options)
    ch, mode = _checker(problem, analytic, options)
    ch.extended_wanted = extended
    tensors, numeric = _check_tensors(ch, analytic, mode, np.random.default_rng(ch.seed), options["samples"])
    ch.oracle.assert_unmodified()
    report = epsilon.named(_report(ch, mode, tensors, numeric, time.perf_counter() - start), loss)
    if name_bugs and not report.passed:
        context = context or Context.infer(loss, problem.params)
        report = diagnose(report, params=problem.params, context=context)
    report = reportnotes.with_conditioning(report, ch, analytic)
    if epsilon.is_twin(loss):  # the check against a loss without its guards: none to look for
        return report
    recheck = _recheck(analytic, problem, {**options, "name_bugs": name_bugs, "context": context})
    seen = ch.oracle.problem  # a twin judged complex-safe sees through the loss's cast without its guards too
    loss_of = seen.call_loss if seen.vouched else problem.loss_of
    return epsilon.without_guards(report, loss_of, problem.params, recheck)


def _recheck(analytic, problem: Problem, options: dict):
    """The same check of the same gradient (bugs named as the first check names them), on another loss.

    ``recheck(loss, dtype)`` checks at the parameters cast to ``dtype`` (a float32 loss's twin in float64,
    where a probability float32 rounds to 1 is not), at the rtol of the parameters' own dtype.
    """
    keyword = {k: options[k] for k in ("method", "mode", "seed", "samples", "name_bugs", "context")}
    rtol = validate_rtol(options["rtol"], problem.dtype)

    def cast(dtype):
        return (lambda v: np.asarray(v, dtype=dtype)) if dtype is not None else (lambda v: v)

    def recheck(loss, dtype=None):
        params = {k: cast(dtype)(v) for k, v in problem.params.items()}
        return check_gradients(loss, {k: cast(dtype)(v) for k, v in analytic.items()}, params, rtol=rtol, **keyword)

    def entries(loss, dtype, wanted: dict[str, list[int]]) -> tuple[dict[str, list[EntryEvidence]], int]:
        """Entries ``wanted`` (flat indices per tensor) checked one by one against ``loss``, as a check of
        every entry checks them (first estimate, second opinions), within the directional check's budget;
        and the loss evaluations spent."""
        params = {k: cast(dtype)(v) for k, v in problem.params.items()}
        g = {k: cast(dtype)(v) for k, v in analytic.items()}
        oracle = nm.Oracle(Problem.create(loss, None, params))
        ch = Checker(oracle, options["method"], rtol, g, [], options["seed"], True, EVALUATION_BUDGET)
        flat = {name: np.asarray(idx, dtype=int) for name, idx in wanted.items()}
        method = "complex" if ch.complex_safe else None  # (as finely as the first check's entries, where it can)
        found = {
            name: check_entries(ch, name, i, g[name].reshape(-1), g[name].shape, method) for name, i in flat.items()
        }
        ch.count_twin()
        return found, oracle.evaluations

    recheck.entries = entries
    return recheck


def _checker(problem: Problem, analytic, options: dict) -> tuple[Checker, str]:
    """The state of the check (the loss probed, the method resolved, the noise measured where needed), and the mode.

    ``auto`` mode is ``directional``: the screens choose themselves (see
    :mod:`gradcheck.screens`); where every estimate will be a real difference
    the loss's noise is measured up front, otherwise when a screen needs it.
    """
    rtol = validate_rtol(options["rtol"], problem.dtype)
    mode = "directional" if options["mode"] == "auto" else options["mode"]
    lazy = mode == "directional"
    budget = EVALUATION_BUDGET if lazy else None
    problem, judging, notes = castsafety.seen_if_safe(problem, analytic, options["method"])
    oracle = nm.Oracle(problem)
    oracle.evaluations += judging  # (judging the twin of a loss returned through np.float32(...))
    return Checker(oracle, options["method"], rtol, analytic, notes, options["seed"], lazy, budget), mode


def _report(ch: Checker, mode: str, tensors: list[TensorResult], numeric, elapsed: float) -> GradientReport:
    """The report of the tensors judged, with the notes the check gathered."""
    dtype = ch.oracle.problem.dtype
    notes = ch.notes + reportnotes.rounding_notes(ch, dtype) + reportnotes.lenient_notes(ch)
    notes += [n for n in [dataprecision.note(ch)] if n]
    return GradientReport(
        status=worst_status(t.status for t in tensors),
        tensors=tuple(tensors),
        method=ch.method,
        mode=mode,
        seed=ch.seed,
        rtol=ch.rtol,
        dtype=str(dtype),
        evaluations=ch.oracle.evaluations,
        elapsed=elapsed,
        notes=tuple(notes),
        analytic=ch.analytic,
        numeric=numeric,
    )


def _validated_options(method, mode, rtol, seed, samples, grad, params) -> dict:
    """Check the options at the public boundary; return them as the keyword arguments of a check."""
    _validate_choice(method, "method", nm.METHODS)
    _validate_choice(mode, "mode", MODES)
    seed = _validate_int(seed, "seed", 0)
    samples = _validate_int(samples, "samples", 2)
    if grad is None:
        raise TypeError("grad is required: a callable grad(params) or a mapping of gradients")
    if not callable(grad) and not isinstance(grad, Mapping) and isinstance(params, Mapping):
        raise TypeError(f"grad must be callable or a mapping of gradients, got {type(grad).__name__}")
    return {"method": method, "mode": mode, "rtol": rtol, "seed": seed, "samples": samples}


def _inputs(loss, grad, params, context, name_bugs: bool, options: dict):
    """The validated problem, the claimed gradient and the context that names bugs."""
    problem = Problem.create(loss, grad if callable(grad) else None, params)
    context = context if context is not None else Context.discover(loss, grad)
    raw = problem.call_grad() if callable(grad) else grad
    try:
        analytic = problem.analytic(raw)
    except GradientShapeError as exc:
        exc.diagnoses = diagnose_shape_error(exc, raw, problem.params, context)
        # the other tensors checked and every bug named, around the mis-shaped ones
        exc.report = _around_shapes(loss, raw, problem.params, context, name_bugs, options)
        exc.diagnoses = exc.report.diagnoses if exc.report is not None and name_bugs else exc.diagnoses
        raise
    return problem, analytic, context


def _check_tensors(ch: Checker, analytic, mode: str, rng, samples: int):
    """Every tensor judged in ``mode``: ``(tensor results, numeric estimates)``."""
    plan = screens.plan(ch, analytic) if mode == "directional" else {}
    tensors, numeric = [], {}
    for name, g in analytic.items():
        ch.own_share(_judged_at_once(plan.get(name)))
        before = ch.oracle.evaluations
        screen, spent, unexplained, sharp_trip = None, 0, [], False
        if mode == "directional":
            screener, screen, spent = plan[name]
            evidence, screen, unexplained = screens.check_directional(ch, name, g, rng, samples, screener, screen)
            evidence += _tied_to_twin(ch, name, g, evidence)
            more, sharp_trip = _beyond_reach(ch, name, g, evidence, screener, screen)
            evidence = longentries.settle(ch, name, g, evidence + more)
        else:
            idx = _select(mode, g.reshape(-1), samples, rng)
            evidence = check_entries(ch, name, idx, g.reshape(-1), g.shape)
        result = _tensor_result(name, g.shape, evidence, ch.oracle.evaluations - before + spent, g.size)
        result = _with_screen(result, screen) if screen is not None else result
        if name in ch.kinked and result.status == "pass":
            result = dataclasses.replace(result, status="kink")
        if sharp_trip and result.status in ("pass", "kink"):
            result = dataclasses.replace(result, status="inconclusive")  # (its screen at a longer step tripped)
        if unexplained and result.status != "fail":
            ch.notes.append(excess_note(ch, name, unexplained))
            result = dataclasses.replace(result, status=worst_status([result.status, "inconclusive"]))
        tensors.append(result)
        numeric[name] = _numeric_array(g.shape, evidence)
    ch.own_share(0)
    tensors = _confirmed_through_cast(ch, analytic, tensors)
    ch.count_twin()
    return tensors, numeric


def _judged_at_once(planned) -> int:
    """How many tensors the check of the next one judges: all of a group screen's before its search, else one."""
    screener = planned[0] if planned else None
    if isinstance(screener, GroupScreener) and not screener.results:
        return len(screener.names)
    return 1


def _tied_to_twin(ch: Checker, name: str, g: np.ndarray, evidence: list[EntryEvidence]) -> list[EntryEvidence]:
    """The user's own entries that differ from the twin's screened ones by more than rounding, checked."""
    checked = {int(np.ravel_multi_index(e.index, g.shape)) for e in evidence} if g.ndim else set()
    idx = screens.tie_to_twin(ch, name, g, checked)
    return check_entries(ch, name, idx, g.reshape(-1), g.shape) if idx.size else []


def _beyond_reach(ch: Checker, name: str, g: np.ndarray, evidence, screener, screen):
    """The entries a screen could not vouch for (:mod:`gradcheck.reach`), checked one by one.

    Returns ``(evidence, tripped)``: ``tripped`` where the real screen, measured
    again at longer steps to see those entries (:func:`gradcheck.longer.sharpen`),
    tripped. No entries where the tensor already fails, and where its screen judged
    it alone and did not pass (a blind screen, left ``inconclusive``: a few entries
    checked would make the tensor's status theirs).
    """
    if screen is None or screener is None or g.size == 0 or any(e.status == "fail" for e in evidence):
        return [], False
    if not screen.ok and not evidence:
        return [], False
    checked = {int(np.ravel_multi_index(e.index, g.shape)) for e in evidence} if g.ndim else set()
    # an entry checked on its own resolves (real differences) the loss's noise over the step, or (complex
    # step) a few ulps of itself; and neither resolves what the gradient code's own rounding blurs
    resolution = max(0.0 if ch.complex_safe else _per_entry_error(ch), ch.rtol * ch.analytic_floor)
    found = reach.unresolved(screener, name, screen, checked, resolution)
    if (found.left or found.faint) and screen.ok and not ch.complex_safe:
        before = screener, screen
        screener, screen = longer.sharpen(ch, name, screener, screen, reach.wanted(screener, name))
        if not screen.ok:  # (its faint entries at longer steps may show which entry tripped it)
            return _longer_entries(ch, name, g, found, *before, checked, resolution), True
        found = reach.unresolved(screener, name, screen, checked, resolution)
    if found.left:
        ch.notes.append(reach.note(name, found))
    long = _longer_entries(ch, name, g, found, screener, screen, checked, resolution)
    if not found.check.size:
        return long, False
    method = "complex" if ch.complex_safe else None
    return long + check_entries(ch, name, found.check, g.reshape(-1), g.shape, method), False


def _longer_entries(ch: Checker, name: str, g, found, screener, screen, checked, resolution) -> list:
    """The faint entries (:mod:`gradcheck.reach`) checked one by one at longer steps (:mod:`gradcheck.longentries`)."""
    if not found.faint:
        return []
    idx = longentries.faint(screener, name, screen, checked, resolution)
    long = longentries.check(ch, name, g, found, idx)
    if long.left:
        checked = idx.size - long.left
        ch.notes.append(longentries.note(name, long, checked) if long.evidence else reach.faint_note(name, found))
    return long.evidence


def _confirmed_through_cast(ch: Checker, analytic, tensors: list[TensorResult]) -> list[TensorResult]:
    """Once the complex step through a ``float()`` cast passed a tensor no real difference resolves, every other
    pass real differences could not resolve to 1% is screened by it as well; one that trips it is inconclusive.

    (A check that ended inconclusive on that tensor did not rest on the others' weak passes; now it would.)
    """
    if not castscreen.rescued(ch):
        return tensors
    out = []
    for t in tensors:
        g = analytic[t.name]
        seen = castscreen.screen(ch, t.name, g) if t.status == "pass" and castscreen.weak(ch, g, t) else None
        if seen is not None and not seen.ok:
            ch.notes.append(castscreen.note(ch, t.name, seen, blind_screen=False))
            t = dataclasses.replace(t, status="inconclusive")
        out.append(t)
    return out


def _per_entry_error(ch: Checker) -> float:
    """``SAFETY`` times a central difference's error bar at one entry, on the oracle per-entry checks use.

    A float32 loss (and a noisy float64 one) is differenced on its quieter twin
    (:meth:`gradcheck.opinions.Checker.quieter_twin`), whose rounding is that of
    float64 (or extended) arithmetic, not the loss's own.
    """
    if ch.quieter_twin():
        return ch.on_reference(lambda ref: SAFETY * (ref.u * abs(float(ref.L0)) + ref.noise) / ref.h0)
    return SAFETY * ch.oracle.noise / (ch.oracle.h0 * ch.step_scale())


def _with_screen(result: TensorResult, screen) -> TensorResult:
    """A tensor judged by its directional screen (and the entries it pointed to)."""
    import dataclasses

    if result.checked:
        return dataclasses.replace(result, directional=screen.to_dict())
    diff = abs(screen.analytic - screen.numeric)
    rel = diff / max(abs(screen.analytic), abs(screen.numeric), float(np.finfo(float).tiny))
    status = "pass" if screen.ok else "inconclusive"
    return dataclasses.replace(
        result,
        status=status,
        directional=screen.to_dict(),
        max_abs_error=diff,
        max_rel_error=rel,
        analytic=screen.analytic,
        numeric=screen.numeric,
    )


def _numeric_array(shape, evidence: list[EntryEvidence]) -> np.ndarray:
    out = np.full(shape, np.nan)
    for e in evidence:
        out[e.index] = e.numeric
    return out


def _around_shapes(loss, raw, params, context, name_bugs: bool, options: dict) -> GradientReport | None:
    """The report of a gradient with mis-shaped tensors: the others checked, every bug named.

    None when the rest of the gradient cannot be checked either (a missing tensor,
    a non-finite value: the checker's own error then says what is wrong).
    """
    try:
        report = check_around_shapes(loss, raw, params, **options)
    except (KeyError, TypeError, ValueError):
        return None
    if not name_bugs:
        return report
    return diagnose(report, params=params, context=context or Context.infer(loss, params))


def check_around_shapes(
    loss: Callable, raw: Mapping[str, Any], params: Mapping[str, np.ndarray], **options: Any
) -> GradientReport:
    """Check every gradient of the right shape; mark the mis-shaped ones failed.

    Parameters
    ----------
    loss : callable
        The user's ``loss(params)``.
    raw : mapping
        The claimed gradient, as returned (some shapes wrong).
    params : mapping of str to ndarray
        The parameters (validated).
    **options
        Passed on to :func:`check_gradients` (``method``, ``mode``, ``rtol``,
        ``seed``, ``samples``); no diagnosis is made there.

    Returns
    -------
    GradientReport
        Status ``fail``; the mis-shaped tensors have status ``fail``, no checked
        entries and NaN errors; ``analytic`` holds them as given.
    """
    bad = misshaped(raw, params)
    good = {k: v for k, v in params.items() if k not in bad}
    fixed = {k: params[k] for k in bad}

    def partial_loss(sub):
        return loss({k: (sub[k] if k in sub else fixed[k]) for k in params})

    analytic = {k: np.asarray(raw[k], float) for k in params}
    numeric = {k: np.full(np.shape(params[k]), np.nan) for k in bad}
    checked = None
    if good:
        checked = check_gradients(partial_loss, {k: raw[k] for k in good}, good, **{**options, "name_bugs": False})
        numeric.update(checked.numeric)
    results = {t.name: t for t in checked.tensors} if checked else {}
    tensors = tuple(results.get(k) or _failed_by_shape(k, bad[k][0], int(np.size(params[k]))) for k in params)
    rtol = options.get("rtol") or float(np.sqrt(np.finfo(float).eps))  # the checker's float64 default
    base = checked or GradientReport("fail", (), "-", "-", options.get("seed", 0), rtol, "float64", 0, 0.0)
    listed = ", ".join(f"{k} {got} for {want}" for k, (want, got) in bad.items())
    note = f"gradient of the wrong shape ({listed}): not comparable entry by entry; the other tensors were checked"
    return dataclasses.replace(
        base,
        status=worst_status([t.status for t in tensors]),
        tensors=tensors,
        analytic=analytic,
        numeric=numeric,
        notes=(*base.notes, note),
    )


def _failed_by_shape(name: str, want: tuple[int, ...], size: int) -> TensorResult:
    nan = float("nan")
    return TensorResult(name, want, "fail", nan, nan, (), nan, nan, 0, size, {"fail": 0}, 0)
