"""A model built the way the submission's own code builds it.

Some constructors take what only the student's script makes: a list of layer
objects (``Network([Dense(3, 16), ReLU(), Dense(16, 1)])``), layers as
arguments (``Sequential(Linear(2, 8), Tanh(), Linear(8, 1))``). When the
constructor's arguments cannot be inferred, or the object made from inferred
ones holds no weights, the calls of the class in the submission's code (at top
level, under ``if __name__ == "__main__":``, in ``main()``, in the project's notebooks) are evaluated in the
submission's namespace, provided every name they read is defined there
(classes, constants, numpy): the first that gives an object with weights is used.
"""

from __future__ import annotations

import ast
import builtins
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gradcheck.audit import loader
from gradcheck.audit.adapters.calling import call_student, plain_params
from gradcheck.audit.adapters.names import BACKWARD_NAMES, FIT_METHODS, FORWARD_NAMES
from gradcheck.audit.adapters.objects import student_functions
from gradcheck.audit.adapters.owncall import own_call, shown
from gradcheck.audit.adapters.sizes import INVENTED_N_IN
from gradcheck.audit.astnames import calls_of, read_names
from gradcheck.audit.loader import LoadedSubmission, StudentCodeError

#: Source files of a folder submission searched for constructions, at most.
MAX_FILES = 50


def sources(loaded: LoadedSubmission) -> Iterator[tuple[str, ast.AST]]:
    """(file name, syntax tree) of the submission's code: the loaded statements, then a folder's files."""
    if loaded.folder is None:
        yield str(loaded.path), ast.Module(body=list(loaded.stmts), type_ignores=[])
        return
    files = sorted(p for p in Path(loaded.folder).rglob("*") if p.suffix in (".py", ".ipynb"))
    for path in files[:MAX_FILES]:
        try:
            if path.suffix == ".ipynb":  # the notebooks that build and train the network
                cells, _ = loader.read_notebook(path, [])
                stmts, _, _ = loader.combine_cells(cells, [])
                yield str(path), ast.Module(body=stmts, type_ignores=[])
            else:
                yield str(path), ast.parse(path.read_text(encoding="utf-8-sig", errors="replace"))
        except Exception:  # noqa: BLE001 - a file that cannot be read builds nothing
            continue


def _resolvable(call: ast.Call, ns: dict) -> bool:
    """Every name the call reads is defined in the namespace (no local variable of a function)."""
    return all(n in ns or hasattr(builtins, n) for n in read_names(call))


#: Rounds of inlining: ``Network(L)`` <- ``L = np.array([L1, L2])`` <- ``L1 = Layer(784, 64)``.
MAX_INLINE_DEPTH = 4


def _missing(call: ast.expr, ns: dict) -> set[str]:
    """Names the call reads that the namespace lacks (a project's module, ``layers.py``, is no value either)."""
    return {
        n.id
        for n in ast.walk(call)
        if isinstance(n, ast.Name)
        and (isinstance(ns.get(n.id), types.ModuleType) or (n.id not in ns and not hasattr(builtins, n.id)))
    }


def _inlined(call: ast.Call, tree: ast.AST, ns: dict) -> ast.Call:
    """``call`` with each name it reads that the namespace lacks replaced by the value last assigned to it
    before the call (``layers = [Dense(784, 128), ReLU()]`` then ``Sequential(layers)`` in ``main()``),
    again for the names those values read, a few rounds deep."""
    for _ in range(MAX_INLINE_DEPTH):
        missing = _missing(call, ns)
        if not missing:
            break
        inlined = _inline_once(call, tree, missing)
        if ast.dump(inlined) == ast.dump(call):
            break
        call = inlined
    return call


