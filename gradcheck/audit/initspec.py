"""``gradcheck audit --init-spec FILE``: a commented spec written from one submission, always.

The submission is run once in the sandbox like any audit. What auto-detection
found (entry point, parameter and gradient names, layout, activations, loss,
sizes) is written down as a spec the instructor can read, correct and reuse for
the whole class. What it could not infer, above all when the audit stopped,
becomes ``# TODO`` lines naming the key to set and why; the file is valid TOML
either way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from gradcheck.audit.ownloss import OWN_LOSS
from gradcheck.printable import one_line

#: What to set when the audit stopped with an error of this type.
TODOS: dict[str, list[str]] = {
    "EntryNotFound": [
        '[entry] class = "..."  or  function = "..."   # the model class, or the backward function',
    ],
    "AmbiguousEntry": ['[entry] class = "..."   # several classes could be the model: name it'],
    "NeedsSizes": ["[data] n_in = ...  and  n_out = ...   # the assignment's input and output sizes"],
    "ConstructorArguments": ["[entry] init_args = [...]   # the constructor's (or initializer's) arguments"],
    "ParamsNotFound": ['[network] params = ["...", ...]   # where the weights and biases are, in layer order'],
    "GradsNotFound": ['[network] grads = ["...", ...]   # where backward leaves the gradients, in params order'],
    "LossNotFound": ['[loss] student = "..."   # the loss class or derivative function the backward starts from'],
    "AmbiguousLoss": ['[loss] student = "..."   # which of the student\'s losses the backward starts from'],
    "BindingError": ['[entry] backward = "..."   # the backward method or function to call'],
    "DataSizes": ["[data] n_in = ...  and  n_out = ...   # the assignment's input and output sizes"],
    "SpecError": ["fix the key the error names"],
    "LoneBackward": ['[entry] forward = "..."   # the forward the backward belongs to (or audit the folder with both)'],
}
GENERIC_TODO = ['[entry] class = "..."  or  function = "..."   # then rerun --init-spec to fill the rest']


#: The note of :mod:`gradcheck.audit.adapters.nodatafile`: a constructor made with its data path given as None.
_MADE_WITH_NONE = re.compile(r"made with (\w+(?:=None, \w+)*)=None, as its code allows")
#: A constructor that failed opening a data file (:mod:`gradcheck.audit.adapters.inventedargs`).
_OPENS_FILE = re.compile(r"the constructor opens '[^']*'")
NONE_TODO = (
    '[entry] init_none = ["..."]   # the constructor parameter whose None skips reading the data file (TOML '
    "has no None)"
)


def _none_lines(result: dict) -> list[str]:
    """``init_none`` written as the audit made the object: a data path given as None (the spec then says so)."""
    said = [m.group(1) for n in result.get("notes") or [] if (m := _MADE_WITH_NONE.search(str(n)))]
    names = [name.strip() for made in said for name in re.split(r"=None,", made)]
    if not names:
        return []
    listed = ", ".join(_toml(n) for n in dict.fromkeys(names))
    return [f"init_none = [{listed}]   # passed as None: the constructor would open a data file not handed in"]


def _todos(kind: str, error: str) -> list[str]:
    """The TODO lines for an error: the key it names itself, none when no key can help, else by its type."""
    if "No spec setting" in error:  # the messages of adapters.unreachable: the code itself must change
        return ["no spec key can fix this: the code itself must change (the error above says how)"]
    if kind == "ConstructorArguments" and _OPENS_FILE.search(error):
        return [NONE_TODO, *TODOS[kind]]
    named = re.search(r"set (\[entry\] backward_args = \{[^}]*\})", error)
    if named:
        return [f"{named.group(1)}   # each argument's role: X, Y, out, dout, cache, lr or params"]
    return TODOS.get(kind, GENERIC_TODO)


def _toml(value) -> str:
    return json.dumps(value)  # TOML strings, numbers and arrays of them are JSON-compatible


def _entry_lines(result: dict, defined: set[str]) -> list[str]:
    entry = result.get("entry") or ""
    head, _, method = entry.partition(".")
    lines = [f"# detected shape: {result.get('shape')}; called: {entry or 'nothing'}"]
    if not entry or not head.isidentifier():
        return lines + ['# class = "NeuralNetwork"   # or function = "backward"']
    if result.get("shape") == "script":
        return lines + ["# a script: its weights and gradients are named in [network] params / grads"]
    if head not in defined:  # ``net``, ``loss_activation``: an object the code's own top-level code makes
        return lines + [
            f"# {head} is an object the code's own top-level code makes, not a class or function it defines:",
            "# auto-detection finds it again ([entry] class names only a class the code defines)",
        ]
    key = "class" if method and result.get("shape") != "script" else "function"
    lines.append(f"{key} = {_toml(head)}")
    if key == "class" and method.isidentifier() and method != "backward":  # ``learn``, ``train``: not the default
        lines.append(f"backward = {_toml(method)}")
    if key == "function" and result.get("forward_path"):
        lines.append(f"forward = {_toml(result['forward_path'])}")
    return lines


def _invented(notes: list[str]) -> tuple[int, int] | None:
    for n in notes:
        m = re.match(r"no data and no sizes given: (\d+) inputs and (\d+) output", n)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


def _data_lines(result: dict) -> list[str]:
    lines = ["n = 16                           # samples in the checked batch (seeded)", "seed = 0"]
    invented = _invented(result.get("notes", []))
    if invented:
        lines.append(
            f"# TODO: [data] n_in = {invented[0]} and n_out = {invented[1]} were invented (no sizes in the code); "
            "set the assignment's to check at its own sizes"
        )
    return lines


def _network_lines(result: dict, network: str | None, open_output: bool = False) -> list[str]:
    params = [p["name"] for p in result.get("params", [])]
    grads = {g["param"]: g.get("path", "") for g in result.get("grads", [])}
    hidden, output = None, None
    if network and "|" in network:
        acts, output = network.split(" ", 2)[1].split("|")
        hidden = [a for a in acts.split(",") if a]  # none: one layer of weights (depth 0)
    lines = [f"params = {_toml(params)}   # in layer order" if params else '# params = ["W1", "b1", "W2", "b2"]']
    if grads:
        lines.append(f"# gradients found at: {', '.join(f'{k} <- {v}' for k, v in grads.items())}")
    if output and open_output:  # declared, the activations would settle the loss the audit left open
        return lines + [
            f"# hidden = {_toml(hidden)}",
            f"# output = {_toml(output)}   # as checked; the code does not say which output (and loss) it means",
            *_orientation(result),
        ]
    if hidden == []:
        lines.append("# hidden = []   # no hidden layer: one layer of weights (logistic, softmax or linear regression)")
    else:
        lines.append(
            f"hidden = {_toml(hidden)}" if hidden else '# hidden = ["sigmoid"]   # sigmoid relu tanh leaky_relu elu'
        )
    lines.append(f"output = {_toml(output)}" if output else '# output = "sigmoid"   # identity sigmoid tanh softmax')
    return lines + _orientation(result)


def _orientation(result: dict) -> list[str]:
    if result.get("samples_as_columns") is None:
        return []
    return [f"samples_as_columns = {str(bool(result.get('samples_as_columns'))).lower()}"]


def _loss_lines(loss: str | None, assumed: bool = False, penalty: bool = False) -> list[str]:
    """The [loss] lines: what the gradient was checked against, set only where declaring it keeps the audit's verdict.

    ``name = "auto"`` stays where a declared loss would judge another one: a log-likelihood the student
    maximizes (only auto keeps its sign), a loss whose L2 penalty was read off the student's own code
    (no key declares it) and a loss no code named (``assumed``: the fit is written commented, for the
    instructor to confirm; declaring the loss the gradient fits would pass a wrong gradient that fits another).
    """
    if not loss:
        return ['name = "auto"                    # mse | bce | ce | auto (read off the student\'s own loss)']
    if loss.startswith(OWN_LOSS):  # none the reference models: checked against the code's own (ownloss.py)
        return [
            'name = "auto"                    # read off the student\'s own loss, which no [loss] name declares:',
            f"#                                 the backward was checked against {loss[len(OWN_LOSS) :]}",
        ]
    if loss.startswith("-"):  # a log-likelihood the student maximizes: only auto keeps its sign
        return [
            'name = "auto"                    # read off the student\'s own loss: a log-likelihood they maximize,',
            f"#                                 checked as {loss[1:]} with the sign flipped",
        ]
    name, _, rest = loss.partition(" ")
    parts = rest.strip("()").split(", ") if rest else ["mean"]
    lines = [f"name = {_toml(name)}", f"reduction = {_toml(parts[0])}              # over the samples: mean | sum"]
    for part in parts[1:]:
        if part.endswith("over outputs"):
            lines.append(f"over_outputs = {_toml(part.split()[0])}")
        elif part == "half":
            lines.append("half = true                      # 0.5 * MSE")
    if penalty:
        return [
            'name = "auto"                    # read off the student\'s own loss: the data loss below plus their L2',
            "#                                 penalty, which no key declares (a declared name judges it without)",
            *(f"# {line}" for line in lines),
        ]
    if assumed:
        return ['name = "auto"', *(f"# {line}" for line in lines), ACCEPT_LINE]
    return [*lines, ACCEPT_LINE]


ACCEPT_LINE = "# accept = [0.5]                 # uniform gradient factors accepted as conventions"


#: Said above a loss the gradient fits but neither the instructor nor the code named (``lossverdict``).
LOSS_TODO = "# TODO: no loss in the code: the gradient fits the one commented below; set the assignment's loss"
#: The same, where the code defines a loss the audit could not evaluate (``softmax_loss(Z, y)`` beside an
#: ``nn_epoch`` whose output it did not find): "no loss in the code" would be false.
OWN_LOSS_TODO = (
    "# TODO: the code's {names} could not be evaluated at the audit's points: the gradient fits the one "
    "commented below; set the assignment's loss"
)


def loss_todo(defined: set[str]) -> str:
    """The TODO line above a loss the audit assumed: naming the code's own loss functions where it defines any."""
    own = sorted(n for n in defined if any(w in n.lower() for w in ("loss", "cost")) and not n[:1].isupper())
    return OWN_LOSS_TODO.format(names=", ".join(f"{n}()" for n in own[:3])) if own else LOSS_TODO


