"""Networks written as graphs of unit objects, recognised so the error says what they are.

Some courses build a network one neuron at a time::

    class Connection:
        def __init__(self, source): self.source, self.weight = source, np.random.normal()

    class Neuron:
        def __init__(self, prev_layer): self.links = [Connection(n) for n in prev_layer]
        def feed(self): self.out = sigmoid(sum(c.source.out * c.weight for c in self.links))

    class Net:
        def __init__(self, topology): self.layers = [[Neuron(...) for _ in range(k)] for k in topology]

Each weight is a number on its own object, reached through a graph the forward walks
unit by unit: no array holds a layer's weights, so there is nothing the auditor can
perturb and read as a parameter. When no shape applied, this finds such a unit class
(its name says neuron, node, unit, connection, synapse, edge or dendrite, and another
of the student's classes makes its instances in a loop or a comprehension) so the
error names it instead of a generic "no forward/backward found".
"""

from __future__ import annotations

import ast
import re
import sys

from gradcheck.audit.adapters.sources import source_tree

#: Words a class name holds when its objects are single units or links of a graph.
UNIT_WORDS = ("neuron", "node", "unit", "connection", "synapse", "edge", "dendrite", "dendron", "link")


def _is_unit(name: str) -> bool:
    low = name.lower()
    return any(w in low for w in UNIT_WORDS) and "layer" not in low and "net" not in low.replace("neuron", "")


def _made_in_loop(tree: ast.AST, name: str) -> bool:
    """Whether ``tree`` calls ``name(...)`` inside a for/while loop or a comprehension."""
    for loop in ast.walk(tree):
        if isinstance(loop, (ast.For, ast.While, ast.ListComp, ast.GeneratorExp, ast.DictComp)):
            for n in ast.walk(loop):
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name:
                    return True
    return False


def node_graph(classes: list[type]) -> tuple[list[str], list[str]] | None:
    """(unit classes, the classes that build them) when the network is a graph of unit objects, else None."""
    trees = {c.__name__: source_tree(c) for c in classes}
    units = [n for n in trees if _is_unit(n)]
    built = [u for u in units if any(t is not None and o != u and _made_in_loop(t, u) for o, t in trees.items())]
    if not built:
        return None
    builders = [o for o, t in trees.items() if t is not None and any(o != u and _made_in_loop(t, u) for u in built)]
    return built, builders


def message(units: list[str], builders: list[str]) -> str:
    """The error for a node-graph network."""
    return (
        f"the network is a graph of {' and '.join(units)} objects, made one by one by {', '.join(builders)}: each "
        "weight is a number kept on its own unit or link object, and no numpy array holds a layer's weights, so "
        "there is no parameter the auditor can perturb and read. No spec setting changes that: the code must keep "
        "each layer's weights in one numpy array (W1 of shape (n_in, n_hidden)) to be audited"
    )


#: Attribute names that link a node to the nodes it reads or feeds (``inbound_nodes``, ``parents``).
LINKS = re.compile(r"(inbound|outbound|parent|child|predecessor|successor|consumer|input_nodes|output_nodes)", re.I)


def op_graph(obj: object) -> tuple[str, list[str]] | None:
    """(base class, its node classes) when ``obj`` is a node of a computation graph the script wires
    (``Linear(X, W, b)`` keeps ``inbound_nodes``): a base of the student's whose instances keep links to
    other nodes, with two or more subclasses. None otherwise."""
    if isinstance(obj, dict) or not hasattr(obj, "__dict__"):  # a module namespace, a params dict
        return None
    for base in type(obj).__mro__[:-1]:
        kinds = [c.__name__ for c in base.__subclasses__()]
        linked = [k for k, v in vars(obj).items() if LINKS.search(k) and isinstance(v, (list, tuple, dict, set))]
        if len(kinds) >= 2 and linked:
            return base.__name__, kinds
    return None


def op_graph_message(base: str, kinds: list[str]) -> str:
    """The error for a network written as a computation graph of node objects."""
    return (
        f"the network is a computation graph of {base} objects ({', '.join(kinds[:6])}) that the script wires "
        "together and runs node by node: its weights are values fed into nodes and its gradients are kept per "
        "node, a framework of its own the auditor does not model. No spec setting changes that: the network "
        "must be a class or functions holding its weights as numpy arrays to be audited"
    )


def wired_unit(obj: object) -> str | None:
    """The class of ``obj`` when it is one unit of a graph the code wires itself (``node('sigmoid',
    childnodes=[value(1), value(0)])`` at top level): a unit-named class whose object keeps links to others."""
    if isinstance(obj, dict) or not hasattr(obj, "__dict__") or not _is_unit(type(obj).__name__):
        return None
    linked = [v for k, v in vars(obj).items() if LINKS.search(k) and isinstance(v, (list, tuple)) and v]
    return type(obj).__name__ if any(hasattr(x, "__dict__") for v in linked for x in v) else None


def graph_around(obj: object) -> tuple[list[str], list[str]] | None:
    """:func:`node_graph` over the classes the module of ``obj``'s class can see (its own and those it
    imports: ``from neuronClass import Neuron``), for a network class found by its method names."""
    module = sys.modules.get(type(obj).__module__)
    if module is None or isinstance(obj, dict):
        return None
    seen = [v for v in vars(module).values() if isinstance(v, type) and getattr(v, "__module__", "") in sys.modules]
    own = [c for c in seen if not c.__module__.startswith(("builtins", "numpy", "typing", "collections", "abc"))]
    return node_graph(own)


__all__ = [
    "LINKS",
    "UNIT_WORDS",
    "graph_around",
    "message",
    "node_graph",
    "op_graph",
    "op_graph_message",
    "wired_unit",
]
