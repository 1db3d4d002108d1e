"""A constructor that opens a data file unless told not to: ``NN(datapath='cifar10.pkl')``.

Many assignment classes load their data in ``__init__`` from a path given as a default
(``datapath='cifar10.pkl'``) and skip it when that parameter is None. The sandbox holds the
submission's code, not its data, so the constructor made zero-config raises
``FileNotFoundError``. When the missing file is the default of one of the constructor's
parameters and that default names a data file (``.pkl``, ``.npz``, ``.csv``...), the
constructor is called again with that parameter given as None, and a note says so. A spec
says it outright with ``[entry] init_none = ["datapath"]`` (TOML cannot write None).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.loader import AuditError, StudentCodeError

#: How a data file's name ends (a default path a constructor opens).
DATA_SUFFIXES = (
    ".pkl",
    ".pickle",
    ".p",
    ".npz",
    ".npy",
    ".csv",
    ".tsv",
    ".txt",
    ".dat",
    ".data",
    ".gz",
    ".zip",
    ".h5",
    ".hdf5",
    ".mat",
    ".json",
    ".bin",
)


def data_path(value: object) -> bool:
    """Whether ``value`` is a string naming a data file (``'cifar10.pkl'``, ``'data/mnist.npz'``)."""
    return isinstance(value, str) and value.strip().lower().endswith(DATA_SUFFIXES)


def _same_file(opened: str, default: str) -> bool:
    if opened == default:
        return True
    return os.path.normpath(opened).endswith(os.path.normpath(default)) or os.path.basename(opened) == os.path.basename(
        default
    )


def missing_default(init: Callable, failed: BaseException, args: list, kwargs: dict) -> str | None:
    """The parameter of ``init`` whose default data path is the file the failed call could not open, when the
    call left it at its default (None: not that)."""
    orig = failed.original if isinstance(failed, StudentCodeError) else failed
    opened = getattr(orig, "filename", None) if isinstance(orig, OSError) else None
    if not isinstance(opened, (str, os.PathLike)):
        return None
    opened = os.fspath(opened)
    params = [p for p in plain_params(init) if p.name != "self"]
    for i, p in enumerate(params):
        if p.default is inspect.Parameter.empty or not data_path(p.default) or not _same_file(opened, p.default):
            continue
        given = args[i] if i < len(args) and p.kind is not p.KEYWORD_ONLY else kwargs.get(p.name, p.default)
        if given == p.default:
            return p.name
    return None


def given_none(init: Callable, names: list[str], args: list, kwargs: dict) -> tuple[list, dict]:
    """``args``/``kwargs`` with each parameter of ``names`` given as None (positionally when ``args`` reaches it)."""
    params = [p for p in plain_params(init) if p.name != "self"]
    args, kwargs = list(args), dict(kwargs)
    for name in names:
        at = next((i for i, p in enumerate(params) if p.name == name), None)
        if at is not None and at < len(args) and params[at].kind is not params[at].KEYWORD_ONLY:
            args[at] = None
        else:
            kwargs[name] = None
    return args, kwargs


def spec_none(init: Callable, cls_name: str, names: list[str], args: list, kwargs: dict) -> tuple[list, dict]:
    """``[entry] init_none``: the parameters it names given as None; a name the constructor does not take is a
    SpecError naming the key."""
    params = [p for p in plain_params(init) if p.name != "self"]
    takes = {p.name for p in params}
    open_ended = any(p.kind is p.VAR_KEYWORD for p in _all_params(init))
    unknown = [n for n in names if n not in takes]
    if unknown and not open_ended:
        raise AuditError(
            f"[entry] init_none names {', '.join(map(repr, unknown))}, which {cls_name}.__init__ does not take "
            f"(its parameters: {', '.join(p.name for p in params) or 'none'})",
            where="spec",
            type_="SpecError",
        )
    return given_none(init, names, args, kwargs)


def _all_params(fn: Callable) -> list[inspect.Parameter]:
    try:
        return list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return []


def retry_note(cls_name: str, name: str, default: str) -> str:
    """What the report says of the retry."""
    return (
        f"{cls_name}() opens {default!r} (the default of its {name!r}), a data file the submission does not "
        f"include: made with {name}=None, as its code allows (set [entry] init_none = [{name!r}] to say so)"
    )


def spec_note(cls_name: str, names: list[str]) -> str:
    """What the report says of ``[entry] init_none`` (the words --init-spec reads it back from)."""
    made = ", ".join(f"{n}=None" for n in names)
    return f"{cls_name}() made with {made}, as its code allows ([entry] init_none)"


__all__ = ["DATA_SUFFIXES", "data_path", "given_none", "missing_default", "retry_note", "spec_note", "spec_none"]
