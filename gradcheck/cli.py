"""Command line: ``python -m gradcheck run | zoo | audit``.

Exit codes: 0 everything checked passes; 1 a gradient fails (or a mutant
escapes, or a submission fails); 2 usage or tool errors (every flag is checked
when parsed, and ``--output`` is checked for writing before any work); 130
interrupted. Machine output (``--format json``) goes to stdout; progress and
logs to stderr; files under ``--output`` (default ``reports/``), one folder per
run.

Dependencies point one way: this module registers the subcommands;
:mod:`gradcheck.flags` holds what they share; :mod:`gradcheck.audit.cli`
(the ``audit`` subcommand) imports :mod:`gradcheck.flags`, never this module.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gradcheck.check import MODES
from gradcheck.flags import (
    EXIT_CODES_HELP,
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_common,
    add_subcommand,
    check_writable,
    emit,
    terminal_width,
)
from gradcheck.numeric import METHODS

__all__ = ["CliError", "build_parser", "main", "EXIT_OK", "EXIT_FAIL", "EXIT_USAGE"]


def _checker_options(p: argparse.ArgumentParser, default_method: str, default_mode: str = "auto") -> None:
    p.add_argument(
        "--method",
        choices=METHODS,
        default=default_method,
        help="numerical estimator: central differences, richardson extrapolation, complex step, "
        "scipy.differentiate, scipy approx_fprime, or auto (default: %(default)s)",
    )
    p.add_argument(
        "--mode",
        choices=MODES,
        default=default_mode,
        help="which entries to check: every entry (full), a stratified sample per tensor "
        "(sampled), sign-aligned directions with bisection (directional), or auto "
        "(default: %(default)s)",
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gradcheck")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (its help texts are the CLI's documentation)."""
    parser = argparse.ArgumentParser(
        prog="gradcheck",
        description="Check hand-written gradients against numerical ones, and name the bug.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"gradcheck {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = add_subcommand(
        sub,
        "run",
        help="check every reference network's analytic gradient",
        description="Check the reference MLPs (every activation x loss x depth, "
        "mixed nets and the seed-report presets).",
    )
    add_common(run)
    _checker_options(run, "central", default_mode="full")
    run.add_argument(
        "--config",
        action="append",
        metavar="NAME",
        help="only configurations with this name or glob (repeatable), e.g. 'tanh-*'",
    )
    run.add_argument("--list", action="store_true", help="list the configurations and exit")
    run.set_defaults(handler=cmd_run)
    zoo = add_subcommand(
        sub,
        "zoo",
        help="run every mutant of the bug zoo and check it is caught and named",
        description="Plant every catalogued backprop bug in the reference MLPs and "
        "check each is detected and correctly diagnosed.",
    )
    add_common(zoo)
    zoo.add_argument(
        "--mutant", action="append", metavar="NAME", help="only mutants with this name or glob (repeatable)"
    )
    zoo.add_argument("--list", action="store_true", help="list the mutants and exit")
    zoo.add_argument(
        "--compound",
        choices=("none", "sample", "pairs", "all"),
        default="sample",
        help="two bugs at once: a sample of pairs in which every mutant meets three others (sample, the default), "
        "every compatible pair of mutants at one configuration (pairs), at three (all), or none",
    )
    zoo.set_defaults(handler=cmd_zoo)
    _add_audit(sub)
    return parser


def _add_audit(sub) -> None:
    try:
        from gradcheck.audit.cli import add_parser
    except ImportError:
        return
    add_parser(sub)


def _write_files(output: Path, kind: str, files: dict[str, str]) -> Path:
    """Write a run's report files to a new folder under ``output``; CliError if that fails."""
    from gradcheck.report.files import run_folder, write_atomic

    try:
        folder = run_folder(output, kind)
        for name, text in files.items():
            write_atomic(folder / name, text)
    except OSError as exc:
        raise CliError(
            f"could not write the reports under {output}: {exc.strerror or exc} "
            "(the results are printed above); pass --output DIR to choose another folder"
        ) from None
    return folder


def cmd_run(args: argparse.Namespace) -> int:
    """``gradcheck run``: the standard matrix of reference networks."""
    from gradcheck.report import markdown, text
    from gradcheck.report.files import to_json
    from gradcheck.suite import run_cases, select_cases, tty_progress

    try:
        cases = select_cases(args.config, args.seed)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.list:
        emit(
            text.table(
                ["config", "network", "params"],
                [[c.name, c.config.label, str(c.config.n_params)] for c in cases],
                right={2},
                width=terminal_width(),
            )
        )
        return EXIT_OK
    check_writable(args.output)
    run = run_cases(cases, method=args.method, mode=args.mode, seed=args.seed, progress=tty_progress())
    data = to_json({"kind": "run", **run.to_dict()})
    if args.format == "json":
        emit(data)
    elif args.format == "markdown":
        emit(markdown.render_run(run))
    else:
        emit(text.render_run(run, width=terminal_width()))
    folder = _write_files(args.output, "run", {"report.json": data, "report.md": markdown.render_run(run)})
    print(f"reports written to {folder}/report.json and report.md", file=sys.stderr)
    return EXIT_OK if run.status in ("pass", "kink") else EXIT_FAIL


def cmd_zoo(args: argparse.Namespace) -> int:
    """``gradcheck zoo``: every mutant detected and named?"""
    from gradcheck.zoo_runner import main as zoo_main

    if not args.list:
        check_writable(args.output)
    return zoo_main(args, emit=emit, write_files=_write_files)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m gradcheck`` and the ``gradcheck`` script; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage error (or --help / --version)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return args.handler(args)
    except CliError as exc:
        print(f"gradcheck {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"gradcheck {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a defect of ours: say so plainly, no traceback
        print(
            f"gradcheck {args.command}: internal error: {type(exc).__name__}: {exc}. "
            "This is a defect of gradcheck itself, not a verdict on what was checked; "
            "please report it with the command line that produced it.",
            file=sys.stderr,
        )
        return EXIT_USAGE
