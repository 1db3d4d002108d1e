"""Probes of a student's gradient beyond its own starting point (run by the worker, in the sandbox).

After the worker has read the gradient at the student's own weights, it asks again,
the same way:

* ``repeat``: at the same weights, from a fresh object, then from that same object once
  more. A gradient that changes from call to call (random, counting, caching the first
  answer, accumulating into ``self.dW += ...`` never reset) shows here.
* ``point``: at weights the grader chose, ``P2 = P1 + delta`` with ``delta`` drawn from
  a seed the grader picked for this run (:func:`probe_delta`, recomputed by the grader).
  A gradient that is hard-coded, computed for other weights, or taken from another
  function's output is right at most at the student's own point.
* ``samples``: per-sample code stepped alone on a few other samples of the batch, at the
  same weights (:mod:`gradcheck.audit.adapters.othersamples`): a bug on some samples only.
* ``calls``: during the step at P2, every call of a function of the submission is
  watched (``sys.setprofile``). A call made while the weights, or a float array
  argument, differ from their unperturbed values in one or two entries by a small
  step is an evaluation at a perturbed point: several of them, at different entries,
  are a numerical gradient in disguise. A forward written out inline calls no function
  of the submission, but it calls numpy: at each call the submission makes into a
  library, its weights and its local copies of them are compared the same way, and a
  complex copy of them with a tiny imaginary step (a complex-step derivative,
  :mod:`gradcheck.audit.complexstep`) counts as an evaluation at a perturbed point too.

The grader judges all of it (:mod:`gradcheck.audit.consistency`); this module only
collects. Nothing here can be trusted more than the submission it runs next to.
"""

from __future__ import annotations

import gc
import types
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np

from gradcheck.audit.basereads import held_arrays
from gradcheck.audit.complexstep import ComplexSteps
from gradcheck.audit.genuinecode import genuine
from gradcheck.audit.stencils import StencilLines, direction_key
from gradcheck.audit.weightcopies import WeightCopies, nested_floats

__all__ = ["PERTURBATION_RTOL", "probe_delta", "run_probes", "grads_at", "CallWatch"]

#: A difference up to this fraction of max(1, |x|) is a finite-difference step, not an update.
PERTURBATION_RTOL = 1e-3
#: The probe point moves each tensor by this fraction of its RMS (at least of 0.1).
PROBE_SCALE = 0.3
#: Watching stops comparing after this many calls (a long backward stays affordable).
MAX_INSPECTED = 5000
#: Values of a local dict read as nested lists of floats at most.
MAX_DICT_VALUES = 64
#: A local copy of a weight tensor is compared only when the tensor has this many entries: an update of
#: a tensor of one or two entries moves "one or two entries" whatever the update is.
MIN_LOCAL_SIZE = 3


def probe_delta(shapes: list[tuple[int, ...]], values: list[np.ndarray], seed: int) -> list[np.ndarray]:
    """The grader's move from P1 to P2: ``PROBE_SCALE * max(rms(P1_t), 0.1) * N(0, 1)`` per tensor."""
    rng = np.random.default_rng(seed)
    out = []
    for shape, v in zip(shapes, values):
        v = np.asarray(v, dtype=float)
        rms = float(np.sqrt(np.mean(v**2))) if v.size else 0.0
        out.append(PROBE_SCALE * max(rms, 0.1) * rng.standard_normal(shape))
    return out


def _small_diff(a: np.ndarray, b: np.ndarray) -> tuple[int, ...] | None:
    """The entries (1 or 2) where ``a`` differs from ``b`` by a finite-difference step, else None."""
    if a.shape != b.shape or a.size == 0:
        return None
    d = np.abs(np.asarray(a) - np.asarray(b))  # plain arrays: a subclass's own arithmetic is not asked
    idx = np.flatnonzero(d)
    if not 1 <= idx.size <= 2:
        return None
    if np.any(d.flat[idx] > PERTURBATION_RTOL * np.maximum(1.0, np.abs(b.flat[idx]))):
        return None
    return tuple(int(i) for i in idx)


