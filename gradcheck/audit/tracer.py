"""Script-style submissions: run the training script under a tracer, stop before the first update.

Runs inside the sandboxed audit worker. Many submissions have no function to
call: weights, forward, backward and update are written inline in a top-level
training loop (often in a notebook, often several times with different
settings). The spec names the weight and gradient variables; this module runs
the whole script statement by statement with :func:`sys.settrace` enabled on
the script's own top-level frames only (functions it calls, numpy included, are
not line-traced), watches those module globals after every line, and stops the
script as soon as

* every gradient variable has been (re)assigned since the weights last changed
  (a *round*: the backward pass of one iteration), and
* a weight then changes (the update), or the script ends.

The weights, gradients, forward output and data captured are those of the line
*before* the update ran, so gradients and weights are consistent: the long
training loop never runs past its first update. Updates interleaved with the
backward pass (``W2 -= lr * dW2`` before ``dW1`` is computed) are allowed: the
weights reported are those at the start of the round.

Notebooks are run as the combined source of their code cells (magics and shell
lines removed, see :mod:`gradcheck.audit.loader`); every place is reported as
``cell N, line M``. A ``.py`` file with ``# %%`` (or ``# In[ ]:``) markers is
split into cells the same way. ``spec["cell"]`` (or ``spec["line"]``) says from
which cell (line) on a capture counts: earlier cells run untraced, so a
notebook that trains several networks is audited on the one the spec names.

A statement that raises before the capture point is skipped with a note when it
is an import, or when its cell only plots or prints; any other error stops the
audit and names its cell and line.
"""

from __future__ import annotations

import ast
import re
import sys
import time
import traceback
import types
from typing import Any

import numpy as np

from gradcheck.audit import hoist, loader, movedreads, scriptdata
from gradcheck.audit.adapters.literaltwo import writes_two
from gradcheck.audit.auditerrors import clipped
from gradcheck.audit.frameworks import PUBLISHED
from gradcheck.audit.loader import AuditError, StudentCodeError
from gradcheck.audit.scriptpoint import FirstSeen, PointSetter, parse_point
from gradcheck.audit.scriptprep import (  # noqa: F401 - re-exported: the tracer's public names
    Capture,
    ScriptRun,
    _py_cells,
    display_only,
    is_identifier,
    looks_like_script,
    prepare,
)

__all__ = ["Capture", "ScriptRun", "prepare", "run", "looks_like_script", "display_only"]

#: Defaults of the budget before the gradients must be bound (spec trace_seconds / trace_lines).
TRACE_SECONDS = 30.0
TRACE_LINES = 5_000_000
#: Executed lines of the capturing statement kept for the report.
MAX_LINES_KEPT = 200

_MISSING = scriptdata.MISSING


class _Stop(BaseException):
    """Raised from the tracer to stop the script (BaseException: ``except Exception`` passes it)."""


class _Budget(BaseException):
    """The line or time budget ran out before the gradients were captured."""


