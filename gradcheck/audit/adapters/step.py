"""One forward + backward step of a target on the batch, and what it left behind."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradcheck import epsilon
from gradcheck.audit.adapters import (
    callsite,
    choiceargs,
    dataattrs,
    forwardcount,
    funcargs,
    globaldata,
    glue,
    knobs,
    labels,
    layerknob,
    loopprime,
    penaltyattrs,
    penaltyoff,
    prime,
    sampleweights,
    unreachable,
    zerograd,
)
from gradcheck.audit.adapters.calling import accepts_role, backward_fallback, bind_args, call_student, plain_params
from gradcheck.audit.adapters.heldargs import held_args
from gradcheck.audit.adapters.loss import LOSS_ARGS, find_loss, keeps_default, loss_object
from gradcheck.audit.adapters.names import NO_DROPOUT, PENALTY_NAME, PENALTY_VALUE, role_of
from gradcheck.audit.adapters.objects import student_classes, student_functions
from gradcheck.audit.adapters.outputs import network_output
from gradcheck.audit.adapters.pairarg import (
    epoch_pairs_arg,
    epoch_pairs_message,
    held_out_args,
    held_out_batch,
    held_out_data,
    pair_arg,
)
from gradcheck.audit.adapters.params import Tensor, snapshot
from gradcheck.audit.adapters.relayed import gradient_named_loss, relayed_gradient
from gradcheck.audit.adapters.returns import named_values
from gradcheck.audit.adapters.target import Target
from gradcheck.audit.heldreturn import held
from gradcheck.audit.loader import AuditError, LoadedSubmission, StudentCodeError


@dataclass
class Grad:
    """A gradient found for parameter ``param`` (index), where, and by which rule."""

    param: int
    path: str
    rule: str
    data: np.ndarray


@dataclass
class Knob:
    """Where a learning rate goes: an argument, an attribute of the root, or a module global."""

    kind: str  # "argument" | "attribute" | "layers" | "global" | "written" (a number in the update, made a global)
    name: str
    where: Any = None  # the globals dict of a "global" or "written" knob

    def __str__(self) -> str:
        if self.kind == "written":
            return "the number written in the update"
        if self.kind == "layers":
            return f"every layer's attribute {self.name}"
        return {"argument": "argument", "attribute": "attribute self.", "global": "global"}[self.kind] + (
            f" {self.name!r}" if self.kind == "argument" else self.name if self.kind == "attribute" else f" {self.name}"
        )


@dataclass
class Step1:
    """Parameters before and after one step, the backward's return value and the forward output."""

    root: Any
    before: list[np.ndarray]
    after: list[np.ndarray]
    ret: Any
    out: Any
    lr_via: str | None
    columns: bool
    output_found: str = "none"
    arg_lr: str | None = None
    extra: dict = field(default_factory=dict)
    forwards: int = 0  # the model's forward's runs within the step's call (a training loop runs it many times)


def _as_before(before: Any, after: Any) -> Any:
    """An update that rebinds a vector with a singleton axis added (``b = b - lr * delta``, a ``(3,)`` bias
    becoming ``(1, 3)``) changes no value: it is read in the parameter's own shape."""
    if not (isinstance(before, np.ndarray) and isinstance(after, np.ndarray)) or after.shape == before.shape:
        return after
    same = after.size == before.size and np.squeeze(after).shape == np.squeeze(before).shape
    return after.reshape(before.shape) if same else after


def first_array(v: Any) -> Any:
    """The first element of a returned ``(output, cache)`` tuple, else ``v``."""
    if isinstance(v, tuple) and v and isinstance(v[0], np.ndarray):
        return v[0]
    return v


