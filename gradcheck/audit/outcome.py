"""What happened to a sandboxed run, in one sentence: exit status, signal and output to a reason.

The reasons name the limit that was hit (CPU, memory, file size, disk, open files,
processes) when the program's own error or its signal says so, so a person reads
"exceeded the 2.0 GiB memory limit (MemoryError)" rather than an exit code.
"""

from __future__ import annotations

import math
import os
import re
import signal

from gradcheck.audit.auditerrors import clipped

__all__ = ["cut_answer", "fmt_bytes", "interpret", "read_tail"]


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


def fmt_bytes(n: int) -> str:
    """``2.0 GiB``, ``64 MiB``, ``512 B``: a size as a person reads it."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            v = n / size
            return f"{v:.1f} {unit}" if v < 10 else f"{v:.0f} {unit}"
    return f"{n} B"


_EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning))\b(:.*)?$")


def read_tail(f, limit: int) -> tuple[str, int]:
    """The last ``limit`` bytes of an open binary file as text (from a line start), and its full size."""
    size = f.seek(0, os.SEEK_END)
    if limit <= 0:
        return "", size
    f.seek(max(0, size - limit))
    text = f.read(limit).decode("utf-8", errors="replace")
    if size > limit:
        nl = text.find("\n")
        if 0 <= nl < len(text) - 1:
            text = text[nl + 1 :]
        text = f"[... {size - len(text.encode('utf-8', errors='replace'))} earlier bytes not shown ...]\n" + text
    return text, size


def _last_exception(stderr_tail: str) -> str | None:
    for line in reversed(stderr_tail.strip().splitlines()[-40:]):
        line = line.strip()
        if _EXC_LINE.match(line):
            return line
    return None


def _signal_reason(num: int, limits, cpu_hit: bool) -> str:
    if num == signal.SIGXCPU:
        return f"killed by SIGXCPU: CPU limit of {limits.cpu_seconds} s"
    if num == signal.SIGKILL:
        if cpu_hit:
            return f"killed by SIGKILL at the CPU hard limit ({limits.cpu_seconds} s CPU limit, SIGXCPU ignored)"
        return "killed by SIGKILL (e.g. by the out-of-memory killer)"
    if num == signal.SIGXFSZ:
        return f"killed by SIGXFSZ: output exceeded {fmt_bytes(limits.file_bytes)} file-size limit"
    if num == signal.SIGSEGV:
        return (
            "killed by SIGSEGV (segmentation fault; possibly a failed allocation under the "
            f"{fmt_bytes(limits.memory_bytes)} memory limit)"
        )
    if num == signal.SIGABRT:
        return "killed by SIGABRT (aborted; possibly a failed allocation)"
    return f"killed by {_signal_name(num)}"


def _exit_reason(rc: int, limits, big_output: bool, err_tail: str) -> str:
    exc = _last_exception(err_tail)
    if exc and exc.split(":", 1)[0].endswith("MemoryError"):
        return f"exceeded the {fmt_bytes(limits.memory_bytes)} memory limit (MemoryError)"
    if big_output:
        return f"output exceeded {fmt_bytes(limits.file_bytes)} file-size limit (exited with code {rc})"
    for needles, words in (
        (("File too large", "[Errno 27]"), f"exceeded the {fmt_bytes(limits.file_bytes)} file-size limit"),
        (("No space left on device", "[Errno 28]"), f"exceeded the {fmt_bytes(limits.disk_bytes)} disk cap"),
        (("Too many open files", "[Errno 24]"), f"exceeded the limit of {limits.open_files} open files"),
        (
            ("Resource temporarily unavailable", "[Errno 11]"),
            f"hit the limit of {limits.processes} processes/threads",
        ),
    ):
        if exc and any(n in exc for n in needles):
            return f"{words} ({clipped(exc, 160)})"
    return f"exited with code {rc} ({clipped(exc)})" if exc else f"exited with code {rc}"


def interpret(rc, timed_out, limits, sizes, err_tail, started, cpu) -> tuple[str, int | None, str]:
    """Map the run's outcome to (status, returncode, reason)."""
    if timed_out:
        return "timeout", None, f"killed after {limits.wall_seconds:.1f} s wall-clock timeout"
    if started is False:
        tail = (err_tail.strip().splitlines() or ["no message"])[-1]
        return "error", rc, f"the sandbox could not start the program: {tail}"
    if rc < 0:
        return "error", rc, _signal_reason(-rc, limits, cpu >= limits.cpu_seconds)
    big_output = max(sizes) >= limits.file_bytes
    if rc == 0:
        extra = f"; output truncated at the {fmt_bytes(limits.file_bytes)} file-size limit" if big_output else ""
        return "ok", 0, "exited with code 0" + extra
    return "error", rc, _exit_reason(rc, limits, big_output, err_tail)


#: A parameter's shape in the worker's JSON, written before its values (a JSON string cannot hold the quotes).
_PARAM_SHAPE = re.compile(rb'"shape": \[([0-9, ]{0,200})\], "data": ')


def cut_answer(channel: bytes) -> str:
    """What a result channel cut short at the file-size limit held, as far as its head says.

    ``the weights and gradients of 828,490 parameters, as JSON``: the worker's answer lists
    the parameters first, each one's shape before its values; a cut inside that list counts
    the parameters seen so far (``at least``).
    """
    end = channel.find(b'"grads": [')
    shapes = _PARAM_SHAPE.finditer(channel if end < 0 else channel[:end])
    n = sum(math.prod(int(d) for d in m.group(1).split(b",") if d.strip()) for m in shapes)
    if n == 0:
        return "the weights and gradients, as JSON"
    return f"the weights and gradients of {'at least ' if end < 0 else ''}{n:,} parameters, as JSON"
