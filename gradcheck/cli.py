"""Command line: ``python -m gradcheck run | zoo | audit``.

Exit codes: 0 everything checked passes; 1 a gradient fails (or a mutant
escapes, or a submission fails); 2 usage or tool errors. Machine output
(``--format json``) goes to stdout; progress and logs to stderr; files under
``--output`` (default ``reports/``), one folder per run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gradcheck.check import MODES
from gradcheck.numeric import METHODS

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "markdown", "json")


class CliError(Exception):
    """A problem the user can fix; printed without a traceback, exit 2."""


def _common(p: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    p.add_argument(
        "--format",
        choices=formats,
        default="text",
        help=f"what to print on stdout: {', '.join(formats)} (text is a table; json is for other tools)",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="folder for report files; each run writes a new subfolder (default: reports/)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of every random choice (sampled entries, directions, batches); printed in every report",
    )


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (its help texts are the CLI's documentation)."""
    parser = argparse.ArgumentParser(
        prog="gradcheck",
        description="Check hand-written gradients against numerical ones, and name the bug.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="check every reference network's analytic gradient",
        description="Check the reference MLPs (every activation x loss x depth, "
        "mixed nets and the seed-report presets).",
    )
    _common(run)
    _checker_options(run, "central", default_mode="full")
    run.add_argument(
        "--config",
        action="append",
        metavar="NAME",
        help="only configurations with this name or glob (repeatable), e.g. 'tanh-*'",
    )
    run.add_argument("--list", action="store_true", help="list the configurations and exit")
    run.set_defaults(handler=cmd_run)
    zoo = sub.add_parser(
        "zoo",
        help="run every mutant of the bug zoo and check it is caught and named",
        description="Plant every catalogued backprop bug in the reference MLPs and "
        "check each is detected and correctly diagnosed.",
    )
    _common(zoo)
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


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _write_files(output: Path, kind: str, files: dict[str, str]) -> Path | None:
    from gradcheck.report.files import run_folder, write_atomic

    try:
        folder = run_folder(output, kind)
        for name, text in files.items():
            write_atomic(folder / name, text)
    except OSError as exc:
        print(
            f"gradcheck: could not write reports under {output}: {exc.strerror or exc}; "
            "results are printed above; pass --output DIR to choose another folder",
            file=sys.stderr,
        )
        return None
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
        from gradcheck.report.text import table

        _emit(
            table(
                ["config", "network", "params"],
                [[c.name, c.config.label, str(c.config.n_params)] for c in cases],
                right={2},
            )
        )
        return EXIT_OK
    run = run_cases(cases, method=args.method, mode=args.mode, seed=args.seed, progress=tty_progress())
    data = to_json({"kind": "run", **run.to_dict()})
    rendered = {"text": text.render_run, "markdown": markdown.render_run}
    _emit(data if args.format == "json" else rendered[args.format](run))
    folder = _write_files(args.output, "run", {"report.json": data, "report.md": markdown.render_run(run)})
    if folder is not None:
        print(f"reports written to {folder}/report.json and report.md", file=sys.stderr)
    return EXIT_OK if run.status in ("pass", "kink") else EXIT_FAIL


def cmd_zoo(args: argparse.Namespace) -> int:
    """``gradcheck zoo``: every mutant detected and named?"""
    from gradcheck.zoo_runner import main as zoo_main

    return zoo_main(args, emit=_emit, write_files=_write_files)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m gradcheck`` and the ``gradcheck`` script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except CliError as exc:
        print(f"gradcheck {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"gradcheck {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a defect of ours: say so plainly, no traceback
        print(
            f"gradcheck {args.command}: internal error: {type(exc).__name__}: {exc}. "
            "Please report it with the command line that produced it.",
            file=sys.stderr,
        )
        return EXIT_USAGE
