"""Assertions for test suites: pytest, unittest, nbgrader and otter.

:func:`assert_gradients_close` runs :func:`gradcheck.check_gradients` and
returns the report when the gradient passes (status ``pass`` or ``kink``); it
raises :class:`AssertionError` otherwise, with the report as its ``report``
attribute. The message carries the evidence, in the manner of
:mod:`numpy.testing`: a header line, then one aligned row per failing entry
(``W1[3, 7]``, analytic, numeric, their absolute and relative errors, the
tolerance and the numeric error estimate), the named bug where one is
recognised, and a line that reproduces the check.

Nothing is printed on success: autograders treat any output on stderr as a
failure.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from gradcheck.check import check_gradients
from gradcheck.compare import default_rtol
from gradcheck.problem import GradientShapeError
from gradcheck.result import EntryEvidence, GradientReport, TensorResult, format_index

__all__ = [
    "assert_gradients_close",
    "assert_model_gradients",
    "failure_message",
]

# unittest drops the frames of modules that define ``__unittest`` from the
# traceback of a failed assertion (as pytest does for ``__tracebackhide__``):
# the traceback ends at the user's test line.
__unittest = True

#: Failing entries shown per tensor (the report keeps ``check.MAX_EVIDENCE``).
MAX_ROWS = 5
_PASSING = ("pass", "kink")
_COLUMNS = ("entry", "status", "analytic", "numeric", "abs err", "rel err", "tolerance", "numeric err")


def _diagnosed(report: GradientReport, context: Mapping[str, Any]) -> GradientReport:
    """The report with bug diagnoses, when :mod:`gradcheck.diagnose` is available.

    ``check_gradients`` usually diagnoses already; this covers reports that
    arrive without diagnoses. ``diagnose`` receives ``params`` when its
    signature accepts it. A diagnosis is a courtesy: if it fails, the
    assertion still reports the evidence, with a note.
    """
    if report.diagnoses:
        return report
    try:
        from gradcheck.diagnose import diagnose
    except ImportError:
        return report
    try:
        accepted = inspect.signature(diagnose).parameters
        kwargs = {k: v for k, v in context.items() if k in accepted}
        result = diagnose(report, **kwargs)
    except Exception as exc:  # never let a diagnosis hide the failure itself
        note = f"diagnosis unavailable: {type(exc).__name__}: {exc}"
        return _with_notes(report, note)
    return result if isinstance(result, GradientReport) else report


def _with_notes(report: GradientReport, *notes: str) -> GradientReport:
    return replace(report, notes=tuple(report.notes) + notes)


def _rows(tensor: TensorResult) -> list[tuple[str, ...]]:
    """Table rows for the non-passing entries of one tensor."""
    bad = [e for e in tensor.worst if e.status not in _PASSING][:MAX_ROWS]
    if not bad:  # no evidence kept: fall back to the tensor's worst entry
        return [
            (
                tensor.location,
                tensor.status,
                f"{tensor.analytic:.10g}",
                f"{tensor.numeric:.10g}",
                f"{tensor.max_abs_error:.2e}",
                f"{tensor.max_rel_error:.2e}",
                "-",
                "-",
            )
        ]
    return [_row(tensor.name, e) for e in bad]


def _row(name: str, e: EntryEvidence) -> tuple[str, ...]:
    return (
        format_index(name, e.index),
        e.status,
        f"{e.analytic:.10g}",
        f"{e.numeric:.10g}",
        f"{e.abs_error:.2e}",
        f"{e.rel_error:.2e}",
        f"{e.tolerance:.2e}",
        f"{e.numeric_error:.2e}",
    )


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Columns aligned: text to the left, numbers to the right."""
    table = [_COLUMNS, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(_COLUMNS))]
    lines = []
    for r in table:
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append(" " + "  ".join(cells).rstrip())
    return lines


def _header(report: GradientReport) -> str:
    bad = [t for t in report.tensors if t.status not in _PASSING]
    how = f"method {report.method}, mode {report.mode}, seed {report.seed}, rtol {report.rtol:.2g}"
    counts = f"{len(bad)} of {len(report.tensors)} tensors"
    if report.status == "inconclusive":
        return f"Gradients inconclusive: the numeric side was unreliable for {counts} ({how})"
    return f"Gradients not close: {counts} failed ({how})"


def _reproduce(report: GradientReport, options: Mapping[str, Any]) -> str:
    args = [f"method={report.method!r}", f"mode={report.mode!r}", f"seed={report.seed}"]
    if options.get("rtol") is not None or report.rtol != default_rtol(report.dtype):
        args.append(f"rtol={report.rtol!r}")
    if report.mode == "sampled" and "samples" in options:
        args.append(f"samples={options['samples']}")
    return f"Reproduce: gradcheck.check_gradients(loss, grad, params, {', '.join(args)})"