def render_spec(
    path: Path,
    result: dict,
    network: str | None,
    loss: str | None,
    error: str | None = None,
    assumed: bool = False,
    defined: set[str] | None = None,
    penalty: bool = False,
    open_output: bool = False,
) -> str:
    """The commented TOML text for one worker result (and the error that stopped the audit, if any).

    ``defined``: the classes and functions the submission defines at its files' top level (default: the
    worker's ``defined``, :mod:`gradcheck.audit.definednames`; the grader never parses a submission itself).
    """
    lines = [
        f"# gradcheck audit spec, written from {path.name} by `gradcheck audit --init-spec`.",
        "# Every key is optional: delete what auto-detection gets right, correct what it gets wrong.",
    ]
    if error:
        kind = error.split(":", 1)[0]
        lines += [f"# The audit of {path.name} stopped: {error[:300]}", "# TODO: set what it could not infer:"]
        lines += [f"# TODO: {t}" for t in _todos(kind, error)]
    defined = set(result.get("defined") or []) if defined is None else defined  # read by the worker, never here
    lines += ["", "[entry]", *_entry_lines(result, defined), "# init_args = []                 # constructor arguments"]
    lines += _none_lines(result)
    lines += ["", "[network]", *_network_lines(result, network, open_output)]
    lines += ["", "[loss]", *([loss_todo(defined)] if assumed else []), *_loss_lines(loss, assumed, penalty)]
    lines += ["", "[data]", *_data_lines(result)]
    lines += ["", "[points]", "gradient = 1                     # split evenly over the tensors", "forward = 0", ""]
    # each item is one line: a newline in the student's exception message, file name or a forged answer's
    # gradient path would end its comment, and what follows would be keys ([check] rtol = 0.5) of the spec
    return "\n".join(one_line(line) for line in lines)


