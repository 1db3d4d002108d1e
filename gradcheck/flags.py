"""Command-line flags shared by every subcommand, validated when they are parsed.

Each flag's value is checked by an argparse ``type=`` function, so a typo
(``--seed -1``, ``--scale 0``, ``--timeout nan``) stops the command before any
work with exit status 2 and a message that names the flag and its accepted
range, the same way in every subcommand; it never becomes a verdict about a
student. The exit statuses themselves are defined here, once, and shown at
the end of every ``--help``.

This module sits below both command-line modules (:mod:`gradcheck.cli` and
:mod:`gradcheck.audit.cli`) and imports neither.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
#: Exit status after Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
FORMATS = ("text", "markdown", "json")

EXIT_CODES_HELP = """\
exit status:
  0    everything checked passes
  1    a gradient fails (run), a mutant escapes or is misnamed (zoo),
       a submission fails, errors or times out (audit)
  2    usage error (a bad flag, file or folder; nothing was checked),
       or an internal error of gradcheck
  130  interrupted (Ctrl-C); an audit keeps every verdict already written"""


class CliError(Exception):
    """A problem the user can fix; printed without a traceback, exit 2."""


# ---------------------------------------------------------------------------- value checks
def _number(text: str, kind: type, flag_range: str) -> float | int:
    try:
        value = kind(text)
    except ValueError:
        noun = "an integer" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"must be {noun} {flag_range}, got {text!r}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number {flag_range}, got {text!r}")
    return value


def int_at_least(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer in ``[low, high]`` (no upper bound for None).

    Examples
    --------
    >>> int_at_least(0)("3")
    3
    """
    words = f">= {low}" if high is None else f"from {low} to {high}"

    def parse(text: str) -> int:
        value = _number(text, int, words)
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be an integer {words}, got {text!r}")
        return value

    parse.__name__ = f"integer {words}"
    return parse


def float_in(low: float, high: float, *, low_open: bool = True, high_open: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite float in an interval (open or closed at each end).

    Examples
    --------
    >>> float_in(0, math.inf)("0.5")
    0.5
    """
    left, right = "(" if low_open else "[", ")" if high_open or math.isinf(high) else "]"
    top = "inf" if math.isinf(high) else f"{high:g}"
    words = f"in {left}{low:g}, {top}{right}"

    def parse(text: str) -> float:
        value = _number(text, float, words)
        if value < low or (low_open and value == low) or value > high or (high_open and value == high):
            raise argparse.ArgumentTypeError(f"must be a finite number {words}, got {text!r}")
        return value

    parse.__name__ = f"number {words}"
    return parse


#: ``--seed``: numpy's generators take any integer >= 0.
seed_type = int_at_least(0)
#: ``--jobs``: parallel sandboxes; more than this many on one machine is a typo.
MAX_JOBS = 256
jobs_type = int_at_least(1, MAX_JOBS)
#: ``--timeout``: wall-clock seconds per submission; a day is the most that makes sense.
MAX_TIMEOUT = 86_400.0
timeout_type = float_in(0.0, MAX_TIMEOUT)
#: ``--scale``: a constant factor on the loss (0.5 for (1/2) MSE); it must be positive.
scale_type = float_in(0.0, math.inf)
#: ``--rtol``: a relative tolerance is above 0 and below 1.
rtol_type = float_in(0.0, 1.0, high_open=True)


def output_type(text: str) -> Path:
    """An argparse type for ``--output``: a folder name (checked for writing before any work)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, got an empty string")
    return Path(text)


def check_writable(
    folder: Path, flag: str = "--output", shown: Path | None = None, files: str = "the report files"
) -> None:
    """Raise :class:`CliError` unless files can be written under ``folder``.

    The nearest existing ancestor must be a folder in which a file can be
    created (tried for real, so read-only file systems and permissions are
    both caught); nothing is left behind. ``shown``: the path the user gave
    when it is a file inside ``folder`` (``--gradcheck-report``); ``files``:
    what the folder is for, in the message.
    """
    folder = Path(folder)
    where = f"{flag} {shown or folder}"
    hint = f"give a folder for {files}" if shown is None else "give a file in a folder you can write to"
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        what = "is a file, not a folder" if probe == folder and shown is None else f"is inside {probe}, which is a file"
        raise CliError(f"{where}: {what}; {hint}")
    try:
        fd, tmp = tempfile.mkstemp(dir=probe, prefix=".gradcheck-write-test-")
    except OSError as exc:
        raise CliError(
            f"{where}: cannot write there (creating a file in {probe}: {exc.strerror or exc}); "
            "give a folder you can write to"
        ) from None
    os.close(fd)
    os.unlink(tmp)


# ---------------------------------------------------------------------------- parsers
def add_subcommand(sub, name: str, *, help: str, description: str) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` ends with the exit statuses."""
    return sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_common(p: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    """``--format``, ``--output`` and ``--seed``, the same in every subcommand."""
    p.add_argument(
        "--format",
        choices=formats,
        default="text",
        help=f"what to print on stdout: {', '.join(formats)} (text is a table; json is for other tools)",
    )
    p.add_argument(
        "--output",
        type=output_type,
        default=Path("reports"),
        metavar="DIR",
        help="folder for report files; each run writes a new subfolder (default: reports/); "
        "checked for writing before any work",
    )
    p.add_argument(
        "--seed",
        type=seed_type,
        default=0,
        metavar="N",
        help="seed of every random choice (sampled entries, directions, batches), an integer >= 0; "
        "printed in every report (default: 0)",
    )


# ---------------------------------------------------------------------------- output
def emit(text: str) -> None:
    """Print ``text`` on stdout, ending with exactly one newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def terminal_width(stream=None) -> int | None:
    """Columns of the terminal ``stream`` (stdout) is, or None when it is a file or a pipe."""
    stream = sys.stdout if stream is None else stream
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    import shutil

    return shutil.get_terminal_size().columns
