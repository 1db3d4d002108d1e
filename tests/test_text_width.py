"""Text tables fit a terminal's width (cells wrap at separators), and take their full width in
files and pipes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gradcheck.report.text import table, wrap_cell

ROOT = Path(__file__).resolve().parents[1]
PATH = "examples/submissions/autoencoder_838_sigmoid_correct.py"


@pytest.mark.parametrize("width", [6, 10, 17, 24, 80])
def test_wrap_cell_keeps_every_character_and_fits(width):
    for text in (PATH, "W1[2, 1], b1[1], W2[0, 0] ...", "missing_activation_derivative", "x" * 30, "a b  c"):
        lines = wrap_cell(text, width)
        assert all(len(line) <= width for line in lines), lines
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_breaks_after_separators_not_mid_word():
    assert wrap_cell(PATH, 30) == ["examples/submissions/", "autoencoder_838_sigmoid_", "correct.py"]


ROWS = [
    [PATH, "FAIL", "inplace-update", "W1[5, 0], b1[0, 0]", "wrong_activation_derivative", "0.4s"],
    ["b.py", "ok", "grads-dict", "-", "-", "0.3s"],
]
HEAD = ["submission", "verdict", "shape", "wrong entries", "diagnosis", "time"]


@pytest.mark.parametrize("width", [60, 80, 100])
def test_table_fits_a_terminal(width):
    text = table(HEAD, ROWS, width=width, wrap={0, 2, 3, 4})
    assert max(map(len, text.splitlines())) <= width
    for cell in (c for r in ROWS for c in r):  # nothing lost: every cell's characters are there, in order
        assert cell.replace(" ", "") in text.replace(" ", "").replace("\n", "") or len(cell) > 8


def test_table_without_a_width_is_full_width():
    text = table(HEAD, ROWS)
    assert PATH in text and len(text.splitlines()) == 4
    assert max(map(len, text.splitlines())) > 100


def _on_a_terminal(args: list[str], columns: int) -> str:
    """Run ``python -m gradcheck ARGS`` with stdout on a pseudo-terminal of ``columns`` columns."""
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "40"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gradcheck", *args], stdout=follower, stderr=subprocess.DEVNULL, cwd=ROOT, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=300)
    os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--config", "tanh-*", "--config", "*kink*"],
        ["audit", "examples/submissions/", "--jobs", "2"],
        ["zoo", "--mutant", "derivative-at-*"],
    ],
    ids=["run", "audit", "zoo"],
)
def test_commands_fit_an_80_column_terminal_and_pipes_get_full_width(args, tmp_path, request):
    out = ["--output", str(tmp_path)]
    if args[0] == "audit":
        # piped: the examples' audit shared with the README's tests (conftest); on the terminal, the
        # same command resumes a copy of that run's folder: the same report, its verdicts reloaded
        shared = request.getfixturevalue("examples_audit")
        full = shared.proc.stdout
        out = ["--resume", str(shutil.copytree(shared.folder, tmp_path / "resumed"))]
    else:
        full = subprocess.run(
            [sys.executable, "-m", "gradcheck", *args, "--output", str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        ).stdout
    table_lines = [line for line in full.splitlines() if line and not line.startswith((" ", "=="))]
    assert max(map(len, table_lines)) > 100  # piped: as wide as the table needs
    shown = _on_a_terminal([*args, *out], 80)
    lines = [line for line in shown.splitlines() if not line.startswith(("   ", "== "))]  # details: prose
    assert len(lines) > 5
    assert max(map(len, lines)) <= 80, max(lines, key=len)
