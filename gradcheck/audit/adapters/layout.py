"""How the student's code wants its batch: samples as rows or columns, targets in which form, how many.

Tried in turn until one runs and its output shows the sample axis: rows and
columns (columns first when a bias is (out, 1)), target forms (one-hot or integer
labels for a softmax output), and, for code that handles one sample at a time
(it raises on a batch, or its own training loop calls it per sample), one sample.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

from gradcheck.audit.adapters import labels
from gradcheck.audit.adapters.params import Tensor, is_bias_tensor
from gradcheck.audit.adapters.step import Runner, Step1
from gradcheck.audit.astnames import called_name, names_in
from gradcheck.audit.loader import AuditError, StudentCodeError


def _axis_ok(out, columns: bool, n: int) -> bool:
    if not isinstance(out, np.ndarray) or out.ndim == 0:
        return True
    return (out.shape[-1] == n) if columns and out.ndim == 2 else (out.shape[0] == n)


def _orders(runner: Runner, params: list[Tensor]) -> list[bool]:
    if runner.spec.get("samples_as_columns") is not None:
        return [bool(runner.spec["samples_as_columns"])]
    col_hint = any(len(p.shape) == 2 and p.shape[1] == 1 and p.shape[0] > 1 and is_bias_tensor(p) for p in params)
    return [True, False] if col_hint else [False, True]


def _try_layouts(
    runner: Runner, lr: float, orders: list[bool], notes: list[str], failed: list
) -> tuple[Step1 | None, Step1 | None, BaseException | None]:
    """(step whose output shows the sample axis, a step that ran, first error); each error is added to ``failed``."""
    n = runner.X.shape[0]
    first_err, fallback, idle = None, None, None
    for cols in orders:
        try:
            s = runner.step(lr, cols)
        except (StudentCodeError, AuditError) as exc:
            first_err = first_err or exc
            failed.append(exc)
            continue
        if _idle(s):
            idle = idle or s
            continue
        if s.out is None or _axis_ok(s.out, cols, n):
            if cols != orders[0]:
                notes.append("the first layout tried failed; samples are " + ("columns" if cols else "rows"))
            return s, s, first_err
        fallback = fallback or s
    return None, fallback or idle, first_err


def _idle(step: Step1) -> bool:
    """A step that returned nothing, changed no parameter and showed no output: the code did nothing with the batch
    in this form (``for i in range(X.shape[0] // batch)`` handed samples as columns runs zero times). Taken only
    when no layout or target form gets the code to do anything."""
    if step.ret is not None or step.out is not None or step.extra:
        return False
    return all(isinstance(b, np.ndarray) and np.array_equal(b, a) for b, a in zip(step.before, step.after))


def choose_layout(runner: Runner, lr: float, params: list[Tensor], notes: list[str]) -> Step1:
    """The first step that runs, over layouts and target forms (a softmax output gets class labels)."""
    orders = _orders(runner, params)
    first_err: BaseException | None = None
    forms = ["given", "flat"] if runner.Y.shape[1] == 1 else ["given", "onehot", "int"]
    tried: set[str] = set()
    failed: list[BaseException] = []
    idle: tuple[str, Step1] | None = None  # a step that did nothing, kept in case no other form does anything
    while forms:
        runner.form = forms.pop(0)
        tried.add(runner.form)
        good, ran, err = _try_layouts(runner, lr, orders, notes, failed)
        first_err = first_err or err
        step = good or ran
        if step is None:
            continue
        if good is None and _idle(step) and forms:
            idle = idle or (runner.form, step)
            continue
        if isinstance(step.out, np.ndarray) and labels.softmax_like(step.out, step.columns):
            int_first = labels.indexes_rows_by_label(_code(runner))
            wanted = [f for f in labels.applicable(runner.Y, classifier=True, int_first=int_first) if f not in tried]
            if runner.form not in ("onehot", "int") and wanted:
                forms = wanted
                continue
        if good is None:
            notes.append("forward output shape does not show the sample axis; layout guessed")
        if runner.form != "given":
            notes.append(_form_note(runner.form))
        return step
    if idle is not None:
        runner.form, step = idle
        notes.append("forward output shape does not show the sample axis; layout guessed")
        return step
    assert first_err is not None
    raise furthest(failed) or first_err


def furthest(errors: list[BaseException]) -> BaseException | None:
    """Of the errors of the grader's attempts (layouts, sizes), the one from the attempt the code got furthest in.

    A forward that raises in one attempt (``X @ W1`` handed X with samples as columns, or with a
    size the weights do not have) shows that the grader guessed wrong, not a bug of the line that
    raised. Where another attempt gets through the forward and the code raises further on, that
    is the code's own error; where every attempt stops in the forward, the one stopping on a later
    line of the same file got further. None when nothing tells them apart (then the first error stands).
    """
    past = [e for e in errors if getattr(e, "past_forward", False)]
    if past:
        return past[0]
    stopped = [(_where(e), i) for i, e in enumerate(errors) if getattr(e, "past_forward", None) is False]
    known = [(w, i) for w, i in stopped if w is not None]
    if len({w[0] for w, _ in known}) == 1 and len({w for w, _ in known}) > 1:
        return errors[max(known)[1]]
    return None


#: Where this project's code and the libraries live: a frame there is never the student's line.
_NOT_STUDENT = tuple(str(Path(m.__file__).resolve().parent) for m in (np, ast) if getattr(m, "__file__", None)) + (
    str(Path(__file__).resolve().parents[2]),
)


def _where(exc: BaseException) -> tuple[str, int] | None:
    """(file, line) of the innermost frame of the student's code an error was raised in, when there is one."""
    tb = getattr(getattr(exc, "original", None), "__traceback__", None) or exc.__traceback__
    hit = None
    while tb is not None:
        name = str(Path(tb.tb_frame.f_code.co_filename).resolve())
        if not name.startswith(_NOT_STUDENT) and not name.startswith("<"):
            hit = (name, tb.tb_lineno)
        tb = tb.tb_next
    return hit


def _code(runner: Runner) -> list[ast.AST]:
    """The submission's code the grader has parsed: its entry file's statements and its classes."""
    loaded = runner.loaded
    return [ast.Module(body=list(loaded.stmts), type_ignores=[]), *loaded.class_nodes.values()]


def _form_note(form: str) -> str:
    return {
        "flat": "targets given as a flat vector (N,)",
        "onehot": "targets given as one-hot rows (a softmax output, or code that needs class targets)",
        "int": "targets given as integer class labels (N,) (the code indexes with them)",
    }[form]


def per_sample(trees: list[ast.AST], name: str) -> bool:
    """Whether the student's own code calls ``name`` once per sample (``for x, y in data: net.name(x, y)``)."""
    for tree in trees:
        for loop in ast.walk(tree):
            if not isinstance(loop, ast.For):
                continue
            bound = names_in(loop.target)
            if len(bound) < 2:
                continue
            for call in ast.walk(loop):
                if isinstance(call, ast.Call) and called_name(call) == name:
                    used = set().union(*(names_in(a) for a in call.args))
                    if len(used & bound) >= 2:
                        return True
    return False