class CallWatch:
    """Counts the submission's function calls and the evaluations made at perturbed points."""

    def __init__(self, root: str, snapshot, base: list[np.ndarray]):
        self.root, self.snapshot, self.base = root.rstrip("/") + "/", snapshot, base
        self.calls: Counter[str] = Counter()
        self.perturbed: Counter[str] = Counter()
        self.where: set[tuple] = set()
        self.first: dict[tuple, np.ndarray] = {}
        self.directions: set[bytes] = set()
        self.complex_steps = ComplexSteps(base)
        self.stencils = StencilLines(PERTURBATION_RTOL)
        self.copies = WeightCopies(base, PERTURBATION_RTOL, MIN_LOCAL_SIZE)
        self.inspected = 0
        self.adopted: set = set()  # code compiled from strings that the submission's frames called

    def __call__(self, frame, event, arg) -> None:
        """The profile hook: on each call of a function of the submission, count it and compare; on each
        call the submission makes into a library (numpy, builtins), compare the weights and its locals."""
        if event not in ("call", "c_call"):
            return
        try:  # a hook that raises is switched off by the interpreter: the submission's objects must not do that
            if event == "call" and self._ours(frame, adopt=True):
                self._own_call(frame)
                return
            caller = frame if event == "c_call" else frame.f_back  # a C function reports its caller's frame
            if caller is not None and self._ours(caller):
                self._library_call(caller)
        except Exception:  # noqa: BLE001 - an object of the submission's that cannot be compared
            return

    def _ours(self, frame, adopt: bool = False) -> bool:
        """Is ``frame`` the submission's: code of its files, code it compiled from a string at run time
        (``exec(compile(src, "<generated>", "exec"))``) that one of its frames called (``adopt``: a first call
        of such code makes it the submission's from then on, and the code it calls in turn), or code naming a
        file it was not compiled from (``code.replace(co_filename=numpy.__file__)``,
        :mod:`gradcheck.audit.genuinecode`)."""
        code = frame.f_code
        if code.co_filename.startswith(self.root) or code in self.adopted:
            return True
        if _compiled_from_string(code):
            back = frame.f_back
            if adopt and back is not None and self._ours(back):
                self.adopted.add(code)
                return True
            return False
        if genuine(code):  # a library's file, or one of the interpreter's frozen modules (<frozen posixpath>)
            return False
        self.adopted.add(code)  # a code object naming a file (or frozen module) it is not from: the submission's
        return True

    def _own_call(self, frame) -> None:
        code = frame.f_code
        name = code.co_qualname if hasattr(code, "co_qualname") else code.co_name
        self.calls[name] += 1
        if self.inspected >= MAX_INSPECTED:
            return
        self.inspected += 1
        hit = (
            self._params_hit()
            or self._args_hit(code, frame.f_locals)
            or self.complex_steps.hit(_complex_held(frame.f_locals))
        )
        if hit is not None:
            self.perturbed[name] += 1
            self.where.add(hit)

    def _library_call(self, frame) -> None:
        """The forward written out inline: at each library call, the weights (moved in place) or a local
        copy of them (a dict or list of arrays too) a small step away from the point in one or two entries."""
        if self.inspected >= MAX_INSPECTED:
            return
        self.inspected += 1
        hit = self._params_hit()
        hits = [hit] if hit is not None else self._locals_hits(frame)
        if not hits:
            hit = self.complex_steps.hit(_complex_held(frame.f_locals))
            hits = [hit] if hit is not None else []
        if hits:
            code = frame.f_code
            self.perturbed[code.co_qualname if hasattr(code, "co_qualname") else code.co_name] += len(hits)
            self.where.update(hits)

    def _locals_hits(self, frame) -> list[tuple]:
        """Local arrays holding copies of the weights a small step away, each copy of a stack one evaluation
        (:mod:`gradcheck.audit.weightcopies`)."""
        for value in frame.f_locals.values():
            for arr in _held_floats(value):
                hits = self.copies.hits(arr)
                if hits:
                    return hits
        return []

    def _params_hit(self) -> tuple | None:
        """One tensor of the weights moved by a small step in one or two entries, the rest untouched; or every
        weight moved by a small step exactly opposite to a move seen before (a central difference along a
        direction: the two evaluations of a derivative in a rotated basis)."""
        try:
            now = self.snapshot()
        except Exception:  # noqa: BLE001 - the student may have replaced the arrays
            return None
        if now is None:  # reachable only through the submission's own code, which the hook must not run
            return None
        if any(np.iscomplexobj(n) for n in now):  # the weights made complex where they are held
            return self.complex_steps.hit(n for n in now if np.iscomplexobj(n))
        moved = []
        for i, (n, b) in enumerate(zip(now, self.base)):
            if n.shape == b.shape and np.array_equal(n, b):
                continue
            hit = _small_diff(n, b)
            if hit is None:
                return self._opposite_move(now)  # changed by more than a step in one or two entries
            moved.append(("param", i, *hit))
        return moved[0] if len(moved) == 1 else None

    def _opposite_move(self, now: list[np.ndarray]) -> tuple | None:
        """A move of the weights by a small step in many entries whose exact opposite was seen before.

        An update moves the weights once, in one direction; online updates move them further each time.
        Only a central difference goes out along a direction and back along its opposite.
        """
        if len(self.directions) >= MAX_INSPECTED or any(n.shape != b.shape for n, b in zip(now, self.base)):
            return None
        d = np.concatenate([(np.asarray(n, dtype=float) - b).ravel() for n, b in zip(now, self.base)])
        scale = np.concatenate([np.maximum(1.0, np.abs(b)).ravel() for b in self.base])
        if np.count_nonzero(d) <= 2 or np.any(np.abs(d) > PERTURBATION_RTOL * scale):
            return None
        way = d / np.linalg.norm(d)
        here, back = direction_key(way), direction_key(-way)
        self.directions.add(here)
        return ("direction", min(here, back).hex()) if back in self.directions else None

    def _args_hit(self, code, local_vars: dict) -> tuple | None:
        for arg in code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]:
            value = local_vars.get(arg)
            if type(value) in (float, np.float64, np.float32, np.longdouble):
                held = tuple(id(local_vars.get(v)) for v in code.co_freevars)  # each closure its own line
                slot = (code, getattr(code, "co_qualname", code.co_name), arg, held)
                line = self.stencils.scalar_hit(slot, float(value))
                if line is not None:
                    return line
                continue
            for key, arr in held_arrays(value, "f", sequences=False):
                slot = (code, arg, key)
                ref = self.first.setdefault(slot, arr.copy())
                hit = _small_diff(arr, ref)
                if hit is not None:
                    return (code.co_name, arg, key, *hit)
                line = self.stencils.hit((code, getattr(code, "co_qualname", code.co_name), arg, key), arr)
                if line is not None:
                    return line
        return None

    def summary(self) -> dict[str, Any]:
        """Plain-JSON evidence: calls per function, perturbed evaluations, distinct perturbed places."""
        return {
            "calls": dict(self.calls),
            "perturbed_evaluations": int(sum(self.perturbed.values())),
            "perturbed_places": len(self.where),
            "complex_places": sum(1 for w in self.where if w[0] == "complex"),
            "line_places": sum(1 for w in self.where if w[0] == "line"),
            "around_places": sum(1 for w in self.where if w[0] == "around"),
            "ray_places": sum(1 for w in self.where if w[0] == "ray"),
            "perturbed_functions": dict(self.perturbed),
        }