class Runner:
    """Runs forward+backward steps of a target and keeps what is needed to interpret them."""

    def __init__(self, target: Target, params: list[Tensor], loaded: LoadedSubmission, spec: dict, X, Y, notes):
        self.t, self.params, self.loaded, self.spec = target, params, loaded, spec
        self.X, self.Y, self.notes = X, Y, notes
        self.form = "given"
        #: one sample handed over as 1-D vectors (``x`` of shape (n_in,)): code written with np.outer, ``W @ d``
        self.vector = False
        self.loss_name: str | None = None
        self._loss_fn = None
        self.said: set[str] = set()
        #: the penalty arguments' values, set by the penalty probe; None: a nonzero default is called at 0
        self.penalty_at: dict[str, float] | None = None
        #: penalty attributes set to 0 on each network (their values before); the probe's runs keep theirs
        self.penalty_attrs: dict[str, float] = {}
        self.penalty_attrs_kept = False
        self._resets: bool | None = None  # a class of the code has zero_grad (read once)
        self._fed: set[str] = set()  # attributes the batch was stored in (gradcheck.audit.adapters.dataattrs)

    @property
    def Y_used(self) -> np.ndarray:
        """The targets in the form the student's code was given (samples as rows)."""
        return labels.convert(self.Y, self.form)

    def _student_dout(self, out: Any, y: Any) -> Any:
        """The loss gradient: found by the grader (its errors are ours), computed by the student's code."""
        if self._loss_fn is None:
            self.loss_name, self._loss_fn = find_loss(self.t.namespace, self.loaded, self.spec, self.t.reads)
        return call_student("loss gradient", self._loss_fn, first_array(out), y)

    def batch(self, columns: bool) -> tuple[np.ndarray, np.ndarray]:
        """(X, Y) as the student's code was given them."""
        return self._data(columns)

    def _data(self, columns: bool) -> tuple[np.ndarray, np.ndarray]:
        Yf = self.Y_used
        if self.vector and np.shape(Yf)[1:] == (1,) and any(p.shape == () for p in self.params):
            return self.X[0].copy(), np.float64(Yf[0][0])  # one output, its bias a number: the target is one too
        if self.vector:
            return self.X[0].copy(), Yf[0].copy()
        if columns:
            return self.X.T.copy(), labels.as_columns(Yf)
        return self.X.copy(), Yf.copy()

    def _set_knob(self, root: Any, knob: Knob | None, lr: float) -> None:
        if knob is None or knob.kind == "argument":
            return
        if knob.kind == "attribute":
            layerknob.set_with_copies(root, knob.name, lr)
        elif knob.kind == "layers":
            layerknob.set_rate(root, knob.name, lr)
        else:
            (knob.where if knob.where is not None else self.t.namespace)[knob.name] = lr

    def step(self, lr: float, columns: bool, root: Any = None, knob: Knob | None = None) -> Step1:
        """One forward and one backward on a fresh root (or ``root``); the lr goes through ``knob``.

        An error says whether the forward had run (``past_forward``): one raised in the forward may
        be the grader's wrong guess of the layout or sizes, not the code's error (``layout.furthest``).
        """
        self._forward_ran = False
        try:
            return self._step(lr, columns, root, knob)
        except (StudentCodeError, AuditError) as exc:
            exc.past_forward = self._forward_ran
            raise

    def _step(self, lr: float, columns: bool, root: Any, knob: Knob | None) -> Step1:
        t = self.t
        if root is None:
            if t.orient is not None:
                t.orient(columns)
            root = t.fresh()
        Xc, Yc = self._data(columns)
        before = snapshot(root, self.params)
        fwd, bfn = t.get_forward(root), t.get_backward(root)
        self._feed(root, fwd, Xc, Yc)
        if t.label == "module" and t.namespace is not None:  # back_propagation(X, ...) reading the global y
            self._said_once("global data", globaldata.feed_globals([fwd, bfn], t.namespace, Xc, Yc), globaldata.note)
        self._set_knob(root, knob, lr)
        self._penalty_attrs_off(root, (fwd, bfn))
        exact = self._offered(root, (fwd, bfn))
        params_obj = root if t.root_name == "params" else None
        n = 1 if self.vector else (Xc.shape[1] if columns else Xc.shape[0])
        out, found, named = self._forward(fwd, root, Xc, Yc, params_obj, exact, n)
        self._forward_ran = True
        out, found = self._glue(bfn, named, out, found, fwd)
        # the output as the forward gave it: the code's own loss may shift it in place (softmax's f -= max) before
        # the output is compared with a second forward's or a reference network's
        shown = np.array(out, copy=True) if isinstance(out, np.ndarray) else out
        ctx = {
            "X": lambda: Xc.copy(),
            "Y": lambda: Yc.copy(),
            "lr": lambda: lr,
            "epochs": lambda: 1,
            "batch_size": lambda: Xc.shape[1] if columns else Xc.shape[0],
            "verbose": lambda: False,
            "seed": lambda: 0,
            "penalty": lambda: PENALTY_VALUE,
            **_dropout_off(),
            **exact,
            **{f"={k}": (lambda v=v: v) for k, v in named.items()},
        }
        for name, value in (t.namespace or {}).items():  # lambd = 0.7 at module level: what its inline loss reads
            if PENALTY_NAME.match(name) and isinstance(value, (int, float)) and not isinstance(value, bool):
                ctx.setdefault(f"={name}", lambda v=value: v)
        as_dout = gradient_named_loss(bfn, LOSS_ARGS) if bfn is not None and out is not None else None
        if as_dout and not self.spec.get("backward_args"):  # backprop(self, loss): delta = loss * f'(z)
            ctx[f"={as_dout}"] = lambda: self._student_dout(out, Yc)
        for name in LOSS_ARGS:  # train(X, y, loss, epochs): the student's own loss, as the script passes it
            kept = keeps_default(bfn, name, t.namespace, self.loaded, self.spec) if bfn is not None else None
            if kept is None:
                ctx.setdefault(f"={name}", lambda: loss_object(t.namespace, self.loaded, self.spec))
            elif f"kept {name}" not in self.said:
                self.said.add(f"kept {name}")
                self.notes.append(
                    f"{t.entry()}'s {name} argument keeps its default {kept!r}: the submission has no one loss "
                    "class or derivative function to give it"
                )
        for name, value in self._penalties(bfn).items():  # loss_and_grads(params, X, y, reg=0.05): at 0
            ctx[f"={name}"] = lambda v=value: v
        raw = named.get("__ret__")
        if out is not None:
            ctx["out"] = lambda: out
            if isinstance(raw, tuple) and len(raw) >= 2:
                ctx["cache"] = lambda: raw[1] if len(raw) == 2 else raw[1:]
            elif isinstance(raw, dict):  # forward returns its caches as one dict: the output is read from it
                ctx["cache"] = lambda: raw
            ctx["dout"] = lambda: self._student_dout(out, Yc)
        if params_obj is not None:
            ctx["params"] = lambda: params_obj
        idle = prime.takes_nothing(bfn)
        if t.root_name == "self" and (idle or prime.starts_from_loss_state(bfn)):
            self._prime(root, out, Xc, Yc, "takes no data" if idle else "starts from what its loss object stored")
        elif t.root_name == "self" and loopprime.needed(type(root), t.forward_name, t.backward_name):
            self._prime(root, out, Xc, Yc, "reads what the loss its training loop calls first stores")
        pair = pair_arg(bfn)
        if pair:  # backprop(self, data): x, y = data[0], data[1]
            ctx[f"={pair}"] = lambda: (Xc.copy(), Yc.copy())
            for other in held_out_args(bfn, pair):  # train(self, train, valid): evaluated on after the step
                ctx[f"={other}"] = lambda: held_out_batch(Xc, Yc, columns)
        for name, role in held_out_data(bfn).items():  # fit(self, X, y, X_val, y_val): evaluated on, never stepped
            ctx.setdefault(f"={name}", lambda i="XY".index(role): held_out_batch(Xc, Yc, columns)[i])
        given = self.spec.get("backward_args")
        relayed = relayed_gradient(bfn) if "dout" in ctx and not given else None
        if relayed and f"={relayed}" not in ctx:  # Compose.backward(self, x): x = layer.backward(x), the gradient
            ctx[f"={relayed}"] = ctx["dout"]
        self._sample_weights(bfn, ctx, Yc, columns, given)
        self._selectors(bfn, ctx, given)
        if not given and (listed := epoch_pairs_arg(bfn)):  # train(self, patterns): epochs of per-pair updates
            raise AuditError(epoch_pairs_message(t.entry(), listed), where="calling the backward", type_="BindingError")
        fallback = backward_fallback(bfn, ctx, given)
        try:
            a, k, used = bind_args(bfn, ctx, fallback, t.entry(), lr_arg=self.spec.get("lr_arg"), given=given)
        except AuditError:
            funcs = student_functions(t.namespace, self.loaded) if t.namespace is not None else {}
            lone = unreachable.lone_backward(bfn, ctx, fwd is not None, t.entry(), funcs)
            if lone is None:
                raise
            raise AuditError(lone, where="calling the backward", type_="LoneBackward") from None
        self._zero_grad(root)
        with forwardcount.counting(root if t.root_name == "self" else None, t.forward_name) as forwards:
            ret, after = held(  # copied before any other code of the submission's can run (gradcheck.audit.heldreturn)
                lambda: _loss_first(call_student("backward", bfn, *a, **k)),
                lambda: [_as_before(b, x) for b, x in zip(before, snapshot(root, self.params))],
            )
        arg_lr = accepts_role(bfn, "lr", self.spec.get("lr_arg")) if "lr" in used else None
        via = str(knob) if knob is not None else (f"argument {arg_lr!r}" if arg_lr else None)
        named.pop("__ret__", None)
        return Step1(root, before, after, ret, shown, via, columns, found, arg_lr, named, forwards[0])

    def _sample_weights(self, bfn, ctx: dict, Yc: np.ndarray, columns: bool, given: dict | None) -> None:
        """``compute_grads(X, y, sw)``: positive random weights for a per-sample weight argument (said once)."""
        found = {k: v for k, v in sampleweights.weight_args(bfn).items() if k not in (given or {})}
        for name, one_d in found.items():
            ctx.setdefault(f"={name}", lambda one_d=one_d: sampleweights.sample_weights(Yc, columns, one_d))
        if found and "sample weights" not in self.said:
            self.said.add("sample weights")
            self.notes.append(sampleweights.note(list(found), self.t.entry()))

    def _selectors(self, bfn, ctx: dict, given: dict | None) -> None:
        """``_back_prop(self, loss_method, y, ...)`` comparing ``loss_method`` with ``'MSE'``: that string (said
        once)."""
        bound = {*(given or ()), *(k[1:] for k in ctx if isinstance(k, str) and k.startswith("="))}
        for name, choice in choiceargs.selectors(bfn, skip=bound).items():
            ctx[f"={name}"] = lambda choice=choice: choice
            if f"selector {name}" not in self.said:
                self.said.add(f"selector {name}")
                said = f"argument {name} = {choice!r} given (the code compares it with that string)"
                self.notes.append(f"{self.t.entry()}: {said}")

    def _zero_grad(self, root: Any) -> None:
        """Reset gradients the backward adds into, as the code's training does (said once)."""
        if self._resets is None:
            ns = self.t.namespace
            self._resets = zerograd.has_zero_grad(student_classes(ns, self.loaded) if ns is not None else [])
        how = zerograd.reset_grads(root, self.params, self._resets)
        if how and "zero_grad" not in self.said:
            self.said.add("zero_grad")
            self.notes.append(f"the backward adds into .grad: {how} before each backward, as the code's training does")

    def _penalty_attrs_off(self, root: Any, fns: tuple) -> None:
        """``self.reg = 0.01`` kept by the constructor set to 0 on this network (the probe's runs, and the run again
        with every penalty as the code sets it, ``[entry] keep_defaults``, keep theirs)."""
        if self.penalty_attrs_kept or self.t.root_name != "self" or self.spec.get("keep_defaults"):
            return
        found = penaltyattrs.switched_off(root, fns)
        if found and not self.penalty_attrs:  # every network made from now on has it at 0 (the own loss's too)
            self.t.fresh = penaltyattrs.made_off(self.t.fresh, found)
        self.penalty_attrs.update(found)
        if found and "penalty attrs" not in self.said:
            self.said.add("penalty attrs")
            self.notes.append(penaltyattrs.note(self.t.entry(), found))

    def _penalties(self, bfn) -> dict[str, float]:
        """The penalty arguments given outright: the probe's, else 0 for a loss-and-grads one's nonzero default."""
        if self.penalty_at is not None:
            return self.penalty_at
        found = penaltyoff.defaulted_penalties(bfn)
        if found and "penalty off" not in self.said:
            self.said.add("penalty off")
            self.notes.append(penaltyoff.note(self.t.entry(), found))
        return dict.fromkeys(found, 0.0)

    def _function_args(self) -> dict:
        """Function-valued arguments as the submission's own top-level calls pass them (said once)."""
        if not hasattr(self, "_funcargs"):
            stmts = getattr(self.loaded, "stmts", None) or []
            found = funcargs.function_args(stmts, self.t.namespace) if self.t.namespace is not None else {}
            self._funcargs = {k: v for k, v in found.items() if k not in LOSS_ARGS}
            if self._funcargs:
                self.notes.append(
                    f"arguments given as the code's own first call passes them: {funcargs.described(self._funcargs)}"
                )
        return self._funcargs

    def _glue(self, fn, named: dict, out: Any, found: str, fwd=None) -> tuple[Any, str]:
        """Add to ``named`` what the code computes between its forward and ``fn`` (``probs = softmax(scores)``)."""
        wanted = {p.name for p in plain_params(fn)} - set(named) if fn is not None else set()
        if wanted and fwd is not None and isinstance(named.get("__ret__"), np.ndarray):  # one array returned:
            named.update(self._placed(fwd, fn, named["__ret__"], wanted))  # P = evaluate(X, W); grads(X, Y, P, W)
            return out, found
        if not wanted or not isinstance(named.get("__ret__"), tuple):
            return out, found
        placed = self._placed(fwd, fn, named["__ret__"], wanted)
        named.update(placed)
        wanted -= set(placed)
        made = glue.replay(self.loaded.stmts, student_functions(self.t.namespace, self.loaded), named, wanted)
        named.update(made)
        turned = glue.output_from_glue(made, out)
        if turned is None:
            return out, found
        if "glue" not in self.said:
            self.said.add("glue")
            source = found.split()[-1]
            self.notes.append(f"the network's output is {turned[0]}, made from the forward's {source} as the code does")
        return turned[1], f"glue {turned[0]}"

    def _placed(self, fwd, fn, ret: Any, wanted: set[str]) -> dict[str, Any]:
        """The forward's returned values the code's own backward call places positionally (said once)."""
        tree = ast.Module(body=list(self.loaded.stmts), type_ignores=[])
        placed = {k: v for k, v in callsite.positional(tree, fwd, fn, ret).items() if k in wanted}
        if placed and "callsite" not in self.said:
            self.said.add("callsite")
            self.notes.append(
                f"the forward's returned values passed as the code's own call passes them: {', '.join(sorted(placed))}"
            )
        return placed

    def _sample_axis(self, out: np.ndarray, n: int, rows: bool) -> np.ndarray:
        """The output with its samples on the batch's axis (``np.array(x, ndmin=2).T`` turns rows into columns)."""
        if out.ndim != 2 or n <= 1 or out.shape[0] == out.shape[1]:
            return out
        turned = out.shape[1] == n if rows else out.shape[0] == n
        if turned and "transposed" not in self.said:
            self.said.add("transposed")
            self.notes.append(
                "the code turns its samples from "
                + ("rows into columns" if rows else "columns into rows")
                + " itself: its output is read the other way round"
            )
        return out.T if turned else out

    def _said_once(self, key: str, written: list[str], say: Callable[[list[str]], str]) -> None:
        """The note ``say(written)`` when anything was written, once per audit (``key``)."""
        if written and key not in self.said:
            self.said.add(key)
            self.notes.append(say(written))

    def _feed(self, root: Any, fwd, Xc: np.ndarray, Yc: np.ndarray) -> None:
        """A forward taking no data: the batch stored where the code's training method stores it (said once)."""
        if self.t.root_name != "self":
            return
        written = dataattrs.feed(root, fwd, Xc, Yc, self._fed)
        note = (
            f"{self.t.entry()}'s forward takes no data: the batch was stored as {', '.join(written)} first, "
            "where the code's own training method stores it"
        )
        if written and note not in self.notes:  # (said once, whichever runner of the audit stored it)
            self.notes.append(note)
        self._fed.update(written)

    def _prime(self, root: Any, out: Any, Xc: np.ndarray, Yc: np.ndarray, why: str) -> None:
        """Run the loss the model holds before a backward that reads the loss's state (``why`` says how)."""
        t = self.t
        values = {"X": Xc, "Y": Yc, "out": first_array(out)}
        source = loopprime.run(root, t.label, t.forward_name, t.backward_name, values)
        if source is None:
            skip = {n for n in (t.backward_name, t.forward_name) if n}
            source = prime.run_loss(root, t.label, skip, first_array(out), Xc, Yc)
        if source and "primed" not in self.said:
            self.said.add("primed")
            self.notes.append(f"{t.entry()} {why}: {source}() was run on the batch first, as a training step does")

    def _offered(self, root: Any, fns) -> dict[str, Callable[[], Any]]:
        """Values offered by exact argument name: the target's (``W1``), the functions the code's own call passes
        (``forward(X, act)``) and, for ``fns``, the weights the object holds (``feed_forward_pass(x, w)``)."""
        t = self.t
        exact = {f"={k}": (lambda v=v: v) for k, v in (t.extra_args(root) if t.extra_args else {}).items()}
        for k, v in self._function_args().items():
            exact.setdefault(f"={k}", lambda v=v: v)
        for fn in fns:
            for k, v in held_args(fn, root, self.params, exact).items():
                exact.setdefault(k, v)
        return exact

    def forward_state(self, columns: bool, root: Any = None) -> tuple[Any, Any, dict]:
        """A fresh root (or ``root``) after one forward on the batch: (root, output, values offered by name).

        The names are the parameters the target offers (``W1``, ``weights``) and the
        values the forward returns (``A2``): what a student's loss may be called with.
        """
        t = self.t
        if t.orient is not None:
            t.orient(columns)
        root = t.fresh() if root is None else root
        Xc, Yc = self._data(columns)
        exact = self._offered(root, (t.get_forward(root), t.get_backward(root)))
        params_obj = root if t.root_name == "params" else None
        n = Xc.shape[1] if columns else Xc.shape[0]
        self._feed(root, t.get_forward(root), Xc, Yc)
        out, _, named = self._forward(t.get_forward(root), root, Xc, Yc, params_obj, exact, n)
        out, _ = self._glue(t.get_backward(root), named, out, "", t.get_forward(root))
        named.pop("__ret__", None)
        for name, one_d in sampleweights.weight_args(t.get_backward(root)).items():  # the backward's weights
            named.setdefault(name, sampleweights.sample_weights(Yc, columns, one_d))
        values = {k[1:]: v() for k, v in exact.items()}
        values.update(named)
        return root, out, values

    def _forward(self, fwd, root, Xc, Yc, params_obj, exact, n) -> tuple[Any, str, dict]:
        """(network output, how found, the forward's named returned values)."""
        if fwd is None:
            return None, "none", {}
        # (a forward's training flag on: in its other mode it keeps nothing for the backward to read)
        ctx = {"X": lambda: Xc.copy(), "training": lambda: True, **_dropout_off(), **exact}
        if not self.t.forward_drops_y:
            ctx["Y"] = lambda: Yc.copy()
            for p in plain_params(fwd)[1:]:  # forward(self, x, output_vector): an "output" it is given is the target
                if role_of(p.name) == "out":
                    ctx.setdefault(f"={p.name}", ctx["Y"])
        if params_obj is not None:
            ctx["params"] = lambda: params_obj
        a, k, used = bind_args(fwd, ctx, ["X"], self.t.forward_path() or "forward", spec_hint="[entry] forward")
        dropped = [r for r in NO_DROPOUT if r in used]
        for r in dropped:
            knobs.turned_off(r, None)
        if dropped and "dropout" not in self.said:
            self.said.add("dropout")
            given = ", ".join(f"{r} = {NO_DROPOUT[r]:g}" for r in dropped)
            self.notes.append(
                f"dropout off while checking ({given}): the gradient is checked without dropout, "
                "so the mask's own backward is not"
            )
        ret = call_student("forward", fwd, *a, **k)
        out, found = network_output(fwd, ret, root, n)
        if out is None and self.vector and "Y" not in used and _real_scalar(ret):
            out, found = np.reshape(np.asarray(ret, dtype=float), (1,)), "returned scalar (the one output)"
        if self.t.output_of is not None:
            out = self.t.output_of(root, ret)
        if isinstance(out, np.ndarray):  # a copy: backward may edit the array in place (probs[range(N), y] -= 1)
            # (a traced output stays traced: the student's loss after it may guard a log, gradcheck.epsilon)
            kept = isinstance(out, epsilon.traced_type())
            decided = out.dtype.kind in "biu"  # class decisions keep their dtype: told apart (outputs.thresholded)
            out = np.array(out, dtype=None if decided else float, copy=True, subok=kept)
            out = self._sample_axis(out, n, Xc.shape[0] == n)
        named = named_values(fwd, ret)
        named["__ret__"] = ret
        return out, found, named


def _loss_first(ret: Any) -> Any:
    """``(grads, cost)`` (Coursera's ``propagate``) as ``(cost, grads)``, the order the readers take a loss in."""
    if isinstance(ret, tuple) and len(ret) == 2 and isinstance(ret[0], dict) and _real_scalar(ret[1]):
        return ret[1], ret[0]
    return ret


def _real_scalar(v: Any) -> bool:
    """A single real number (``return sigmoid(w2 @ h + b2)`` on one sample: a numpy or Python float)."""
    return isinstance(v, (float, np.floating)) or (isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind == "f")


def _dropout_off() -> dict[str, Any]:
    """Dropout's knobs (``keep_prob``, ``dropout``) as a caller offers them: nothing dropped (none offered when the
    code's own values are kept: :func:`gradcheck.audit.adapters.knobs.kept`)."""
    return {} if knobs.kept() else {role: (lambda v=v: v) for role, v in NO_DROPOUT.items()}
