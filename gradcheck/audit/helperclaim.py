"""Whether a file is a helper of its upload (no network runs from it alone), on the grader's own reading.

A Gradescope upload's lowest score leaves out a file from which no network runs (a data loader, a layers library
beside the network file). The worker says so in its answer, but the answer is the submission's to write: a
forged ``raised_by: "audit"`` once made a buggy file a helper and its upload scored 1.0 instead of 0.5 (red team
round 5, R5-09). The claim stands only where the grader's reading of the file's text agrees.
"""

from __future__ import annotations

import ast
from pathlib import Path

from gradcheck.audit import helperfiles, untrusted
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.filefacts import source_of

#: Errors that make a file a helper of its upload, left out of the Gradescope lowest score (the same as
#: :data:`gradcheck.report.gradescope.NO_NETWORK`): a claim the grader checks less on, so never the answer's alone.
NO_NETWORK = ("EntryNotFound", "ParamsNotFound", "ConstructorArguments", "AmbiguousEntry")


def no_network_read(path: Path, error: str) -> bool:
    """The grader's own reading of the file agrees with the worker's "no network can run from it alone" (``error``,
    one of :data:`NO_NETWORK`): the answer is the submission's to write (R5-09: a forged ``raised_by: "audit"``
    made a buggy file a helper), so only what the grader reads itself makes a file a helper.

    ``EntryNotFound``/``ParamsNotFound``: no class with a backward method and no function named for a backward pass
    (nor, read line by line, any network code); ``ConstructorArguments``: a class with a backward method whose
    ``__init__`` needs an argument; ``AmbiguousEntry``: two such classes. A notebook is read by its code cells. A
    folder, a file too large to parse or one that does not parse is never a helper on the answer's word.
    """
    if path.suffix not in (".py", ".ipynb") or not path.is_file():
        return False
    source = _code_of(path)
    if source is None:
        return False
    if error.startswith(("EntryNotFound", "ParamsNotFound")) and not helperfiles.defines_network(source):
        return True
    tree = untrusted.parse(source)
    if tree is None:
        return False
    backward = [c for c in ast.walk(tree) if isinstance(c, ast.ClassDef) and _has_backward(c.body)]
    if error.startswith(("EntryNotFound", "ParamsNotFound")):
        return not backward and not _has_backward(tree.body, layers=False)
    if error.startswith("AmbiguousEntry"):  # two classes the audit could run: a forward and a backward each
        return sum(_has_words(c.body, helperfiles.FORWARD_WORDS) for c in backward) >= 2
    return any(_needs_arguments(c) for c in backward)


def _code_of(path: Path) -> str | None:
    """A ``.py`` file's text, or a notebook's code cells without their magics and shell lines (``%matplotlib``,
    ``!pip``), which do not parse as Python; None when unreadable."""
    if path.suffix == ".py":
        return untrusted.read_text(path)
    text = untrusted.read_text(path)
    if text is None or not isinstance(untrusted.read_json(text), dict):
        return None  # (not a notebook: never a helper on the answer's word)
    return "\n".join(line for line in source_of(path).splitlines() if not line.lstrip().startswith(("%", "!")))


def _bound_names(body: list) -> list[tuple[str, ast.AST]]:
    """The names ``body`` binds to code: its functions, and names assigned at its level (``backward = _step``, a
    method under a second name: red team round 6 hid a network's backward so)."""
    out: list[tuple[str, ast.AST]] = []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((node.name, node))
        elif isinstance(node, ast.Assign):
            out += [(t.id, node) for t in node.targets if isinstance(t, ast.Name)]
    return out


def _has_words(body: list, words: frozenset[str]) -> bool:
    return any(_named(name, words) for name, _ in _bound_names(body))


def _named(name: str, words: frozenset[str]) -> bool:
    return bool(helperfiles.name_words(name) & words)


def _has_backward(body: list, layers: bool = True) -> bool:
    """A function defined in ``body`` whose name has a backward word (``backward``, ``backprop``, ``grad_W``).

    ``layers=False``: not one of a layer library's functions, which take the upstream gradient or the forward's
    cache (``affine_backward(dout, cache)``, ``sigmoid_backward(dA, cache)``): a file of those alone holds no
    network, and the audit finds none in it (a function-style layers module beside the network file of a
    Gradescope upload is a helper, never the upload's lowest score).
    """
    layered = (lambda f: False) if layers else (lambda f: isinstance(f, ast.FunctionDef) and _layer_style(f))
    return any(_named(name, helperfiles.BACKWARD_WORDS) and not layered(f) for name, f in _bound_names(body))


def _layer_style(f: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does ``f`` take the upstream gradient or a forward's cache (``dout``, ``dA``, ``cache``)?"""
    return any(role_of(a.arg) in ("dout", "cache") for a in [*f.args.posonlyargs, *f.args.args, *f.args.kwonlyargs])


def _needs_arguments(cls: ast.ClassDef) -> bool:
    """The class's own ``__init__`` takes an argument beyond ``self`` with no default."""
    for f in cls.body:
        if isinstance(f, ast.FunctionDef) and f.name == "__init__":
            a = f.args
            positional = [*a.posonlyargs, *a.args][1:]
            kw_required = [k for k, d in zip(a.kwonlyargs, a.kw_defaults) if d is None]
            return len(positional) > len(a.defaults) or bool(kw_required)
    return False