def _compiled_from_string(code) -> bool:
    """Code of no file (``<string>``, ``<generated>``): compiled at run time. The interpreter's frozen modules
    (``<frozen posixpath>``) are its own, never the submission's."""
    name = code.co_filename
    return name.startswith("<") and not name.startswith("<frozen ")


def _held_floats(value: Any) -> Iterator[np.ndarray]:
    """The float arrays ``value`` holds (:func:`~gradcheck.audit.basereads.held_arrays`), and the nested lists of
    Python floats it is or holds as dict values, read as arrays (a forward written in plain Python)."""
    for _, arr in held_arrays(value, "f"):
        yield arr
    listed = [value] + (list(dict.values(value)) if isinstance(value, dict) else [])
    for item in listed[:MAX_DICT_VALUES]:
        arr = nested_floats(item)
        if arr is not None:
            yield arr


def _complex_held(local_vars: dict) -> Iterator[np.ndarray]:
    """The complex arrays a frame's locals hold (:class:`~gradcheck.audit.complexstep.ComplexSteps` looks at them)."""
    return (arr for value in local_vars.values() for _, arr in held_arrays(value, "c"))


def _knob(ctx: dict, update: dict | None):
    """The learning-rate knob the first read verified (None: an argument or no update at all)."""
    from gradcheck.audit.adapters.readers.update import knobs, written_knob

    via = (update or {}).get("via")
    if not via:
        return None
    found = [*knobs(ctx["runner"], ctx["s1"]), written_knob(ctx["s1"].root)]
    return next((k for k in found if k is not None and str(k) == via), None)


