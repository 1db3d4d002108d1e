"""Whether a code object is the one its file holds (run by the worker's call watch, in the sandbox).

The call watch (:class:`gradcheck.audit.probes.CallWatch`) tells the submission's frames from a
library's by the file their code names. That name is the submission's to choose:
``f.__code__ = f.__code__.replace(co_filename=numpy.__file__)`` (in a decorator, run with the
definitions) made a central-difference gradient's functions pass for numpy's, and the watch
saw none of their evaluations (a full pass), and so did ``co_filename="<frozen posixpath>"``,
a name the watch left to the interpreter. A code object naming a file is believed only when
compiling that file (or, for ``<frozen NAME>``, the interpreter's frozen module NAME) gives a
code object of the same name, first line, bytecode, names and constants; the file is compiled once per worker
(only files whose code runs while the watch looks), and each code object is judged once. A
file that cannot be read or compiled vouches for nothing.
"""

from __future__ import annotations

from types import CodeType

__all__ = ["genuine"]

#: id(code) -> whether it is its file's; the code objects are kept so that no id is reused.
_JUDGED: dict[int, tuple[CodeType, bool]] = {}
_FILES: dict[str, frozenset[tuple]] = {}


def _key(code: CodeType) -> tuple:
    """What makes two code objects compute the same: the bytecode, and the names and constants it indexes
    (the same bytecode with other global names or constants calls other functions)."""
    return (code.co_name, code.co_firstlineno, code.co_code, code.co_names, code.co_consts)


def genuine(code: CodeType) -> bool:
    """Is ``code`` compiled from the file it names (the same name, first line, bytecode, names and constants)?"""
    hit = _JUDGED.get(id(code))
    if hit is not None and hit[0] is code:
        return hit[1]
    found = _key(code) in _file_codes(code.co_filename)
    _JUDGED[id(code)] = (code, found)
    return found


def _file_codes(filename: str) -> frozenset[tuple]:
    known = _FILES.get(filename)
    if known is None:
        known = _FILES[filename] = frozenset(_compiled(filename))
    return known


def _compiled(filename: str) -> set[tuple]:
    """:func:`_key` of every code object compiling ``filename`` makes (nothing if it cannot);
    for ``<frozen NAME>``, of the interpreter's frozen module NAME."""
    try:
        if filename.startswith("<frozen ") and filename.endswith(">"):
            import _imp

            name = filename[len("<frozen ") : -1]
            top = _imp.get_frozen_object(name) if _imp.is_frozen(name) else None
        else:
            with open(filename, "rb") as fh:
                top = compile(fh.read(), filename, "exec", dont_inherit=True)
    except (OSError, SyntaxError, ValueError, ImportError, RecursionError, MemoryError):
        return set()
    if not isinstance(top, CodeType):
        return set()
    out, todo = set(), [top]
    while todo:
        c = todo.pop()
        out.add(_key(c))
        todo.extend(k for k in c.co_consts if isinstance(k, CodeType))
    return out