def _inline_once(call: ast.Call, tree: ast.AST, missing: set[str]) -> ast.Call:
    values: dict[str, ast.expr] = {}
    assigns = [
        a
        for a in ast.walk(tree)
        if isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
    ]
    for a in sorted(assigns, key=lambda a: a.lineno):
        if a.targets[0].id in missing and a.lineno < call.lineno:
            values[a.targets[0].id] = a.value

    class Inline(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return values.get(node.id, node) if isinstance(node.ctx, ast.Load) else node

    out = Inline().visit(ast.parse(ast.unparse(call), mode="eval").body)
    for node in ast.walk(out):  # one line: the call's own, so errors point to it
        if "lineno" in node._attributes:
            node.lineno = node.end_lineno = call.lineno
            node.col_offset, node.end_col_offset = 0, 1
    return out


def _sized(call: ast.Call, tree: ast.AST, ns: dict) -> tuple[ast.Call, list[str]]:
    """``call`` with each size its layers are given that no value reaches replaced by one (and what was put in):
    the first of a loop's widths (``for hidden in [16, 32, 64]``: 16), else an invented count where the width is
    read off data the submission does not include (``input_dim = X_train.shape[1]``: 3). Only a name passed
    directly to one of the submission's classes (``Layer(input_dim, hidden)``) is a size, and only one
    :func:`_count_of_data` says no value reaches."""
    sizes = {
        a.id
        for c in ast.walk(call)
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and isinstance(ns.get(c.func.id), type)
        for a in c.args
        if isinstance(a, ast.Name) and a.id in _missing(a, ns) and _count_of_data(a.id, call, tree, ns)
    }
    values: dict[str, int] = {}
    said = []
    for name in sorted(sizes):
        first = _loop_first(name, tree)
        values[name] = first if first is not None else INVENTED_N_IN
        said.append(
            f"{name} = {values[name]}"
            + (
                " (the first of its loop)"
                if first is not None
                else " (invented: read off data the submission does not include)"
            )
        )

    class Put(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            if node.id in values and isinstance(node.ctx, ast.Load):
                return ast.copy_location(ast.Constant(values[node.id]), node)
            return node

    return (Put().visit(call) if values else call), said


def _loop_first(name: str, tree: ast.AST) -> int | None:
    """The first width of a loop over written widths that binds ``name`` (``for hidden in [16, 32, 64]``: 16)."""
    for f in ast.walk(tree):
        if isinstance(f, ast.For) and isinstance(f.target, ast.Name) and f.target.id == name:
            first = f.iter.elts[0] if isinstance(f.iter, (ast.List, ast.Tuple)) and f.iter.elts else None
            if isinstance(first, ast.Constant) and isinstance(first.value, int) and not isinstance(first.value, bool):
                return first.value
    return None


def _count_of_data(name: str, call: ast.Call, tree: ast.AST, ns: dict) -> bool:
    """Is ``name`` a count no value reaches: a loop's width (``for hidden in [16, 32]``), or last assigned before
    ``call`` a size read off data the namespace lacks (``input_dim = X_train.shape[1]``, ``n = len(rows)``)? A
    value the namespace can evaluate (``hidden = 64``) is inlined instead, and anything else (``layers =
    np.array([h1, h2])``) is no count."""
    if _loop_first(name, tree) is not None:
        return True
    before = [
        a
        for a in ast.walk(tree)
        if isinstance(a, ast.Assign)
        and len(a.targets) == 1
        and isinstance(a.targets[0], ast.Name)
        and a.targets[0].id == name
        and a.lineno < call.lineno
    ]
    if not before:
        return False
    value = max(before, key=lambda a: a.lineno).value
    read_off = any(
        (isinstance(n, ast.Attribute) and n.attr in ("shape", "size"))
        or (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len")
        for n in ast.walk(value)
    )
    return read_off and bool(_missing(value, ns))


def built_in_code(cls: type, loaded: LoadedSubmission, has_params: Callable[[Any], bool]) -> tuple[Any, str] | None:
    """(object, where and how it is built) from the submission's own construction of ``cls``, or None."""
    ns = loaded.module.__dict__
    seen: set[str] = set()
    for filename, tree in sources(loaded):
        for found in (c for name in _names_of(tree, cls.__name__) for c in calls_of(tree, name)):
            call, said = _sized(found, tree, ns)  # Layer(input_dim, hidden) sized before input_dim is inlined
            call, more = _sized(_inlined(call, tree, ns), tree, ns)
            said += more
            if isinstance(call.func, ast.Name) and call.func.id != cls.__name__ and cls.__name__ in ns:
                call.func = ast.Name(cls.__name__, ast.Load(), lineno=call.lineno, col_offset=0)
            text = ast.unparse(call)
            if text in seen or not _resolvable(call, ns):
                continue
            seen.add(text)
            code = compile(ast.fix_missing_locations(ast.Expression(body=call)), filename, "eval")
            try:
                obj = call_student(f"{cls.__name__}(...)", eval, code, ns)
            except StudentCodeError:
                continue
            if not isinstance(obj, cls):
                continue
            configured = [] if has_params(obj) else _configured(obj, found, tree, ns, filename)
            if has_params(obj):
                then = f", then {'; '.join(f'`{c}`' for c in configured)}" if configured else ""
                return obj, f"{loaded.where(filename, call.lineno)}: `{text}`{then}" + (
                    f", with {', '.join(said)}" if said else ""
                )
    return None


#: Methods never replayed on a model the code builds: they run or train it (its forward, backward, fit...).
_RUNS = frozenset(n.lower() for n in (*FORWARD_NAMES, *BACKWARD_NAMES, *FIT_METHODS, "evaluate", "test", "save"))
#: Calls replayed after the construction, at most (``net.add_layer(2, 4)``, one per layer).
MAX_CONFIGURING = 64


def _configured(obj: Any, made: ast.Call, tree: ast.AST, ns: dict, filename: str) -> list[str]:
    """The calls the code makes on the object right after making it (``net = Network()``, ``net.add_layer(2, 4)``,
    ``net.add_layer(4, 1)``), each whose arguments the namespace can evaluate, replayed on ``obj`` in order until
    one runs or trains it; what was replayed."""
    block = next(
        (
            body
            for node in ast.walk(tree)
            for body in (getattr(node, "body", None), getattr(node, "orelse", None))
            if isinstance(body, list)
            and any(isinstance(s, ast.Assign) and s.value is made and len(s.targets) == 1 for s in body)
        ),
        None,
    )
    if block is None:
        return []
    at = next(i for i, s in enumerate(block) if isinstance(s, ast.Assign) and s.value is made)
    target = block[at].targets[0]
    if not isinstance(target, ast.Name):
        return []
    done: list[str] = []
    for stmt in block[at + 1 : at + 1 + MAX_CONFIGURING]:
        call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
        if call is None or not isinstance(call.func, ast.Attribute) or not isinstance(call.func.value, ast.Name):
            continue
        if call.func.value.id != target.id:
            continue
        given = [*call.args, *(k.value for k in call.keywords)]
        if call.func.attr.lower() in _RUNS or any(_missing(a, ns) for a in given):
            break
        args = ast.Tuple([*call.args], ast.Load())
        kwargs = ast.Dict([ast.Constant(k.arg) for k in call.keywords], [k.value for k in call.keywords])
        code = compile(
            ast.fix_missing_locations(ast.Expression(ast.Tuple([args, kwargs], ast.Load()))), filename, "eval"
        )
        try:
            a, k = call_student(f"{call.func.attr}(...)", eval, code, ns)
            call_student(call.func.attr, getattr(obj, call.func.attr), *a, **k)
        except (StudentCodeError, AttributeError):
            break
        done.append(ast.unparse(call))
    return done


def _names_of(tree: ast.AST, name: str) -> list[str]:
    """``name`` and what the file imports it as (``from network import SequentialNetwork as MLP``)."""
    aliases = {
        a.asname
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for a in node.names
        if a.name == name and a.asname
    }
    return [name, *sorted(aliases)]


def _makes(fn: Callable, cls: type) -> bool:
    """``fn``'s source calls ``cls`` (``m = Model()`` in ``build_model()``)."""
    code = getattr(fn, "__code__", None)
    return code is not None and cls.__name__ in code.co_names


def built_by_function(cls: type, loaded: LoadedSubmission, has_params: Callable[[Any], bool]) -> tuple[Any, str] | None:
    """(object, how it is built) from a function of the submission that returns a ``cls`` with weights, or None.

    ``build_model()`` makes ``Model()`` and assembles it (``m.add(Dense(4, 10))``):
    the function is called with no arguments, or with the arguments of the code's
    own call of it when those are plain data.
    """
    ns = loaded.module.__dict__
    for name, fn in student_functions(ns, loaded).items():
        if not _makes(fn, cls):
            continue
        required = [p for p in plain_params(fn) if p.default is p.empty]
        own = own_call(loaded.stmts, name, ns) if required else ([], {}, 0)
        if own is None:
            continue
        args, kwargs, _ = own
        try:
            obj = call_student(f"{name}()", fn, *args, **kwargs)
        except StudentCodeError:
            continue
        if isinstance(obj, cls) and has_params(obj):
            return obj, f"by {name}({shown(args, kwargs)}), line {fn.__code__.co_firstlineno}"
    return None


def assembled_in_functions(classes: list[type], loaded: LoadedSubmission) -> set[str]:
    """Names of ``classes`` a function of the submission makes and assembles through one of their methods
    (``model = Sequential()`` then ``model.add(...)`` in ``create_model()``): the model, not its layers."""
    out = set()
    for fn in student_functions(loaded.module.__dict__, loaded).values():
        called = set(getattr(getattr(fn, "__code__", None), "co_names", ()))
        for cls in classes:
            own = {n for n, v in vars(cls).items() if callable(v) and not n.startswith("__")}
            if cls.__name__ in called and own & called:
                out.add(cls.__name__)
    return out
