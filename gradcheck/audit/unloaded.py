"""Code of the submission that did not load, said first where no model was found.

A project whose files are Python 2 (``print x``) loads none of them under Python 3, and one
whose model file uses a name it never imports (``class Model(Module)`` with ``Module``
undefined) loads without its model: either way the model is not found, and the error that
says so (or one about a module only Python 2 has, ``cPickle``, or about the layer classes
left over) hides why. The loading notes keep each such failure; when the audit found no
model, the first of them leads the error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gradcheck.audit.frameworks import PYTHON2, UNDEFINED

#: Errors that mean no model was found (or none could be chosen).
NOT_FOUND = ("EntryNotFound", "AmbiguousEntry", "ParamsNotFound")
#: Errors about a model the audit chose but could not use: with files of the folder left out, maybe the wrong one.
MISCHOSEN = ("ConstructorArguments", "NeedsSizes", "GradsNotFound", "LossNotFound")
_SKIPPED = re.compile(  # (where starts a note or follows ": ": searched from anywhere, a 250,000-character note
    # without a colon, a class named so, held the grader for minutes)
    # (a single file's notes name only the line: ``line 4: statement raised ...``)
    r"(?:^|: )(?P<where>[^:]+\.(?:py|ipynb)(?: line \d+)?|line \d+): (?:statement raised )?(?P<error>\w+): "
    r"(?P<message>.*) "
    r"while loading; skipped$"
)


def _failures(notes: Sequence[str]) -> list[tuple[str, str, str]]:
    found = []
    for note in notes:
        m = _SKIPPED.search(str(note))
        if m:
            found.append((m.group("where").strip(), m.group("error"), m.group("message")))
    return found


#: What ``input()`` raises with no terminal to read from.
_NO_INPUT = "EOFError: EOF when reading a line"


def interactive(error: str) -> str:
    """``error``, with what it means when the code asked for keyboard input (``input()``), which no audit answers."""
    if _NO_INPUT not in error:
        return error
    return (
        f"{error}: the code asks for keyboard input (input()), and the audit's sandbox has no one to answer it; "
        'move the question under `if __name__ == "__main__":` (or into a function), or read the choice from a '
        "constant, and audit it again"
    )


def _file(where: str) -> str:
    """The file of a note's place ('' for a single file's ``line 4``)."""
    return "" if where.startswith("line ") else where.split(" line ")[0]


def _line(where: str) -> int | None:
    m = re.search(r"(?:^| )line (\d+)$", where)
    return int(m.group(1)) if m else None


def _earlier_failure(failures: list[tuple[str, str, str]], where: str) -> tuple[str, str, str] | None:
    """The first failure of ``where``'s file before its line that is not itself a NameError, if any."""
    line = _line(where)
    if line is None:
        return None
    earlier = (f for f in failures if _file(f[0]) == _file(where) and f[1] != "NameError")
    return next((f for f in earlier if (_line(f[0]) or line) < line), None)


def explain(error: str, notes: Sequence[str]) -> str:
    """``error``, led by the Python 2 syntax or the undefined name that kept the code from loading, when no model
    was found and the loading notes show one."""
    failures = _failures(notes)
    py2 = next(((w, m) for w, e, m in failures if e == "SyntaxError" and any(p in m for p in PYTHON2)), None)
    if py2 is not None and error.startswith((*NOT_FOUND, *MISCHOSEN)):
        # a class the audit could not make (a data loader's Data(name)) is what was left once the network's
        # Python 2 files were out: the error about it hides why
        left = "the network among them" if error.startswith(NOT_FOUND) else "perhaps the network"
        return (
            f"the code is Python 2 ({py2[0]}: {py2[1]}): the audit runs Python 3, and its files that do not parse "
            f"were left out, {left}; port it (print(...), pickle for cPickle: 2to3 does both) and "
            f"audit it again (the error met: {error})"
        )
    if not error.startswith(NOT_FOUND):
        return error
    # (a name a failed import was to bring, ``input_data`` after ``from tensorflow... import input_data``, is the
    # import's failure, said elsewhere: only a file whose imports all loaded has a name it never defines)
    importing = {_file(w) for w, e, _ in failures if e in ("ModuleNotFoundError", "ImportError")}
    undefined = next(
        ((w, m) for w, e, m in failures if e == "NameError" and _line(w) is not None and _file(w) not in importing),
        None,
    )
    cause = _earlier_failure(failures, undefined[0]) if undefined is not None else None
    if cause is not None and cause[2] in error:  # (an error that names the earlier failure says it already)
        return error
    if cause is not None:
        # the name is one an earlier statement of the same file was to make (data it reads, a file it opens)
        absent = (
            ": a file the code reads is not in the submission; hand it in beside the code (a folder submission "
            "keeps its data files) and audit it again"
            if cause[1] in ("FileNotFoundError", "OSError")
            else ""
        )
        return (
            f"{cause[0]} raised {cause[1]} ({cause[2]}) while loading, and {undefined[0]}, which uses what the "
            f"file's earlier statements make, raised NameError ({undefined[1]}): what they define (the model perhaps) "
            f"is missing, and so is everything that imports them{absent} (the error met: {error})"
        )
    if undefined is not None and _file(
        undefined[0]
    ):  # (a single file's or notebook's own line: not a file's definition)
        return (
            f"{undefined[0]} raised NameError ({undefined[1]}) while loading, a name the file uses without importing "
            "or defining it: what that statement defines (a class, the model perhaps) is missing, and so is "
            f"everything that imports it (the error met: {error})"
        )
    return error


#: A cell's top-level definitions, read from its text when it does not parse.
_DEFINES = re.compile(r"^(class|def)\s+([A-Za-z_]\w*)", re.M)
#: The words before a skipped cell's definitions in its loading note (:func:`lost_definitions`).
LOST = ", and with it what it defines: "
_LOST_CELL = re.compile(rf"^(?P<cell>cell \d+): (?P<why>syntax error at line .*); cell skipped{LOST}(?P<names>.+)$")


def lost_definitions(lines: Sequence[str]) -> str:
    """The words a skipped cell's note ends with: the classes and functions its text defines at the top ('' if none)."""
    found = [f"{kind} {name}" for kind, name in _DEFINES.findall("\n".join(lines))]
    return f"{LOST}{', '.join(dict.fromkeys(found))}" if found else ""


def unparsed_cell(raw: str, error: str, notes: Sequence[str]) -> str:
    """``error``, led by the notebook cell that did not parse, when what it defines is what the audit missed.

    A cell that does not parse (syntax of a newer Python, an unfinished edit) is skipped whole, the model's
    class with it; the error met later (no model found, a framework imported elsewhere in the notebook, a
    NameError for the class) blames something else. It leads when no model was found (``raw``, the error before
    any explanation, says so) or a later statement missed one of the names the cell defines.
    """
    undefined = {m.group(1) for n in notes if (m := UNDEFINED.search(str(n)))}
    for note in notes:
        m = _LOST_CELL.search(str(note))
        if m is None:
            continue
        names = {n.split()[-1] for n in m.group("names").split(", ")}
        if raw.startswith(NOT_FOUND) or names & undefined or any(f"'{n}'" in raw for n in names):
            return (
                f"{m.group('cell')} of the notebook does not parse ({m.group('why')}), so it was skipped, and with it "
                f"{m.group('names')}: fix that cell and audit it again (the error met: {error})"
            )
    return error
