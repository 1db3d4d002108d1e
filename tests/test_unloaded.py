"""Code that did not load, said first where no model was found (gradcheck.audit.unloaded): a Python 2 project and a
model file using a name it never imports, audited in the sandbox as handed in."""

from __future__ import annotations

import textwrap

import pytest

from gradcheck.audit import unloaded

LAYERS = """
import numpy as np


class Linear:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * 0.1
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, g):
        self.dW, self.db = self.x.T @ g, g.sum(axis=0)
        return g @ self.W.T


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, g):
        return g * (1 - self.y**2)
"""
#: The model's file uses ``Module`` from a file it never imports: its class statement fails.
MODEL = """
from layers import Linear, Tanh


class Model(Module):
    def __init__(self, sizes):
        self.layers = [Linear(sizes[0], sizes[1]), Tanh(), Linear(sizes[1], sizes[2])]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, g):
        for layer in reversed(self.layers):
            g = layer.backward(g)
"""
#: The same network in Python 2: print statements, cPickle.
PY2_MAIN = """
import cPickle
import numpy as np
from layers import Linear, Tanh


class Model(object):
    def __init__(self, sizes):
        self.layers = [Linear(sizes[0], sizes[1]), Tanh(), Linear(sizes[1], sizes[2])]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, g):
        for layer in reversed(self.layers):
            g = layer.backward(g)

    def train(self, x, y, lr):
        out = self.forward(x)
        print "loss", np.mean((out - y) ** 2)
        self.backward(2 * (out - y) / y.size)
"""

#: A data layer of the same project, in Python 3: it loads, so the audit's search meets it first; its constructor
#: needs a file's name the audit cannot invent.
DATA_LAYER = """
import numpy as np


class Data:
    def __init__(self, name, batch_size):
        self.x = np.load(name + "_x.npy")
        self.y = np.load(name + "_y.npy")
        self.batch_size = batch_size

    def forward(self):
        return self.x[: self.batch_size], self.y[: self.batch_size]

    def backward(self, d):
        pass
"""


def _project(root, files: dict[str, str]):
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    return root


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    # three students' project folders in a class folder: the folder of one student's project is one submission
    # whatever links its files (given alone, a folder is one project only when imports link every file: a data
    # layer nothing imports would be a submission of its own, as a classmate's file beside the others would be)
    base = tmp_path_factory.mktemp("unloaded")
    _project(base / "class" / "undefined_base", {"layers.py": LAYERS, "model.py": MODEL})
    _project(base / "class" / "python2_project", {"layers.py": LAYERS, "main.py": PY2_MAIN})
    _project(
        base / "class" / "python2_beside_loader", {"layers.py": LAYERS, "main.py": PY2_MAIN, "data.py": DATA_LAYER}
    )
    return audit_json([base / "class"], base / "out")


def test_a_python2_project_is_said_to_be_python2_not_missing_cpickle(audited):
    s = audited["python2_project"]
    assert s["status"] == "error"
    assert s["error"].startswith("the code is Python 2 (") and "Missing parentheses in call to 'print'" in s["error"]
    assert "main.py" in s["error"].split("):")[0] and "port it" in s["error"]


def test_a_class_left_once_the_python2_network_was_out_is_not_what_the_error_leads_with(audited):
    """The project's Python 3 data layer is all that loads: the audit cannot make it (a file's name), and that
    error followed the Python 2 files left out; the Python 2 code leads, the loader's error kept after it."""
    s = audited["python2_beside_loader"]
    assert s["status"] == "error"
    assert s["error"].startswith("the code is Python 2 (main.py:"), s["error"]
    assert "perhaps the network" in s["error"] and "(the error met: " in s["error"]


def test_a_model_class_with_an_undefined_base_is_named_before_the_layers_left_over(audited):
    s = audited["undefined_base"]
    assert s["status"] == "error"
    assert s["error"].startswith("model.py line 5 raised NameError (name 'Module' is not defined) while loading")
    assert "the error met:" in s["error"]


def test_only_an_error_that_found_no_model_is_led_by_a_load_failure():
    notes = ["model.py line 5: statement raised NameError: name 'Module' is not defined while loading; skipped"]
    assert unloaded.explain("IndexError: list index out of range", notes) == "IndexError: list index out of range"
    assert unloaded.explain(
        "EntryNotFound: no network", ["line 3: statement raised NameError: x while loading; skipped"]
    ) == ("EntryNotFound: no network")  # (a notebook's own line: not a file's definition)


def test_a_name_a_failed_import_was_to_bring_is_not_called_undefined():
    """``from tensorflow.examples.tutorials.mnist import input_data`` failed: the NameError after it is that failure's,
    said by the import's own note (and the data library's wording), never "a name the file never imports"."""
    notes = [
        "demo: demo.py line 4: statement raised ModuleNotFoundError: No module named 'tensorflow' "
        "(the names it imports: input_data) while loading; skipped",
        "demo: demo.py line 7: statement raised NameError: name 'input_data' is not defined while loading; skipped",
    ]
    error = "ParamsNotFound: models holds no layers"
    assert unloaded.explain(error, notes) == error
    alone = ["model.py line 5: statement raised NameError: name 'Module' is not defined while loading; skipped"]
    assert unloaded.explain(error, [*notes, *alone]).startswith("model.py line 5 raised NameError")


def test_a_script_asking_for_keyboard_input_is_said_to():
    error = "EOFError: EOF when reading a line (in loading (line 13))"
    said = unloaded.interactive(error)
    assert said.startswith(error) and "input()" in said and "no one to answer" in said
    assert unloaded.interactive("IndexError: list index out of range") == "IndexError: list index out of range"