def _grads_like_first(ctx, step, shape: str, lr: float) -> list[np.ndarray | None]:
    """Read the gradient of ``step`` by the rule that read the first one (``shape``)."""
    from gradcheck.audit.adapters.readers.returned import grads_from_return
    from gradcheck.audit.adapters.readers.spec_grads import grads_from_spec
    from gradcheck.audit.adapters.readers.stored import grads_stored

    runner, params, spec = ctx["runner"], ctx["params"], ctx["spec"]
    root_name = runner.t.root_name
    if shape == "spec":
        found = grads_from_spec(list(spec["grads"]), step, params, root_name)
    elif shape == "inplace-update":
        lr_used = lr if ctx.get("knob") is not None or step.arg_lr else 1.0
        if ctx.get("squared"):  # the rate applied twice (adapters.readers.squaredrate): read as the first was
            lr_used *= lr
        return [(b - a) / lr_used for b, a in zip(step.before, step.after)]
    elif shape == "returns-updated-params":
        got, _, _ = grads_from_return(step.ret, params)
        by = {g.param: (step.before[g.param] - g.data) / lr for g in got}
        return [by.get(i) for i in range(len(params))]
    elif shape in ("parameter-objects", "grads-attributes"):
        found, _ = grads_stored(step.root, params, root_name)
    else:
        found, _, _ = grads_from_return(step.ret, params, ctx.get("ret_names"))
    return _in_order(found, params)


def _in_order(found, params) -> list[np.ndarray | None]:
    by = {g.param: g.data for g in found}
    return [by.get(i) for i in range(len(params))]


def _widen(root: Any, steps: tuple) -> None:
    """A float32 parameter replaced by a float64 copy, so a step at the grader's point carries no float32 rounding.

    An in-place update of float32 weights rounds each step to float32's eps of the weights; read back as
    (before - after) / lr, that rounding lands on the small entries of the gradient at a point the
    student's own code never saw, and could be taken for a gradient not computed from the weights.
    """
    from gradcheck.audit.adapters.paths import resolve

    try:
        current = resolve(root, steps)
        if not (isinstance(current, np.ndarray) and current.dtype == np.float32):
            return
        holders = [r for r in gc.get_referrers(current) if not isinstance(r, types.FrameType)]
        if len(holders) != 1:  # held elsewhere too (a list of the same arrays): replacing it would split them
            return
        parent, (kind, key) = resolve(root, steps[:-1]), steps[-1]
        if kind == "attr":
            setattr(parent, key, current.astype(np.float64))
        elif kind == "item":
            parent[key] = current.astype(np.float64)
    except Exception:  # noqa: BLE001 - a parameter the grader cannot replace keeps its own type
        return


def _fresh_at(ctx, values: list[np.ndarray], root=None):
    """A network at ``values``: a fresh one (or ``root``, a network that has stepped before)."""
    from gradcheck.audit.adapters.paths import assign

    root = ctx["runner"].t.fresh() if root is None else root
    for p, v in zip(ctx["params"], values):
        assign(root, p.steps, np.asarray(v, dtype=float))
        _widen(root, p.steps)
    return root


def _step_at(ctx, values: list[np.ndarray], root=None):
    """The step at ``values``, on a fresh network (or on ``root``, a network that has stepped before)."""
    root = _fresh_at(ctx, values, root)
    return ctx["runner"].step(ctx["lrs"][0], ctx["s1"].columns, root=root, knob=ctx.get("knob"))


