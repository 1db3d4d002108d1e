"""The student-facing message set: what a student reads about their own submission.

Students see their own file names, the verdict, the evidence (their value and
the numerical one at the worst entries), the named bug, the error their code
raised and the tail of what it printed. They never see the grader's
machinery: no path of the grader's machine (``/autograder/...``, the sandbox's
temporary folders, gradcheck's own files), no spec vocabulary (``set
spec.run_toplevel = true``, ``declare [loss] name in a spec``, ``--spec``) and
no command that reproduces the audit. Those stay in the instructor's report.

:func:`for_students` rewrites a grader message accordingly: absolute paths
become the student's own file name (or the bare name of a file that is not
theirs), hints addressed to the instructor are cut, and any sentence that
still speaks the grader's language is dropped, so an unforeseen message can
lose words but never leak them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gradcheck.naming import format_index
from gradcheck.report.text import MARK

#: A parenthesised hint for the instructor: "(set spec.run_toplevel = true to run it)": a "(" whose next parenthesis
#: is its ")", with the spaces before it, when :data:`_FOR_INSTRUCTOR` is inside (read by :func:`_without_hint_parens`
#: in one pass: as one pattern, ``\s*\([^()]*(?:spec|...)[^()]*\)``, a run of 60,000 spaces took it 30 s, R5-13).
_PAREN = re.compile(r"[()]")
#: A trailing clause for the instructor: "; set spec.grads", ": set spec.params", "; declare [loss] name ...":
#: where one may start, what ends it (a ";", a parenthesis, a sentence's end), and what makes it the instructor's.
#: (Read by :func:`_without_hints` in one pass: as one pattern with two lazy runs, a class name of ", set spec" x 600
#: took the report minutes, every student's report waiting on it.)
#: (The spaces before the ";:," are the clause's too; they are walked back over, never matched: ``\s*[;:,]`` tried at
#: each of a run's spaces is quadratic in the run, R5-13.)
_CLAUSE_START = re.compile(r"[;:,]\s*(?:then\s+)?(?:set|declare|add|give|use|pass|see|check)\b")
_CLAUSE_END = re.compile(r"\s\(|[;(]|\.\s|\.?$")
_FOR_INSTRUCTOR = re.compile(r"\bspec\b|--[a-z][\w-]*|\[[a-z]+\]")
#: An absolute path (POSIX), as in tracebacks and grader messages.
_PATH = re.compile(r"(?<![\w.])/(?:[\w.@+~-]+/)*[\w.@+~-]+")
#: Words of the grader a student must never read.
FORBIDDEN = re.compile(
    r"\bspec\b|\bspec\.\w|--spec|\.toml\b|/autograder|\bgradcheck\b|"
    r"\[(?:entry|network|loss|data|limits|check|points)\]"
)
_SENTENCE = re.compile(r"(?<!e\.g\.)(?<=[.;!?])\s+(?=[A-Z`'\"(\[])")


def student_path(path: str, names: Iterable[str] = ()) -> str:
    """An absolute path as the student knows it: their file's name in the upload, else the bare name.

    Examples
    --------
    >>> student_path("/tmp/gradcheck-work-x1/submission/hw/mlp.py", ["hw/mlp.py"])
    'hw/mlp.py'
    >>> student_path("/usr/lib/python3/dist-packages/numpy/core/fromnumeric.py")
    'fromnumeric.py'
    """
    for name in sorted(names, key=len, reverse=True):
        if path == name or path.endswith("/" + name):
            return name
    return path.rsplit("/", 1)[-1]


def paths_only(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with every absolute path replaced by what the student knows it as (their own output)."""
    names = list(names)
    return _PATH.sub(lambda m: student_path(m.group(0), names), text)


#: Diagnoses about the loss a gradient was judged against, not bugs (see ``gradcheck.audit.lossverdict``).
LOSS_CODES = ("loss_assumed", "loss_undetermined")