def test_a_name_an_earlier_failed_statement_was_to_make_is_that_failures():
    """``sample_batches = get_data(...)`` raised FileNotFoundError (the data is not in the submission): the NameError
    of the training call after it is that failure's, not "a name the file uses without importing or defining it"."""
    notes = [
        "main: main.py line 19: statement raised FileNotFoundError: [Errno 2] No such file or directory: "
        "'./data/batch_1' while loading; skipped",
        "main: main.py line 23: statement raised NameError: name 'sample_batches' is not defined "
        "while loading; skipped",
    ]
    said = unloaded.explain("ParamsNotFound: no weight/bias arrays", notes)
    assert said.startswith("main.py line 19 raised FileNotFoundError ([Errno 2] No such file or directory:"), said
    assert "main.py line 23, which uses what the file's earlier statements make, raised NameError" in said
    assert "without importing or defining" not in said and said.endswith(
        "(the error met: ParamsNotFound: no weight/bias arrays)"
    )
    # a failure after the NameError's line, or in another file, is not its cause
    later = [notes[1], notes[0].replace("line 19", "line 30")]
    assert unloaded.explain("ParamsNotFound: x", later).startswith("main.py line 23 raised NameError")


#: A single file whose weights are sized from data it loads in a ``with`` block from a file it was not handed in with.
NPZ_SCRIPT = """
import numpy as np

with np.load("digits.npz") as f:
    pixels, digits = f["pixels"], f["digits"]
pixels = pixels.reshape(len(pixels), -1) / 16.0
sizes = pixels.shape[1], 12, 10
V = np.random.uniform(-0.5, 0.5, (sizes[1], sizes[0]))
c = np.zeros(sizes[1])
U = np.random.uniform(-0.5, 0.5, (sizes[2], sizes[1]))
d = np.zeros(sizes[2])


def step(x, t, rate=0.1):
    global V, c, U, d
    h = np.tanh(V @ x + c)
    o = U @ h + d
    e = o - t
    gh = (U.T @ e) * (1 - h**2)
    U -= rate * np.outer(e, h)
    d -= rate * e
    V -= rate * np.outer(gh, x)
    c -= rate * gh
"""
#: A single script whose weights are a dict's entries, made in a loop and trained by a top-level loop.
DICT_SCRIPT = """
import numpy as np

table = np.loadtxt("measurements.txt")
X, T = table[:, :4], table[:, 4:]
net = {}
for k, (a, b) in enumerate([(4, 6), (6, 2)], start=1):
    net["W%d" % k] = np.random.randn(a, b) * 0.1
    net["b%d" % k] = np.zeros(b)

for epoch in range(20):
    h = np.tanh(X @ net["W1"] + net["b1"])
    out = h @ net["W2"] + net["b2"]
    g = (out - T) / len(X)
    gh = (g @ net["W2"].T) * (1 - h**2)
    net["W2"] -= 0.1 * h.T @ g
    net["b2"] -= 0.1 * g.sum(axis=0)
    net["W1"] -= 0.1 * X.T @ gh
    net["b1"] -= 0.1 * gh.sum(axis=0)
"""


@pytest.fixture(scope="module")
def single_files(tmp_path_factory, audit_json):
    base = tmp_path_factory.mktemp("unloaded_single")
    paths = []
    for name, text in (("npz_sized.py", NPZ_SCRIPT), ("dict_trained.py", DICT_SCRIPT)):
        paths.append(base / name)
        paths[-1].write_text(textwrap.dedent(text))
    return audit_json(paths, base / "out")


def test_a_single_files_missing_data_file_leads_the_error_for_weights_sized_from_it(single_files):
    """The ``with np.load(...)`` block is the data preparation the weights need: it is run, and its
    FileNotFoundError leads (before: "no weight/bias arrays were found ...: set [network] params", which no
    setting could follow, and the missing file was never named)."""
    error = single_files["npz_sized.py"]["error"]
    assert error.startswith("line 4 raised FileNotFoundError ("), error
    assert "digits.npz" in error and "a file the code reads is not in the submission" in error


def test_a_scripts_weights_held_in_a_dicts_entries_are_said_to_be_unsupported(single_files):
    """Before: "no class with forward/backward methods ...: set [entry] class or [entry] function", for a file with
    neither."""
    error = single_files["dict_trained.py"]["error"]
    assert "top-level code trains net['W2'], net['b2'], net['W1'], net['b1'] in the loop at line 11" in error, error
    assert "entries of a dict" in error and "set [entry] class" not in error
    assert "measurements.txt" in error  # the loop's data, which could not be made


def test_a_single_files_notes_name_only_the_line():
    notes = [
        "line 4: statement raised FileNotFoundError: [Errno 2] No such file or directory: 'd.npz' while loading; "
        "skipped",
        "line 6: statement raised NameError: name 'pixels' is not defined while loading; skipped",
    ]
    said = unloaded.explain("ParamsNotFound: no weight/bias arrays", notes)
    assert said.startswith("line 4 raised FileNotFoundError ([Errno 2] No such file or directory: 'd.npz')"), said
    assert "line 6, which uses what the file's earlier statements make, raised NameError" in said
    # an error that names the earlier failure already is kept as it is
    named = "EntryNotFound: ... the loop's data could not be made here: line 4: statement raised FileNotFoundError: "
    named += "[Errno 2] No such file or directory: 'd.npz'"
    assert unloaded.explain(named, notes) == named
