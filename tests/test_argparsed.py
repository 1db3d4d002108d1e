"""An options argument read by attribute gets the namespace of the module's own argparse defaults.

``init_model(data, args)`` reading ``args.hidden`` was given a number (the
audit took ``args`` for a size) and raised ``'int' object has no attribute``.
The namespace is given only where the module declares every attribute read,
with a value; an argument that is data (``args.shape``) or used as a number
is left to the other rules.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from gradcheck.audit.adapters import argparsed
from gradcheck.audit.adapters.sizes import Sizes, infer_call_sizes, make_batch

SOURCE = """
import argparse
import numpy as np


def init_model(data, args):
    rng = np.random.default_rng(args.seed)
    size = args.hidden_units if not args.tiny else 2
    return rng.normal(size=(data.shape[1], size)) * args.init_scale


def reads_undeclared(data, args):
    return args.momentum


def reads_unset(data, args):
    return np.loadtxt(args.data)


def data_not_options(args):
    return args.shape[0] + 1


def handed_on(args):
    return init_model(np.zeros((2, 3)), args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--hidden-units", type=int, default=5)
    parser.add_argument("--init_scale", type=float, default=0.1)
    parser.add_argument("-s", "--seed", dest="seed", type=int, default=3)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--data")
    main_args = parser.parse_args()
"""


def _module(tmp_path):
    path = tmp_path / "options_net.py"
    path.write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("options_net", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["options_net"] = module
    spec.loader.exec_module(module)
    return module


def test_the_parser_defaults_are_read_under_their_dest(tmp_path):
    m = _module(tmp_path)
    found = argparsed.parser_defaults(m.init_model)
    assert found == {"hidden_units": 5, "init_scale": 0.1, "seed": 3, "tiny": False, "data": None}


def test_an_options_argument_gets_the_namespace_and_a_note(tmp_path):
    m = _module(tmp_path)
    notes = []
    ns = argparsed.namespace(m.init_model, "args", "init_model", notes)
    assert isinstance(ns, argparse.Namespace) and (ns.hidden_units, ns.seed, ns.tiny) == (5, 3, False)
    assert notes == [
        "init_model: args is the module's argparse namespace, given the defaults its parser declares: "
        "hidden_units=5, init_scale=0.1, seed=3, tiny=False"
    ]
    assert argparsed.namespace(m.handed_on, "args", "handed_on", []) is None  # (reads nothing of it itself)


def test_no_namespace_where_an_attribute_is_undeclared_unset_or_the_argument_is_data(tmp_path):
    m = _module(tmp_path)
    assert argparsed.namespace(m.reads_undeclared, "args", "f", []) is None
    assert argparsed.namespace(m.reads_unset, "args", "f", []) is None
    assert argparsed.namespace(m.data_not_options, "args", "f", []) is None
    assert argparsed.namespace(m.init_model, "data", "f", []) is None


def test_the_initializer_is_called_with_the_data_and_the_namespace(tmp_path):
    m = _module(tmp_path)
    X, Y = make_batch(3, 1)
    args, kwargs, notes = infer_call_sizes(m.init_model, "init_model", Sizes(3, 1), X, Y, 0.1)
    assert args[0] is X and isinstance(args[1], argparse.Namespace) and not kwargs
    assert m.init_model(*args).shape == (3, 5)
    assert notes[-1].startswith("init_model called with inferred arguments ['X', Namespace(")