def for_students(text: str | None, names: Iterable[str] = ()) -> str:
    """A grader message rewritten for a student (see the module docstring); "" if nothing is left.

    Examples
    --------
    >>> for_students("top-level code was not run: lines 64-66 (set spec.run_toplevel = true to run it)")
    'top-level code was not run: lines 64-66'
    >>> for_students("GradsNotFound: no gradients were extracted: set spec.grads (in reading gradients)")
    'GradsNotFound: no gradients were extracted (in reading gradients)'
    """
    if not text:
        return ""
    out = []
    for line in paths_only(text, names).splitlines():
        line = _without_hints(_without_hint_parens(line))
        kept = [s for s in _SENTENCE.split(line) if not FORBIDDEN.search(s)]
        line = " ".join(kept).rstrip(" ;:,")
        if line.strip():
            out.append(line)
    return "\n".join(out)


def _spaces_before(line: str, i: int, floor: int) -> int:
    """Where the run of whitespace ending at ``i`` starts (not before ``floor``)."""
    while i > floor and line[i - 1].isspace():
        i -= 1
    return i


def _without_hint_parens(line: str) -> str:
    """``line`` without its parenthesised hints for the instructor (and the spaces before each); linear in ``line``.

    Examples
    --------
    >>> _without_hint_parens("lines 64-66 (set spec.run_toplevel = true to run it) (line 3)")
    'lines 64-66 (line 3)'
    """
    out, pos, i = [], 0, line.find("(")
    while i >= 0:
        close = _PAREN.search(line, i + 1)
        if close is None:
            break
        j = close.start()
        if line[j] == ")" and _FOR_INSTRUCTOR.search(line, i + 1, j):
            out.append(line[pos : _spaces_before(line, i, pos)])
            pos = j + 1
            i = line.find("(", pos)
        else:
            i = j if line[j] == "(" else line.find("(", j + 1)
    return "".join(out) + line[pos:]


def _without_hints(line: str) -> str:
    """``line`` without its clauses for the instructor (a verb after ``;:,``, up to the clause's end, naming the
    spec, an option or a ``[section]``); linear in ``line``: a clause's end, and the next word for the instructor,
    are searched for again only past where the last search found them."""
    out, pos = [], 0
    end, hint = None, None  # the last clause end found, and (its stop, the word for the instructor before it)
    for m in _CLAUSE_START.finditer(line):
        start = _spaces_before(line, m.start(), pos)
        if start < pos:
            continue
        if end is None or end.start() < m.end():  # (``.?$`` always ends one)
            end = _CLAUSE_END.search(line, m.end())
        stop = end.start() if end is not None else len(line)
        if hint is None or hint[0] != stop or (hint[1] is not None and hint[1].start() < m.end()):
            hint = (stop, _FOR_INSTRUCTOR.search(line, m.end(), stop))
        if hint[1] is not None:
            out.append(line[pos:start])
            pos = stop
    return "".join(out) + line[pos:]


def student_lines(s, name: str, names: Iterable[str] = ()) -> list[str]:
    """What a student reads about one graded file: verdict, wrong tensors, diagnoses, error, forward check."""
    names = list(names)
    entry = for_students(s.entry, names)
    lines = [f"{name}: {MARK.get(s.status, s.status)}" + (f" ({entry})" if entry else "")]
    error = for_students(s.error, names)
    if error:
        lines.append(f"   {'timed out' if s.status == 'timeout' else 'error'}: {error}")
    for t in s.tensors:
        if t.status not in ("pass", "kink"):
            lines.append(
                f"   {t.name}: {t.status}, worst {t.location}: your gradient {t.analytic:.8g}, numerical "
                f"{t.numeric:.8g} (relative error {t.max_rel_error:.2e})"
            )
    for d in s.diagnoses[:3]:
        message = for_students(d.message, names)
        if message and message != error:
            where = f" [{d.tensor}]" if d.tensor else ""
            what = "note" if d.code in LOSS_CODES else "likely bug"
            lines.append(f"   {what} ({d.code}{where}): {message}")
    f = s.forward
    if f is not None and f.status == "mismatch":
        err = f"{f.max_abs_error:.3g}" if f.max_abs_error is not None else "?"
        lines.append(f"   forward pass: differs from the reference network ({f.network}) by up to {err}")
    return lines


def other_wrong_entries(t, limit: int = 3) -> list[str]:
    """More wrong entries of a tensor than the worst one, as evidence."""
    bad = [e for e in t.worst if e.status == "fail"][1 : 1 + limit]
    return [f"Also {format_index(t.name, e.index)}: yours {e.analytic:.8g}, numerical {e.numeric:.8g}." for e in bad]
