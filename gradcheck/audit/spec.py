"""The per-assignment audit spec (TOML): what auto-detection cannot infer.

Every key is optional; auto-detection fills whatever the spec omits. Unknown
keys and wrong types are errors that name the file, the key and what is
expected, so a typo never silently changes a grade.

Example (``python -m gradcheck audit --init-spec FILE`` writes a commented one)::

    [entry]
    class = "NeuralNetwork"          # or function = "train_step"
    init_args = [2, 4, 1]
    backward = "backward"

    [network]
    hidden = ["tanh"]                # activation per hidden layer; inferred from the forward pass if absent
    output = "sigmoid"

    [loss]
    name = "bce"                     # mse | bce | ce | auto (auto: read off the student's own loss)
    reduction = "mean"               # over the samples: mean | sum
    over_outputs = "mean"            # over the outputs: mean | sum (default: mean for mse/bce, sum for ce)
    half = false                     # 0.5 * MSE
    accept = [0.5]                   # uniform factors accepted as conventions (passed with a note)
    student = "MSELoss"              # the student's loss class/derivative a layer stack's backward starts from

    [data]
    n = 16
    seed = 0

    [points]
    gradient = 8
    forward = 2
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reference_nets.config import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS

#: Every section and key, with the type(s) it accepts.
SCHEMA: dict[str, dict[str, tuple[type, ...]]] = {
    "entry": {
        "file": (str,),  # Gradescope: the one file of an upload that is graded (a path inside it)
        "class": (str,),
        "function": (str,),
        "init_args": (list,),
        "init_kwargs": (dict,),
        "init_none": (list,),  # constructor parameters passed as None (TOML has no None): ["datapath"]
        "forward": (str,),
        "backward": (str,),
        "lr_arg": (str,),
        "backward_args": (dict,),  # {p = "out", t = "Y"}: what each argument of the backward is
        "run_toplevel": (bool,),
        "keep_defaults": (bool,),
        "mode": (str,),
        "cell": (int,),
        "line": (int,),
        "forward_output": (str,),
        "data_x": (str,),
        "data_y": (str,),
    },
    "network": {
        "hidden": (list, str),
        "output": (str,),
        "params": (list,),
        "grads": (list,),
        "samples_as_columns": (bool,),
        "layout": (str,),
    },
    "loss": {
        "name": (str,),
        "reduction": (str,),
        "over_outputs": (str,),
        "half": (bool,),
        "scale": (int, float),
        "accept": (list,),
        "student": (str,),
    },
    "data": {"n": (int,), "seed": (int,), "file": (str,), "n_in": (int,), "n_out": (int,)},
    "limits": {"wall_seconds": (int, float), "cpu_seconds": (int,), "memory_mb": (int,)},
    "check": {"rtol": (float,), "method": (str,)},
    "points": {"gradient": (int, float), "forward": (int, float)},
}
CHOICES = {
    ("entry", "mode"): ("auto", "script"),
    ("loss", "name"): ("auto", "mse", "bce", "ce"),
    ("loss", "reduction"): ("mean", "sum"),
    ("loss", "over_outputs"): ("mean", "sum"),
    ("network", "output"): OUTPUT_ACTIVATIONS,
    ("network", "layout"): ("auto", "in_out", "out_in"),
}

#: Numeric keys and the values they accept (low, high, low included): a typo such as
#: ``scale = 0`` would otherwise fail a whole class.
RANGES = {
    ("loss", "scale"): (0.0, math.inf, False),
    ("limits", "wall_seconds"): (0.0, 86_400.0, False),
    ("limits", "cpu_seconds"): (1, 86_400, True),
    ("limits", "memory_mb"): (16, 1_048_576, True),
    ("check", "rtol"): (0.0, 0.5, False),
    ("points", "gradient"): (0.0, math.inf, True),
    ("points", "forward"): (0.0, math.inf, True),
    ("data", "n"): (1, 1_000_000, True),
    ("data", "seed"): (0, math.inf, True),
    ("data", "n_in"): (1, math.inf, True),
    ("data", "n_out"): (1, math.inf, True),
}


class SpecError(ValueError):
    """A malformed spec; the message names the file and the key."""


@dataclass(frozen=True)
class AuditSpec:
    """A validated spec: the raw sections plus typed accessors.

    Attributes
    ----------
    sections : dict
        Validated TOML content.
    path : Path or None
        Where it came from (None for the defaults).
    """

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None

    def get(self, section: str, key: str, default: Any = None) -> Any:
        """One value, or ``default``."""
        return self.sections.get(section, {}).get(key, default)

    @property
    def loss(self) -> str:
        """Declared loss (``auto`` when absent)."""
        return self.get("loss", "name", "auto")

    @property
    def reduction(self) -> str:
        """``mean`` (default) or ``sum``."""
        return self.get("loss", "reduction", "mean")

    @property
    def scale(self) -> float:
        """Constant factor on the loss (default 1)."""
        return float(self.get("loss", "scale", 1.0))

    @property
    def accepted_factors(self) -> tuple[float, ...]:
        """Uniform gradient factors accepted as conventions."""
        return tuple(float(x) for x in self.get("loss", "accept", []))

    @property
    def hidden(self) -> tuple[str, ...] | None:
        """Declared hidden activations, or None to infer them."""
        h = self.get("network", "hidden")
        return (h,) if isinstance(h, str) else (tuple(h) if h else None)

    def worker_spec(self) -> dict[str, Any]:
        """The part of the spec the in-sandbox worker needs."""
        e, n = self.sections.get("entry", {}), self.sections.get("network", {})
        out = {
            k: v
            for k, v in {
                "entry": e.get("class") or e.get("function"),
                "init_args": e.get("init_args"),
                "init_kwargs": e.get("init_kwargs"),
                "init_none": e.get("init_none"),
                "forward": e.get("forward"),
                "backward": e.get("backward"),
                "lr_arg": e.get("lr_arg"),
                "backward_args": e.get("backward_args"),
                "run_toplevel": e.get("run_toplevel"),
                "keep_defaults": e.get("keep_defaults"),
                "params": n.get("params"),
                "grads": n.get("grads"),
                "samples_as_columns": n.get("samples_as_columns"),
                "mode": e.get("mode"),
                "cell": e.get("cell"),
                "line": e.get("line"),
                "forward_output": e.get("forward_output"),
                "data_x": e.get("data_x"),
                "data_y": e.get("data_y"),
                "loss": self.sections.get("loss", {}).get("student"),
            }.items()
            if v is not None
        }
        return out


def parse_spec(data: dict[str, Any], where: str = "spec") -> AuditSpec:
    """Validate a parsed TOML document.

    Raises
    ------
    SpecError
        Naming ``where``, the section and key, and what is accepted.
    """
    for section, body in data.items():
        if section not in SCHEMA:
            raise SpecError(f"{where}: unknown section [{section}]; valid sections: {', '.join(SCHEMA)}")
        if not isinstance(body, dict):
            raise SpecError(f"{where}: [{section}] must be a table of keys")
        for key, value in body.items():
            _check_key(where, section, key, value)
    return AuditSpec({s: dict(b) for s, b in data.items()})


def _check_key(where: str, section: str, key: str, value: Any) -> None:
    allowed = SCHEMA[section]
    if key not in allowed:
        raise SpecError(f"{where}: unknown key {key!r} in [{section}]; valid keys: {', '.join(allowed)}")
    types = allowed[key]
    if isinstance(value, bool) and bool not in types or not isinstance(value, types):
        names = " or ".join(t.__name__ for t in types)
        raise SpecError(f"{where}: [{section}] {key} must be {names}, got {type(value).__name__} ({value!r})")
    _check_range(where, section, key, value)
    choices = CHOICES.get((section, key))
    if choices and value not in choices:
        raise SpecError(f"{where}: [{section}] {key} must be one of {', '.join(choices)}, got {value!r}")
    if section == "entry" and key == "backward_args":
        _check_roles(where, value)
    if section == "entry" and key == "init_none":
        bad = [v for v in value if not (isinstance(v, str) and v.isidentifier())]
        if bad:
            raise SpecError(
                f"{where}: [entry] init_none must list the names of constructor parameters passed as None "
                f'(init_none = ["datapath"]), got {bad[0]!r}'
            )
    if section == "network" and key == "hidden":
        for act in [value] if isinstance(value, str) else value:
            if act not in HIDDEN_ACTIVATIONS:
                raise SpecError(
                    f"{where}: [network] hidden entries must be {', '.join(HIDDEN_ACTIVATIONS)}, got {act!r}"
                )


#: What an argument of the backward can be given (``[entry] backward_args``).
ARG_ROLES = ("X", "Y", "out", "dout", "cache", "lr", "params")


def _check_roles(where: str, value: dict) -> None:
    for arg, role in value.items():
        if role not in ARG_ROLES:
            raise SpecError(
                f"{where}: [entry] backward_args.{arg} must be one of {', '.join(ARG_ROLES)} "
                f"(the input, the targets, the network's output, dL/d(output), the forward's cache, the "
                f"learning rate, the parameters), got {role!r}"
            )


def _check_range(where: str, section: str, key: str, value: Any) -> None:
    bounds = RANGES.get((section, key))
    if bounds is None:
        return
    low, high, closed = bounds
    inside = math.isfinite(value) and (value >= low if closed else value > low) and value <= high
    if not inside:
        left = "[" if closed else "("
        top = "inf)" if math.isinf(high) else f"{high:.15g}]"
        raise SpecError(f"{where}: [{section}] {key} must be a finite number in {left}{low:.15g}, {top}, got {value!r}")


def load_spec(path: Path | str | None) -> AuditSpec:
    """Read and validate a spec file (None: the defaults).

    Raises
    ------
    SpecError
        For a missing file, TOML syntax errors (with line) and schema errors.
    """
    if path is None:
        return AuditSpec()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError(f"spec file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"spec file {path} cannot be read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"spec file {path} is not valid TOML: {exc}") from None
    spec = parse_spec(data, str(path))
    return AuditSpec(spec.sections, path)