def _diagnosis_lines(report: GradientReport) -> list[str]:
    lines = []
    for d in report.diagnoses:
        where = f" ({d.tensor})" if d.tensor else ""
        lines.append(f"Diagnosis: {d.code}{where}: {d.message} [confidence {d.confidence:.2f}]")
    return lines


def failure_message(report: GradientReport, options: Mapping[str, Any] | None = None) -> str:
    """The assertion message for a report that did not pass.

    Parameters
    ----------
    report : GradientReport
        A report whose status is not ``pass`` or ``kink``.
    options : mapping, optional
        The options the check ran with (for the reproduction line).

    Returns
    -------
    str
        Header line, aligned table of failing entries, diagnoses, notes, hint
        and reproduction line, separated by newlines.
    """
    rows = [row for t in report.tensors if t.status not in _PASSING for row in _rows(t)]
    lines = [_header(report), "", *_table(rows), ""]
    lines += _diagnosis_lines(report)
    lines += [f"Note: {n}" for n in report.notes]
    if report.status == "inconclusive":
        lines.append(
            "Hint: the numerical estimators disagree with each other, so no verdict is "
            "possible; try method='richardson', or float64 parameters and a smoother loss."
        )
    lines.append(_reproduce(report, options or {}))
    return "\n".join(lines)


def assert_gradients_close(
    loss: Callable, grad: Callable | Mapping[str, Any], params: Any, **options: Any
) -> GradientReport:
    """Assert that ``grad`` is the gradient of ``loss`` at ``params``.

    Parameters
    ----------
    loss, grad, params
        As for :func:`gradcheck.check_gradients`.
    **options
        ``method``, ``mode``, ``rtol``, ``seed``, ``samples``: passed on to
        :func:`gradcheck.check_gradients`.

    Returns
    -------
    GradientReport
        The report, when its status is ``pass`` or ``kink`` (a valid
        subgradient at a non-differentiable point).

    Raises
    ------
    AssertionError
        Naming every failing entry (``W1[3, 7]``) with its analytic and
        numeric values, errors and tolerance, the diagnosis and the call that
        reproduces the check. A gradient whose shape is not its parameter's
        fails too, with the shape bug named and the other tensors checked.
        Raised for status ``inconclusive`` as well, with a message saying
        the numeric side was unreliable. The full report (a plain
        :class:`AssertionError`, as :mod:`numpy.testing` raises, so that
        unittest and pytest show it as such) is its ``report`` attribute.
    TypeError, ValueError
        For invalid inputs (see :func:`gradcheck.check_gradients`).

    Examples
    --------
    >>> import numpy as np
    >>> loss = lambda p: np.sum(p["w"] ** 2)
    >>> assert_gradients_close(loss, lambda p: {"w": 2 * p["w"]}, {"w": np.ones(3)}).status
    'pass'
    >>> assert_gradients_close(loss, lambda p: {"w": p["w"]}, {"w": np.ones(3)})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: Gradients not close: 1 of 1 tensors failed ...
    """
    __tracebackhide__ = True
    try:
        report = check_gradients(loss, grad, params, **options)
    except GradientShapeError as exc:  # a gradient of the wrong shape is a wrong gradient, named as such
        if getattr(exc, "report", None) is None:
            raise
        report = exc.report
    if report.passed:
        return report
    report = _diagnosed(report, {"params": params})
    error = AssertionError(failure_message(report, options))
    error.report = report
    raise error


def _as_net(net_or_config: Any) -> Any:
    from reference_nets import MLP, MLPConfig

    if isinstance(net_or_config, MLPConfig):
        return MLP(net_or_config)
    if callable(getattr(net_or_config, "closures", None)):
        return net_or_config
    raise TypeError(f"net_or_config must be a reference_nets MLP or MLPConfig, got {type(net_or_config).__name__}")


def assert_model_gradients(
    net_or_config: Any, X: Any, Y: Any, params: Mapping[str, Any] | None = None, **options: Any
) -> GradientReport:
    """Assert that a network's backward pass is the gradient of its loss on ``(X, Y)``.

    Parameters
    ----------
    net_or_config : reference_nets.MLP or reference_nets.MLPConfig
        The network (an MLP subclass, e.g. one with a planted bug, works too),
        or a configuration to build a reference MLP from.
    X, Y : array_like
        The batch, shapes ``(N, n_in)`` and ``(N, n_out)``.
    params : mapping, optional
        Where to check; default ``net.init_params(seed=seed)`` with the
        ``seed`` option (0 by default).
    **options
        As for :func:`assert_gradients_close`.

    Returns
    -------
    GradientReport
        As :func:`assert_gradients_close`.

    Raises
    ------
    AssertionError
        As :func:`assert_gradients_close`.
    TypeError
        If ``net_or_config`` is neither an MLP nor an MLPConfig.
    """
    __tracebackhide__ = True
    net = _as_net(net_or_config)
    if params is None:
        params = net.init_params(seed=options.get("seed", 0))
    loss, grad = net.closures(X, Y)
    return assert_gradients_close(loss, grad, params, **options)
