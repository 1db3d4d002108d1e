"""A student's folder of one network file and the data-loading, plotting and test scripts beside it.

Course folders hand in ``network.py`` next to ``load_images.py``, ``load_labels.py`` or
``mnist_loader.py``: scripts that read the data set and define no network. None imports
the other (the loaders are run by hand, or by a notebook not handed in), so by its
imports alone the folder would be a folder of submissions, and each loader would be
audited as a student's file with no model in it. The same goes for a course's test files
handed in beside the network (``test_model.py``, ``forward.py`` defining only
``forward_propagation_test_case()``). A folder whose code files are one file with network
code and only such helpers is one student's project instead.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Stems of data-loading and plotting scripts (``load_images``, ``mnist_loader``, ``read_data``, ``utils``).
HELPER_STEM = re.compile(
    r"^(load|read|download|fetch|get_?data|data|dataset|datasets|mnist|util|utils|helpers?|plot|plots|plotting|visuali[sz]e)"
    r"(_|$|[A-Z])|(_|^)(loader|loaders|data|dataset|utils?|helpers?|labels|images)$",
)
#: Words of definitions' names that make a file network code (``def backprop``, ``def train_step``,
#: ``def feedforward``): the forward, backward and training vocabulary of
#: :mod:`gradcheck.audit.adapters.names`, as words (this module is read before any submission is
#: loaded, and stays free of the adapters).
NETWORK_WORDS = {
    "backward", "backprop", "backpropagation", "backpropagate", "forward", "feedforward", "propagate",
    "gradient", "gradients", "grad", "grads", "train", "fit", "predict", "query", "step", "update",
    "sgd", "network", "layer", "model", "loss", "cost", "prop",
}  # fmt: skip
_DEF = re.compile(r"^[ \t]*(class|def)[ \t]+([A-Za-z_]\w*)", re.M)  # ([ \t]: \s crosses lines, quadratic in blank ones)
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
#: Words of a forward pass's name and of a backward pass's (a file or class defining both holds a network).
FORWARD_WORDS = frozenset({"forward", "feedforward", "predict", "propagate", "query"})
BACKWARD_WORDS = frozenset(
    {"backward", "backprop", "backpropagation", "backpropagate", "gradient", "gradients", "grad", "grads"}
)


def name_words(name: str) -> set[str]:
    """The words of a name (``backward_pass`` -> backward, pass; ``trainNet`` -> train, net), lowercase, and the
    name whole with its underscores dropped (``back_prop`` -> backprop, ``feed_forward`` -> feedforward)."""
    return {w.lower() for w in _WORD.findall(name)} | {name.lower().replace("_", "")}


def defines_network(source: str) -> bool:
    """Whether code defines a class, or a function whose name has a forward, backward or training word.

    Read line by line, so that a file that does not parse (Python 2) is judged too.
    """
    for kind, name in _DEF.findall(source):
        if kind == "class" or {w.lower() for w in _WORD.findall(name)} & NETWORK_WORDS:
            return True
    return False


def is_test_scaffolding(path: Path, source: str) -> bool:
    """A course's test file beside the student's code: named ``test_*``/``*_test``, or defining only
    test-case makers (``def forward_propagation_test_case():``, as deeplearning.ai's ``testCases`` do)."""
    if path.stem.startswith("test_") or path.stem.endswith("_test"):
        return True
    names = [name for _, name in _DEF.findall(source)]
    return bool(names) and all(n.endswith("_test_case") or n.endswith("_test_cases") for n in names)


def is_helper(path: Path, source: str) -> bool:
    """A data-loading or plotting script (named like one and defining no network), or test scaffolding."""
    return (bool(HELPER_STEM.search(path.stem)) and not defines_network(source)) or is_test_scaffolding(path, source)


def one_network_with_helpers(files: list[Path], source_of) -> bool:
    """Exactly one code file with a network and at least one helper script, and nothing else."""
    helpers = [f for f in files if is_helper(f, source_of(f))]
    return bool(helpers) and len(files) - len(helpers) == 1