# =========================================================================== the tracer
def _copy(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.copy()
    if isinstance(v, (list, tuple)):
        try:
            return np.array(v, dtype=float)
        except (TypeError, ValueError):
            return None
    return v


def _same(v: Any, obj: Any, snap: Any) -> bool:
    """Is ``v`` the same binding with the same content as when (obj, snap) was recorded?"""
    if v is not obj:
        return False
    if isinstance(v, np.ndarray):
        return isinstance(snap, np.ndarray) and v.shape == snap.shape and np.array_equal(v, snap, equal_nan=True)
    if isinstance(v, (list, tuple)):
        try:
            return np.array_equal(np.array(v, dtype=float), snap, equal_nan=True)
        except (TypeError, ValueError):
            return True
    return True


#: A list element at constant indices, as a script's update names it: ``weights[1]``, ``params[0][1]``.
_ELEMENT = re.compile(r"[A-Za-z_]\w*(\[\d+\])+")


class _Elements:
    """The script's globals, read by name or as a list element at a constant index (``weights[1]``)."""

    def __init__(self, ns: dict):
        self.ns = ns

    def get(self, name: str, default: Any = None) -> Any:
        base, _, rest = name.partition("[")
        value = self.ns.get(base, _MISSING)
        for index in rest.rstrip("]").split("][") if rest else ():
            try:
                value = value[int(index)]
            except (TypeError, IndexError, KeyError, ValueError):
                return default
        return default if value is _MISSING else value


class _Watch:
    """The traced state machine (see the module docstring)."""

    def __init__(self, ns: dict, params: list[str], grads: list[str], extra: list[str], seconds: float, max_lines: int):
        self.ns, self.params, self.grads, self.extra = _Elements(ns), params, grads, extra
        self.deadline = time.monotonic() + seconds
        self.seconds, self.max_lines = seconds, max_lines
        self.codes: set[types.CodeType] = set()
        # The trace function installed before ours (a debugger, coverage.py) is set
        # aside while the script runs and reinstalled after: chaining to it does not
        # work, since coverage.py's tracer reinstalls itself when called.
        self.previous: Any = None
        self.active = False
        self.events = 0
        self.cur_line: int | None = None
        self.w_state = [self._state(n) for n in params]
        self.g_state = [self._state(n) for n in grads]
        self.round_w: list[Any] | None = None
        self.round_set: set[int] = set()
        self.grad_lines: dict[str, int] = {}
        self.last_grad_line: int | None = None
        self.refs: dict[str, Any] = {}
        self.bound: dict[str, tuple[Any, np.ndarray]] = {}  # output-named arrays as bound (see _keep_outputs)
        self._ns_size, self._out_names = -1, []
        self.captured: Capture | None = None
        self.executed: dict[int, None] = {}  # lines run since the weights were last set, in order
        self.interleaved: list[str] = []
        self.moved: list[tuple[str, int | None]] = []  # (weight, line) updated inside a round, in order
        self.ever_bound: set[str] = set()
        self.stopped_at: int | None = None
        self.observations = 0  # observe() calls: where the grader's second run sets its weights
        self.first_seen = FirstSeen()
        self.setter: PointSetter | None = None

    def _state(self, name: str) -> tuple[Any, Any]:
        v = self.ns.get(name, _MISSING)
        return (v, _copy(v)) if v is not _MISSING else (_MISSING, None)

    def reset_baseline(self) -> None:
        """Start watching from the current globals (bindings made so far are not changes)."""
        self.w_state = [self._state(n) for n in self.params]
        self.g_state = [self._state(n) for n in self.grads]
        self.round_w, self.round_set, self.executed = None, set(), {}
        self._seen()

    def _seen(self) -> None:
        """Remember when the weights first held their current values; set the grader's weights if asked here."""
        if all(self._bound(i) for i in range(len(self.params))):
            self.first_seen.see(self.observations, [s[1] for s in self.w_state])
        if self.setter is not None and self.setter.arrive(self.observations):
            self.w_state = [self._state(n) for n in self.params]  # the grader's change, not the script's
            self.round_w, self.round_set, self.executed = None, set(), {}

    # ---------------------------------------------------------------- settrace callbacks
    def global_trace(self, frame, event, arg):
        """Trace the student's top-level statements only."""
        if frame.f_code in self.codes:
            return self.local_trace
        return None

    def local_trace(self, frame, event, arg):
        if event == "line":
            self.events += 1
            if self.events > self.max_lines or (self.events & 1023 == 0 and time.monotonic() > self.deadline):
                self.stopped_at = frame.f_lineno
                raise _Budget()
            if self.active and self.cur_line is not None:
                self.observe(self.cur_line)
                if self.captured is not None:
                    raise _Stop()
            self.cur_line = frame.f_lineno
        elif event == "return" and self.active:
            self.observe(frame.f_lineno)
            self.cur_line = None
        return self.local_trace

    # ---------------------------------------------------------------- the rounds
    def _bound(self, i: int) -> bool:
        return self.w_state[i][0] is not _MISSING

    def observe(self, executed: int | None, final: bool = False) -> None:
        """Look at the watched globals after line ``executed`` ran."""
        ns = self.ns
        self.observations += 1
        w_changed = [i for i, n in enumerate(self.params) if not _same(ns.get(n, _MISSING), *self.w_state[i])]
        g_changed = [i for i, n in enumerate(self.grads) if not _same(ns.get(n, _MISSING), *self.g_state[i])]
        armed = self.round_w is not None and len(self.round_set) == len(self.grads)
        # ``w_out += -lr * delta @ h.T``: the gradients named on an update's own line were computed before it,
        # as the rewritten script does it (see gradcheck.audit.hoist)
        here = [i for i in g_changed if ns.get(self.grads[i], _MISSING) is not _MISSING]
        same_line = [i for i in w_changed if i in here]
        pre = [s[1] for s in self.w_state]
        if same_line and self.round_w is None and len(here) < len(self.grads) and all(w is not None for w in pre):
            self.round_w, self.round_set = pre, set()  # the round starts with this update's own gradient
        if same_line and self.round_w is not None and not armed:
            self._take(here, executed)
            g_changed = [i for i in g_changed if i not in here]
            armed = len(self.round_set) == len(self.grads)
        if (w_changed and armed) or (final and armed):
            self._capture(None if final else executed)
            return
        if w_changed and not armed and self._one_line_round(g_changed, executed):
            return
        if w_changed:
            ok = self.round_w is not None and all(i < len(self.grads) and i in self.round_set for i in w_changed)
            if ok:
                note = (
                    f"{', '.join(self.params[i] for i in w_changed)} updated at line {executed} "
                    "before every gradient was computed (update interleaved with the backward pass)"
                )
                self.interleaved.append(note)
                self.moved += [(self.params[i], executed) for i in w_changed]
            else:
                self.round_w, self.round_set, self.executed = None, set(), {}
        if executed is not None and len(self.executed) < MAX_LINES_KEPT:
            self.executed[executed] = None
        pre_w = [s[1] for s in self.w_state]
        for i in w_changed:
            self.w_state[i] = self._state(self.params[i])
        if w_changed:
            self._seen()
        if g_changed:
            for i in g_changed:
                if ns.get(self.grads[i], _MISSING) is not _MISSING:
                    self.ever_bound.add(self.grads[i])
            fresh = [i for i in g_changed if ns.get(self.grads[i], _MISSING) is not _MISSING]
            if fresh:
                if self.round_w is None:
                    if all(w is not None for w in pre_w):
                        self.round_w, self.round_set = pre_w, set()
                if self.round_w is not None:
                    self.round_set.update(fresh)
                    for i in fresh:
                        self.grad_lines[self.grads[i]] = executed
                    self.last_grad_line = executed
            for i in g_changed:
                self.g_state[i] = self._state(self.grads[i])
        if self.round_w is not None and len(self.round_set) == len(self.grads):
            self.refs = {n: ns.get(n, _MISSING) for n in self.extra}
        self._keep_outputs()

    def _take(self, fresh: list[int], executed: int | None) -> None:
        """Gradients ``fresh`` bound at line ``executed``, counted in the round."""
        for i in fresh:
            self.g_state[i] = self._state(self.grads[i])
            self.ever_bound.add(self.grads[i])
            self.grad_lines[self.grads[i]] = executed
        self.round_set.update(fresh)
        self.last_grad_line = executed
        if len(self.round_set) == len(self.grads):
            self.refs = {n: self.ns.get(n, _MISSING) for n in self.extra}

    def _one_line_round(self, g_changed: list[int], executed: int | None) -> bool:
        """Every gradient bound on the line that also updates the weights: captured there, before the next line.

        ``param -= 0.002 * grad`` alone on its line: its gradient (named in the rewritten script on
        the update's line) and the update are seen in one observation. The weights before it are the
        round's; waiting for the next update would capture the script's loss and output one step later.
        """
        if len(g_changed) != len(self.grads) or self.round_w is not None:
            return False
        pre_w = [s[1] for s in self.w_state]
        if any(w is None for w in pre_w) or any(self.ns.get(self.grads[i], _MISSING) is _MISSING for i in g_changed):
            return False
        for i in g_changed:
            self.g_state[i] = self._state(self.grads[i])
            self.grad_lines[self.grads[i]] = executed
        self.round_w, self.round_set, self.last_grad_line = pre_w, set(g_changed), executed
        self.refs = {n: self.ns.get(n, _MISSING) for n in self.extra}
        self._keep_outputs()
        self._capture(executed)
        return True

    def _keep_outputs(self) -> None:
        """A copy of each output-named array as it was bound: ``dscores = probs; dscores[...] -= 1`` edits it later."""
        ns = self.ns.ns
        if len(ns) != self._ns_size:
            self._ns_size = len(ns)
            self._out_names = [k for k in ns if isinstance(k, str) and k.lower() in scriptdata.OUTPUT_NAMES]
        for name in self._out_names:
            v = ns.get(name, _MISSING)
            if isinstance(v, np.ndarray) and self.bound.get(name, (None,))[0] is not v:
                self.bound[name] = (v, v.copy())

    def _capture(self, update_line: int | None) -> None:
        params = {n: np.array(w, dtype=float) for n, w in zip(self.params, self.round_w or [])}
        grads = {n: np.array(s[1], dtype=float) for n, s in zip(self.grads, self.g_state)}
        line = self.last_grad_line or 0
        executed = list(self.executed)
        self.captured = Capture(
            params=params,
            grads=grads,
            forward=None,
            forward_name=None,
            X=None,
            Y=None,
            data_names=(None, None),
            line=line,
            update_line=self.moved[0][1] if self.moved else update_line,  # the round's first update
            grad_lines=dict(self.grad_lines),
            executed=executed,
            interleaved=list(self.interleaved),
        )
        self.captured_refs = {**{n: c for n, (_, c) in self.bound.items()}, **self.refs}
        self.captured.extra["script_weights_from"] = self.first_seen.of(self.round_w)

    def missing_text(self) -> str:
        never = [g for g in self.grads if g not in self.ever_bound]
        parts = []
        if never:
            parts.append(f"{', '.join(never)} {'was' if len(never) == 1 else 'were'} never assigned by top-level code")
        stale = [
            self.grads[i]
            for i in range(len(self.grads))
            if self.grads[i] in self.ever_bound and i not in self.round_set
        ]
        if stale and not never:
            parts.append(
                f"{', '.join(stale)} {'was' if len(stale) == 1 else 'were'} not assigned again "
                "after the weights last changed"
            )
        unbound = [n for i, n in enumerate(self.params) if not self._bound(i)]
        if unbound:
            parts.append(f"weight variable(s) {', '.join(unbound)} never assigned")
        return "; ".join(parts) or "no complete set of gradients"


# =========================================================================== running
def _spec_list(spec: dict, key: str) -> list[str]:
    vals = spec.get(key) or []
    if isinstance(vals, str):
        vals = [vals]
    bad = [v for v in vals if not (is_identifier(v) or (key == "params" and _ELEMENT.fullmatch(v)))]
    if bad:
        raise AuditError(
            f"script mode: [network] {key} must be module-level variable names"
            + (" or list elements (weights[0])" if key == "params" else "")
            + f", got {bad}",
            where="spec",
            type_="SpecError",
        )
    return list(vals)


def _data_names(spec: dict) -> tuple[str | None, str | None]:
    data = spec.get("data") if isinstance(spec.get("data"), dict) else {}
    return (spec.get("data_x") or data.get("X") or data.get("x"), spec.get("data_y") or data.get("Y") or data.get("y"))


def _start_index(sr: ScriptRun, spec: dict, notes: list[str]) -> int:
    cell, line = spec.get("cell"), spec.get("line")
    if cell is None and line is None:
        return 0
    for i, s in enumerate(sr.stmts):
        end = getattr(s, "end_lineno", s.lineno) or s.lineno
        if cell is not None:
            c = sr.cell_of(s.lineno)
            if c is None:
                raise AuditError(
                    f"[entry] cell = {cell} but {sr.loaded.path.name} has no cells (a .py file "
                    "needs '# %%' cell markers): set [entry] line instead",
                    where="spec",
                    type_="SpecError",
                )
            if c >= int(cell):
                if c != int(cell):
                    notes.append(f"[entry] cell = {cell} has no code; tracing starts at cell {c}")
                return i
        elif end >= int(line):
            return i
    what = f"cell {cell}" if cell is not None else f"line {line}"
    raise AuditError(
        f"spec names {what} but the submission has no code there or after it", where="spec", type_="SpecError"
    )


def _cell_stmts(sr: ScriptRun, idx: int) -> list[int]:
    cell = sr.cell_of(sr.stmts[idx].lineno)
    if cell is None:
        return [idx]
    return [i for i, s in enumerate(sr.stmts) if sr.cell_of(s.lineno) == cell]


def run(sr: ScriptRun, spec: dict, notes: list[str], point: dict | None = None) -> Capture:
    """Run the prepared script under the tracer and return the capture.

    Parameters
    ----------
    sr
        From :func:`prepare`.
    spec
        ``params`` and ``grads`` (variable names, required); optional ``forward_output``,
        ``data`` ({"X": name, "Y": name}) or ``data_x``/``data_y``, ``cell`` or ``line``
        (captures count from there on), ``trace_seconds``, ``trace_lines``.
    notes
        Appended to.
    point
        The grader's second run (:mod:`gradcheck.audit.scriptpoint`): ``{"at": observation, "params": P2}``,
        the weights set at that observation of the first run, the script's calls watched from there.

    Raises
    ------
    AuditError
        Bad spec, budget exhausted, or the script ended without binding the gradients.
    StudentCodeError
        A statement that is not an import or a display-only cell raised before the capture.
    """
    params, grads = _spec_list(spec, "params"), _spec_list(spec, "grads")
    if not params or not grads:
        raise AuditError(
            "script mode needs [network] params and [network] grads: the names of the weight and "
            'gradient variables (e.g. ["W1", "b1"] and ["dW1", "db1"])',
            where="spec",
            type_="SpecError",
        )
    if len(params) != len(grads):
        raise AuditError(
            f"[network] params ({len(params)}) and [network] grads ({len(grads)}) must pair up one to one",
            where="spec",
            type_="SpecError",
        )
    fwd_name = spec.get("forward_output")
    xn, yn = _data_names(spec)
    inline = spec.get("inline_updates") or []
    stale = hoist.stale_reads(sr.stmts, [u["param"] for u in inline]) if inline else []
    if inline:  # ``syn1 += l1.T.dot(l2_delta)``: each inline gradient gets a name (see gradcheck.audit.hoist)
        sr.stmts = hoist.rewrite(sr.stmts, [u["param"] for u in inline])
    extra = [n for n in dict.fromkeys([fwd_name, xn, yn]) if n]
    module, path = sr.loaded.module, sr.loaded.path
    ns = module.__dict__
    source = "\n".join(sr.lines)
    notes.extend(loader.install_stand_ins(source))
    sys.modules[loader.MODULE_NAME] = module
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    sys.meta_path.insert(0, loader._SubmissionFinder(path.parent, True, notes))
    ns["__name__"] = "__main__"
    sys.argv = [str(path)]  # as if run as `python script.py`: argparse sees no worker arguments
    start = _start_index(sr, spec, notes)
    watch = _Watch(
        ns,
        params,
        grads,
        extra,
        float(spec.get("trace_seconds", TRACE_SECONDS)),
        int(spec.get("trace_lines", TRACE_LINES)),
    )
    skip: set[int] = set()
    filename = str(path)
    if point is not None:
        at, values = parse_point(point, len(params))
        watch.setter = PointSetter(ns, params, at, values, str(path.parent), watch.ns.get)
    watch.previous = sys.gettrace()
    try:
        for idx, stmt in enumerate(sr.stmts):
            if idx in skip:
                continue
            code = compile(ast.Module(body=[stmt], type_ignores=[]), filename, "exec")
            watch.codes = {code}
            if idx == start:
                watch.active = True
                watch.reset_baseline()
            sys.settrace(watch.global_trace)
            try:
                exec(code, ns)
            except _Stop:
                break
            except _Budget:
                raise
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - student code, SystemExit included
                sys.settrace(watch.previous)
                if watch.captured is not None:
                    break
                _failed(sr, idx, stmt, exc, skip, notes)
            finally:
                sys.settrace(watch.previous)
            if watch.captured is not None:
                break
            if watch.active:
                watch.cur_line = None
        if watch.captured is None and watch.active:
            watch.observe(None, final=True)
            if watch.captured is not None:
                notes.append(
                    "the script ended without updating the weights after its gradients; the last values were captured"
                )
    except _Budget:
        what = f"{watch.max_lines} traced lines" if watch.events > watch.max_lines else f"{watch.seconds:g} s"
        at = sr.where(watch.stopped_at)
        if not watch.active:
            raise AuditError(
                f"the script did not reach the code the spec names within {what} (stopped at {at})",
                where=f"running the script ({at})",
                type_="TraceBudget",
            ) from None
        raise AuditError(
            f"no complete set of gradients within {what} of the script (stopped at {at}): "
            f"{watch.missing_text()}; check [network] grads",
            where=f"running the script ({at})",
            type_="GradsNotFound",
        ) from None
    finally:
        sys.settrace(watch.previous)
        ns["__name__"] = loader.MODULE_NAME
        seen = watch.setter.close() if watch.setter is not None else None
    if watch.captured is None:
        # (the names of inline gradients are the audit's own, __grad_w1: no spec key to give)
        why = hoist.stale_text(stale) if stale else f"{watch.missing_text()} ([network] grads = {grads})"
        raise AuditError(
            f"the script ran to its end without a complete set of gradients: {why}",
            where="running the script",
            type_="GradsNotFound",
        )
    cap = watch.captured
    reads = movedreads.moved_reads(sr.code, watch.moved, watch.params, watch.grads, watch.grad_lines)
    if reads:
        notes.append(hoist.moved_text(reads))
    scriptdata.attach_data(cap, getattr(watch, "captured_refs", {}), ns, fwd_name, xn, yn, notes, sr.stmts)
    if inline:
        cap.extra["update"] = scriptdata.inline_update_info(inline, ns, notes)
    cap.extra["student_losses"] = scriptdata.own_losses(sr, cap)
    cap.extra["writes_two"] = writes_two(sr.stmts)
    if reads:
        cap.extra["moved_reads"] = [dict(zip(("param", "line", "reads", "at"), r)) for r in reads]
    if seen is not None:
        cap.extra["script_point"] = seen
    return cap


def _failed(sr: ScriptRun, idx: int, stmt: ast.stmt, exc: BaseException, skip: set[int], notes: list[str]) -> None:
    """A statement raised before the capture: skip it (imports, display-only cells) or stop."""
    where = sr.where(_exc_line(exc, str(sr.loaded.path)) or stmt.lineno)
    msg = f"{type(exc).__name__}: {clipped(str(exc))}"
    if isinstance(stmt, (ast.Import, ast.ImportFrom)) and not isinstance(exc, SystemExit):
        notes.append(f"{where}: import failed ({msg}); skipped")
        return
    group = _cell_stmts(sr, idx)
    if not isinstance(exc, SystemExit) and all(display_only(sr.stmts[i]) for i in group):
        cell = sr.cell_of(stmt.lineno)
        what = f"cell {cell}" if cell is not None else f"the statement at {where}"
        notes.append(f"{what} only plots/prints and raised {msg} at {where}; skipped")
        skip.update(i for i in group if i > idx)
        return
    reads_lost = isinstance(exc, NameError) and getattr(exc, "name", None) in sr.lost_names
    if _library_missing(exc) or reads_lost:
        cell = sr.cell_of(stmt.lineno)
        what = f"cell {cell}" if cell is not None else f"the statement at {where}"
        why = (
            f"reads {exc.name}, which a skipped statement made"
            if reads_lost
            else f"needs a library the sandbox lacks ({msg})"
        )
        notes.append(f"{what} {why}; skipped")
        sr.lost_names.update(_stored(sr, group))
        skip.update(i for i in group if i > idx)
        return
    frames = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
    tb = "".join(traceback.format_exception(type(exc), exc, frames))
    raise StudentCodeError("running the script", exc, tb) from None


def _library_missing(exc: BaseException) -> bool:
    """A published library's module the sandbox lacks (``sklearn.linear_model.LogisticRegressionCV()`` past its
    stand-in, ``import seaborn`` inside a cell): never a bug of the student's network."""
    if isinstance(exc, ImportError):
        name = (exc.name or "").split(".")[0]
        return name in PUBLISHED
    text = str(exc)  # "module 'sklearn' has no attribute 'linear_model'", "module 'sklearn.x' has ..."
    return isinstance(exc, AttributeError) and any(
        text.startswith((f"module '{lib}'", f"module '{lib}.")) for lib in PUBLISHED
    )


def _stored(sr: ScriptRun, group: list[int]) -> set[str]:
    """The names the statements of ``group`` assign."""
    return {
        n.id for i in group for n in ast.walk(sr.stmts[i]) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _exc_line(exc: BaseException, filename: str) -> int | None:
    tb, hit = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            hit = tb.tb_lineno
        tb = tb.tb_next
    return hit
