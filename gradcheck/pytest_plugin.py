"""pytest plugin: the ``gradcheck`` fixture, marker, options and session report.

Registered through the ``pytest11`` entry point, so installing gradcheck is
enough::

    def test_backward(gradcheck):
        gradcheck(loss, grad, params)          # AssertionError with the evidence

    @pytest.mark.gradcheck(mode="sampled", seed=3)
    def test_big_net(gradcheck):
        gradcheck(loss, grad, params)

Options are resolved per check: explicit keyword arguments of the call win
over the ``gradcheck`` marker, which wins over the ``--gradcheck-*``
command-line options.

The plugin costs nothing in sessions that do not use it: gradcheck (and
numpy) are imported only when the fixture is first requested or a
``--gradcheck-*`` option needs validating.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

#: Options a check accepts from the command line, the marker or the call.
OPTION_NAMES = ("method", "mode", "seed", "rtol", "samples")
_RECORDS = pytest.StashKey[list]()
_WRITE_ERROR = pytest.StashKey[str]()
_MARKER_DOC = (
    "gradcheck(method=None, mode=None, seed=None, rtol=None, samples=None): options for "
    "the checks run through the gradcheck fixture in this test; they override the "
    "--gradcheck-* command-line options (keyword arguments of the call override both)."
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--gradcheck-*`` options in one group."""
    group = parser.getgroup("gradcheck", "gradient checks run through the gradcheck fixture")
    group.addoption(
        "--gradcheck-method",
        metavar="NAME",
        default=None,
        help="Numerical estimator for every check: auto (default: central differences, "
        "the complex step where the loss allows it), central, richardson, complex, scipy "
        "or fprime.",
    )
    group.addoption(
        "--gradcheck-mode",
        metavar="NAME",
        default=None,
        help="Entries to check: auto (default: every entry up to 20000 parameters, random "
        "directions above), full, sampled or directional.",
    )
    group.addoption(
        "--gradcheck-seed",
        metavar="N",
        type=int,
        default=0,
        help="Seed of every random choice (sampled entries, directions). Default 0; the "
        "header shows it, so a failing run can be reproduced exactly.",
    )
    group.addoption(
        "--gradcheck-rtol",
        metavar="X",
        type=float,
        default=None,
        help="Relative tolerance per entry. Default: sqrt(eps) of the parameters' dtype "
        "(1.5e-8 for float64, 3.5e-4 for float32).",
    )
    group.addoption(
        "--gradcheck-report",
        metavar="PATH",
        default=None,
        help="Write every check of the session to PATH as a JSON list of {nodeid, status, "
        "method, mode, seed, rtol, tensors, diagnoses, ...}, replaced atomically at the end.",
    )


def _cli_options(config: pytest.Config) -> dict[str, Any]:
    values = {name: config.getoption(f"--gradcheck-{name}", None) for name in OPTION_NAMES if name != "samples"}
    return {k: v for k, v in values.items() if v is not None}


def _validate_cli(config: pytest.Config) -> None:
    """Reject bad ``--gradcheck-*`` values at start-up, not in every test."""
    method, mode = config.getoption("--gradcheck-method"), config.getoption("--gradcheck-mode")
    rtol, seed = config.getoption("--gradcheck-rtol"), config.getoption("--gradcheck-seed")
    if method is not None or mode is not None:
        from gradcheck.check import MODES
        from gradcheck.numeric import METHODS

        for flag, value, choices in (("method", method, METHODS), ("mode", mode, MODES)):
            if value is not None and value not in choices:
                raise pytest.UsageError(f"--gradcheck-{flag} must be one of {', '.join(choices)}; got {value!r}")
    if rtol is not None and not 0.0 < rtol < 1.0:
        raise pytest.UsageError(f"--gradcheck-rtol must be in (0, 1); got {rtol}")
    if seed is not None and seed < 0:
        raise pytest.UsageError(f"--gradcheck-seed must be >= 0; got {seed}")
    report = _report_path(config)
    if report is not None:
        _validate_report_path(report)


def _report_path(config: pytest.Config) -> Path | None:
    path = config.getoption("--gradcheck-report")
    return Path(config.invocation_params.dir, path) if path else None


def _validate_report_path(path: Path) -> None:
    """``--gradcheck-report`` must name a file that can be written: checked before any test runs."""
    from gradcheck.flags import CliError, check_writable

    if path.is_dir():
        raise pytest.UsageError(f"--gradcheck-report {path} is a folder; give a file name, e.g. {path}/gradcheck.json")
    try:
        check_writable(path.parent, "--gradcheck-report", shown=path)
    except CliError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``gradcheck`` marker and the session's record of checks."""
    config.addinivalue_line("markers", _MARKER_DOC)
    _validate_cli(config)
    config.stash[_RECORDS] = []