def _watched_step(ctx, values: list[np.ndarray], read) -> tuple:
    """The step at ``values`` on a fresh network and ``read(step)``, its gradient, both under the call watch.

    The gradient is read into plain float arrays before the watch ends
    (:func:`gradcheck.audit.plaingrads.plain_floats`): a returned object that computes on being read
    is watched like the backward itself. Returns the step, the gradient and the watch's summary.
    """
    from gradcheck.audit.basereads import base_snapshot
    from gradcheck.audit.hookguard import watching
    from gradcheck.audit.plaingrads import plain_floats

    runner, params, s1 = ctx["runner"], ctx["params"], ctx["s1"]
    root = runner.t.fresh()  # made before the watch: the grader's point is not in it yet
    w = CallWatch(ctx["root"], lambda: base_snapshot(root, params), [np.asarray(v, float) for v in values])
    with watching(w) as hook:  # every thread the step starts is watched; the hook cannot be switched off
        # the point is set under the watch: a setter of the submission's (a property, __setattr__, a dict's
        # __setitem__) runs when the weights cannot be copied in place, and it is the first code to see them
        _fresh_at(ctx, values, root)
        step = runner.step(ctx["lrs"][0], s1.columns, root=root, knob=ctx.get("knob"))
        grads = plain_floats(read(step))
    summary = w.summary()
    summary["watch_removed"], summary["hook_changes"] = hook["removed"], hook["changes"]
    summary["thread_cpu_ns"] = hook["thread_cpu_ns"]
    return step, grads, summary


def _encode_grads(values: list[np.ndarray | None]) -> list:
    return [None if v is None else np.asarray(v, dtype=float) for v in values]


def run_probes(ctx: dict, shape: str, seed: int, update: dict | None = None) -> dict[str, Any]:
    """Repeat at P1, step at P2 = P1 + probe_delta(seed) under the call watch; plain data for the grader.

    ``ctx`` holds what the first read used: ``runner``, ``s1``, ``params``, ``spec``,
    ``lrs`` and ``root`` (the folder holding the submission's files).
    """
    ctx = _reading(ctx, update)
    s1, params, lr = ctx["s1"], ctx["params"], ctx["lrs"][0]
    p1 = [np.asarray(v, dtype=float) for v in s1.before]
    out: dict[str, Any] = {"seed": int(seed)}
    step = _step_at(ctx, p1)
    out["repeat"] = {"grads": _encode_grads(_grads_like_first(ctx, step, shape, lr))}
    again = _step_at(ctx, p1, root=step.root)  # the same network again: state it keeps between calls shows
    out["repeat"]["same_object"] = _encode_grads(_grads_like_first(ctx, again, shape, lr))
    from gradcheck.audit.adapters.othersamples import other_samples
    from gradcheck.audit.adapters.outputs import compared_forward

    out["samples"] = other_samples(ctx, _step_at, _grads_like_first, shape, lr)  # per-sample code: more samples
    p2 = [a + d for a, d in zip(p1, probe_delta([p.shape for p in params], p1, seed))]
    step, grads, calls = _watched_step(ctx, p2, lambda s: _grads_like_first(ctx, s, shape, lr))
    out["point"] = {
        "params": [np.asarray(v, dtype=float) for v in step.before],
        "grads": grads,
        "forward": compared_forward(step.out),  # never class decisions
    }
    if out["point"]["forward"] is not None and ctx["runner"].X.shape[0] == 1:  # per-sample code: seen on several
        from gradcheck.audit.adapters.sampleforward import sample_forwards

        out["point"]["forward_samples"] = sample_forwards(ctx["runner"], step, ctx["runner"].whole)
    out["calls"] = calls
    return out


def _reading(ctx: dict, update: dict | None) -> dict:
    """``ctx`` with the learning-rate knob and rates the first read verified: a step elsewhere is read the same way."""
    read_at = (update or {}).get("lrs") if (update or {}).get("linear_in_lr") else None  # float32: larger rates
    squared = bool((update or {}).get("squared"))
    return {**ctx, "knob": _knob(ctx, update), "lrs": read_at or ctx["lrs"], "squared": squared}


def grads_at(ctx: dict, shape: str, points: list[list[np.ndarray]], update: dict | None = None) -> list:
    """The gradient the backward gives at each of ``points`` (weights, tensor by tensor), read as the first was."""
    ctx = _reading(ctx, update)
    out = []
    for values in points:
        step = _step_at(ctx, [np.asarray(v, dtype=float) for v in values])
        out.append(_encode_grads(_grads_like_first(ctx, step, shape, ctx["lrs"][0])))
    return out
