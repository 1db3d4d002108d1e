"""``gradcheck audit --init-spec FILE``: a commented spec written from one submission.

The submission is run once in the sandbox like any audit; what auto-detection
found (entry point, parameter and gradient names, layout, activations, loss)
is written down as a spec the instructor can read, correct and reuse for the
whole class.
"""

from __future__ import annotations

import json
from pathlib import Path

from gradcheck.audit.batch import limits_for, run_worker
from gradcheck.audit.spec import AuditSpec


def _toml(value) -> str:
    return json.dumps(value)  # TOML strings, numbers and arrays of them are JSON-compatible


def render_spec(path: Path, result: dict, network: str | None, loss: str | None) -> str:
    """The commented TOML text for one worker result."""
    params = [p["name"] for p in result.get("params", [])]
    grads = {g["param"]: g.get("path", "") for g in result.get("grads", [])}
    entry = (result.get("entry") or "").split(".")[0]
    hidden, output = None, None
    if network and "|" in network:
        acts, output = network.split(" ", 1)[1].split("|")
        hidden = acts.split(",")
    lines = [
        f"# gradcheck audit spec, written from {path.name} by `gradcheck audit --init-spec`.",
        "# Every key is optional: delete what auto-detection gets right, correct what it gets wrong.",
        "",
        "[entry]",
        f"# detected shape: {result.get('shape')}; called: {result.get('entry')}",
        f"class = {_toml(entry)}" if entry else '# class = "NeuralNetwork"   # or function = "train_step"',
        "# init_args = []                 # constructor arguments, if the defaults do not fit the data",
        "",
        "[network]",
        f"params = {_toml(params)}   # in layer order",
        f"# gradients found at: {', '.join(f'{k} <- {v}' for k, v in grads.items())}",
        f"hidden = {_toml(hidden)}" if hidden else '# hidden = ["sigmoid"]',
        f"output = {_toml(output)}" if output else '# output = "sigmoid"',
        f"samples_as_columns = {str(bool(result.get('samples_as_columns'))).lower()}",
        "",
        "[loss]",
        f"name = {_toml(loss.split()[0])}" if loss else 'name = "auto"',
        'reduction = "mean"              # mean | sum over the batch',
        "# accept = [0.5]                 # uniform gradient factors accepted as conventions",
        "",
        "[data]",
        "n = 16                           # samples in the checked batch (seeded)",
        "seed = 0",
        "",
        "[points]",
        "gradient = 1                     # split evenly over the tensors",
        "forward = 0",
        "",
    ]
    return "\n".join(lines)


def write_spec(path: Path, target: Path, spec: AuditSpec) -> Path:
    """Audit ``path`` once and write the spec it suggests to ``target``."""
    from gradcheck.audit.batch import _judge_box, reproduce_command

    box, result, data, failure = run_worker(path, spec, limits=limits_for(spec))
    if result is None or not result.get("ok"):
        why = failure or (result or {}).get("error", {}).get("message") or (box.reason if box else "no result")
        raise ValueError(f"cannot write a spec from {path}: {why}")
    graded = _judge_box(box, result, data, spec, 0, {"path": str(path), "command": reproduce_command(path, spec)})
    network = graded.forward.network if graded.forward else None
    target = Path(target)
    target.write_text(render_spec(path, result, network, graded.loss), encoding="utf-8")
    return target