def pytest_report_header(config: pytest.Config) -> str:
    """Method, mode and seed, so every run can be repeated."""
    opts = _cli_options(config)
    rtol = opts.get("rtol", "default")
    seed = opts.get("seed", 0)
    return (
        f"gradcheck: method={opts.get('method', 'auto')} mode={opts.get('mode', 'auto')} "
        f"seed={seed} rtol={rtol} (re-run with --gradcheck-seed={seed} to reproduce)"
    )


def _marker_options(node: pytest.Item) -> dict[str, Any]:
    """Keyword arguments of the ``gradcheck`` markers, the closest one winning."""
    merged: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers("gradcheck"))):
        if marker.args:
            raise TypeError(
                f"@pytest.mark.gradcheck takes keyword arguments only ({', '.join(OPTION_NAMES)}); "
                f"got positional {marker.args!r}"
            )
        merged.update(marker.kwargs)
    unknown = sorted(set(merged) - set(OPTION_NAMES))
    if unknown:
        raise TypeError(
            f"@pytest.mark.gradcheck got unknown option(s) {', '.join(unknown)}; expected {', '.join(OPTION_NAMES)}"
        )
    return merged


def _record(nodeid: str, report: Any = None, error: BaseException | None = None) -> dict[str, Any]:
    if report is not None:
        return {"nodeid": nodeid, **report.to_dict()}
    return {"nodeid": nodeid, "status": "error", "error": f"{type(error).__name__}: {error}"}


class GradientChecker:
    """The callable the ``gradcheck`` fixture returns (see :func:`gradcheck`)."""

    def __init__(self, nodeid: str, options: dict[str, Any], records: list[dict[str, Any]]):
        self.nodeid, self.options, self.records = nodeid, options, records

    def __repr__(self) -> str:
        shown = " ".join(f"{k}={v}" for k, v in self.options.items())
        return f"<gradcheck fixture {shown}>".replace(" >", ">")

    def __call__(self, loss, grad, params, **overrides: Any):
        """Assert ``grad`` is the gradient of ``loss``; return the report."""
        __tracebackhide__ = True
        from gradcheck.testing import assert_gradients_close

        try:
            report = assert_gradients_close(loss, grad, params, **{**self.options, **overrides})
        except AssertionError as exc:
            self.records.append(_record(self.nodeid, getattr(exc, "report", None), exc))
            raise
        except Exception as exc:
            self.records.append(_record(self.nodeid, error=exc))
            raise
        self.records.append(_record(self.nodeid, report))
        return report


@pytest.fixture
def gradcheck(request: pytest.FixtureRequest) -> GradientChecker:
    """``gradcheck(loss, grad, params, **overrides)``: assert a gradient is right.

    Runs :func:`gradcheck.testing.assert_gradients_close` with the
    ``--gradcheck-*`` options, overridden by the ``@pytest.mark.gradcheck``
    marker, overridden by ``overrides``; records the report for the session
    summary and ``--gradcheck-report``; returns the report.
    """
    options = {**_cli_options(request.config), **_marker_options(request.node)}
    return GradientChecker(request.node.nodeid, options, request.config.stash[_RECORDS])


def _worst_tensor(record: dict[str, Any]) -> str:
    tensors = record.get("tensors") or []
    if not tensors:
        return record.get("error", "")
    failing = [t for t in tensors if t["status"] not in ("pass", "kink")] or tensors
    t = max(failing, key=lambda t: t["max_rel_error"])
    where = t["name"] + (f"[{', '.join(map(str, t['worst_index']))}]" if t["worst_index"] else "")
    return f"worst {where} rel err {t['max_rel_error']:.2e}"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """List the checks run with their worst errors."""
    records = config.stash.get(_RECORDS, [])
    if not records:
        return
    terminalreporter.write_sep("=", "gradcheck")
    width = max(len(r["status"]) for r in records)
    for r in records:
        terminalreporter.write_line(f"{r['status'].upper():<{width}}  {r['nodeid']}  {_worst_tensor(r)}")
    path = config.getoption("--gradcheck-report")
    error = config.stash.get(_WRITE_ERROR, None)
    if error:
        terminalreporter.write_line(error, red=True, bold=True)
    elif path:
        terminalreporter.write_line(f"gradcheck report: {path}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write ``--gradcheck-report`` atomically.

    A report that cannot be written (its folder removed during the run, a full
    disk) is one line in the summary, after the test failures, and a non-zero
    exit status; never a traceback in place of the failures.
    """
    config = session.config
    path = _report_path(config)
    if path is None or hasattr(config, "workerinput"):  # xdist workers: the controller writes
        return
    from gradcheck.report.files import write_atomic

    records = config.stash.get(_RECORDS, [])
    try:
        write_atomic(path, json.dumps(records, indent=2, allow_nan=True) + "\n")
    except OSError as exc:
        config.stash[_WRITE_ERROR] = (
            f"gradcheck: --gradcheck-report {path} could not be written: {exc.strerror or exc}; "
            "the checks' results are in the summary above"
        )
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