def suggestion(path: Path, result: dict | None, graded, failure: str | None = None) -> tuple[str, str | None]:
    """The spec one audit run suggests: (its TOML text, why the audit stopped or None).

    ``result`` is the worker's answer (None: nothing came back), ``graded`` the verdict judged from it
    (:class:`~gradcheck.audit.submissionresult.SubmissionResult`) and ``failure`` why the sandbox ran nothing.
    Every audit writes it into its report (``suggested_spec``); ``--init-spec`` writes it to a file.
    """
    error = None
    network = loss = None
    assumed = penalty = open_output = False
    if result is None or not result.get("ok"):
        err = (result or {}).get("error") or {}
        why = failure or err.get("message") or (graded.error if graded is not None else None) or "no result"
        where = None if failure else err.get("where")  # the line of the code that raised, as the audit says it
        error = f"{err.get('type', 'Error')}: {why}" + (f" (in {where})" if where else "")
    else:
        network = graded.forward.network if graded.forward else None
        loss = graded.loss
        assumed = any(d.code in ("loss_assumed", "loss_undetermined") for d in graded.diagnoses)
        penalty = bool(graded.loss_choice and graded.loss_choice.config.l2)
        open_output = any(d.code == "loss_undetermined" for d in graded.diagnoses)
        if graded.status == "error":
            error = graded.error
    text = render_spec(path, result or {}, network, loss, error, assumed, penalty=penalty, open_output=open_output)
    return text, error
