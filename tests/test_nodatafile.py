"""A constructor that opens a data file unless told not to (``NN(datapath='cifar10.pkl')``): made again with that
parameter given as None, or as ``[entry] init_none`` says; the data files a lone file names go to its sandbox with
it; and the network such a class makes (weights in a dict per layer, the output the top layer's entry that is an
activation of the other, ``initialize_weights([n_in, n_out])`` beside ``hidden_dims`` and ``n_classes``)."""

from __future__ import annotations

import pickle
import textwrap
import tomllib

import numpy as np
import pytest

from gradcheck.audit import intake
from gradcheck.audit.adapters import depth, nodatafile, sizes
from gradcheck.audit.adapters.dictoutput import dict_output
from gradcheck.audit.loader import AuditError, StudentCodeError
from gradcheck.audit.namedfiles import MAX_NAMED_FILES, named_files
from gradcheck.audit.spec import SpecError, parse_spec


class Loader:
    def __init__(self, hidden_dims=(5, 4), datapath="cifar10.pkl", n_classes=10):
        self.hidden_dims = hidden_dims
        if datapath is not None:
            with open(datapath, "rb") as fh:
                self.data = pickle.load(fh)

    def initialize_weights(self, dims):
        all_dims = [dims[0]] + list(self.hidden_dims) + [dims[1]]
        self.weights = {f"W{i}": np.zeros((a, b)) for i, (a, b) in enumerate(zip(all_dims, all_dims[1:]), 1)}


def _failure(cls, *args, **kwargs) -> StudentCodeError:
    try:
        cls(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the test's own class
        return StudentCodeError(f"{cls.__name__}.__init__", exc, "")
    raise AssertionError("the constructor did not fail")


def test_the_missing_default_data_file_names_its_parameter(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    failed = _failure(Loader)
    assert nodatafile.missing_default(Loader.__init__, failed, [], {}) == "datapath"
    assert nodatafile.given_none(Loader.__init__, ["datapath"], [], {"n_classes": 3}) == (
        [],
        {"n_classes": 3, "datapath": None},
    )
    assert nodatafile.given_none(Loader.__init__, ["datapath"], [(4,), "cifar10.pkl"], {}) == ([(4,), None], {})


def test_a_file_the_call_named_itself_is_not_skipped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    failed = _failure(Loader, datapath="other.pkl")  # not the default: the caller's own file
    assert nodatafile.missing_default(Loader.__init__, failed, [], {"datapath": "other.pkl"}) is None
    assert nodatafile.missing_default(Loader.__init__, StudentCodeError("x", ValueError("no"), ""), [], {}) is None


@pytest.mark.parametrize("value,expected", [("cifar10.pkl", True), ("data/x.NPZ", True), ("relu", False), (3, False)])
def test_data_paths(value, expected):
    assert nodatafile.data_path(value) is expected


def test_init_none_names_a_parameter_the_constructor_takes():
    assert nodatafile.spec_none(Loader.__init__, "Loader", ["datapath"], [], {}) == ([], {"datapath": None})
    with pytest.raises(AuditError) as exc:
        nodatafile.spec_none(Loader.__init__, "Loader", ["data_path"], [], {})
    assert (
        exc.value.type == "SpecError" and "[entry] init_none" in exc.value.message and "'data_path'" in str(exc.value)
    )


def test_the_spec_validates_init_none():
    spec = parse_spec(tomllib.loads('[entry]\ninit_none = ["datapath"]'))
    assert spec.worker_spec()["init_none"] == ["datapath"]
    for bad in ('init_none = "datapath"', "init_none = [1]", 'init_none = ["data path"]'):
        with pytest.raises(SpecError, match="init_none"):
            parse_spec(tomllib.loads(f"[entry]\n{bad}"))


def test_hidden_dims_beside_n_classes_are_the_hidden_widths_and_dims_two_sizes():
    args, kwargs, notes = sizes.infer_call_sizes(Loader.__init__, "Loader", sizes.Sizes(3, 4, True), None, None, 0.1)
    assert "hidden_dims" not in kwargs and not any(isinstance(a, list) for a in args)  # its default widths kept
    assert depth.layer_count(Loader.initialize_weights, 0, "dims") == 1
    args, _, notes = sizes.infer_call_sizes(
        Loader.initialize_weights, "initialize_weights", sizes.Sizes(3, 4, True), None, None, 0.1
    )
    assert args == [[3, 4]], notes


def _softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_the_output_is_the_top_entry_that_activates_the_other():
    rng = np.random.default_rng(0)
    x, s1, s2 = rng.normal(size=(6, 3)), rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
    cache = {"Z0": x, "A1": s1, "Z1": np.maximum(s1, 0), "A2": s2, "Z2": _softmax(s2)}  # A: sums, Z: activations
    out, how = dict_output(cache, 6)
    assert out is cache["Z2"] and "'Z2'" in how and "softmax" in how
    usual = {"z1": s1, "a1": np.tanh(s1), "z2": s2, "a2": 1 / (1 + np.exp(-s2))}
    assert dict_output(usual, 6)[0] is usual["a2"]
    linear = {"z1": s1, "a1": np.tanh(s1), "z2": s2, "a2": s2.copy()}  # identity output: the names decide
    assert dict_output(linear, 6)[0] is linear["a2"]


def _lone_file(folder, code: str):
    path = folder / "net.py"
    path.write_text(textwrap.dedent(code))
    return path


def test_a_lone_file_brings_the_data_files_its_code_names(tmp_path):
    src = tmp_path / "class"
    src.mkdir()
    path = _lone_file(src, "DATA = './cifar10.pkl'\nLOG = 'run.log'\nimport helper\n")
    (src / "cifar10.pkl").write_bytes(b"data")
    (src / "other.csv").write_text("1,2")  # named by no code
    (src / "helper.py").write_text("x = 1\n")
    assert [p.name for p in named_files(path)] == ["cifar10.pkl"]  # run.log is not there
    work = intake.copy_submission(path, max_bytes=10_000, root=tmp_path)
    assert sorted(p.name for p in work.iterdir()) == ["cifar10.pkl", "helper.py", "net.py"]


def test_named_files_are_capped_in_number_and_bytes(tmp_path):
    names = [f"part{i:02d}.npy" for i in range(MAX_NAMED_FILES + 3)]
    path = _lone_file(tmp_path, "FILES = [" + ", ".join(repr(n) for n in names) + ", 'big.npz']\n")
    for n in names:
        (tmp_path / n).write_bytes(b"x")
    (tmp_path / "big.npz").write_bytes(b"x" * 5000)
    assert len(named_files(path)) == MAX_NAMED_FILES
    work = intake.copy_submission(path, max_bytes=path.stat().st_size + 4000, root=tmp_path)
    copied = sorted(p.name for p in work.iterdir())
    assert "big.npz" not in copied and "net.py" in copied  # too big for the cap: left out, never a refusal


NN_CODE = """
import pickle
import numpy as np


class NN:
    def __init__(self, hidden_dims=(6, 5), datapath="stand_in.pkl", n_classes=10, lr=0.01):
        self.hidden_dims, self.n_hidden, self.n_classes, self.lr = hidden_dims, len(hidden_dims), n_classes, lr
        if datapath is not None:
            with open(datapath, "rb") as fh:
                self.train, self.valid = pickle.load(fh)

    def initialize_weights(self, dims):
        all_dims = [dims[0]] + list(self.hidden_dims) + [dims[1]]
        self.weights = {}
        for k in range(1, self.n_hidden + 2):
            self.weights[f"W{k}"] = np.random.uniform(-0.5, 0.5, (all_dims[k - 1], all_dims[k]))
            self.weights[f"b{k}"] = np.zeros((1, all_dims[k]))

    def softmax(self, x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def forward(self, x):
        cache = {"Z0": x}
        for k in range(1, self.n_hidden + 1):
            cache[f"A{k}"] = cache[f"Z{k - 1}"] @ self.weights[f"W{k}"] + self.weights[f"b{k}"]
            cache[f"Z{k}"] = np.tanh(cache[f"A{k}"])
        top = self.n_hidden + 1
        cache[f"A{top}"] = cache[f"Z{top - 1}"] @ self.weights[f"W{top}"] + self.weights[f"b{top}"]
        cache[f"Z{top}"] = self.softmax(cache[f"A{top}"])
        return cache

    def backward(self, cache, labels):
        n, top, grads = labels.shape[0], self.n_hidden + 1, {}
        delta = cache[f"Z{top}"] - labels
        for k in range(top, 0, -1):
            grads[f"dW{k}"] = cache[f"Z{k - 1}"].T @ delta / n
            grads[f"db{k}"] = delta.mean(axis=0, keepdims=True)
            if k > 1:
                delta = (delta @ self.weights[f"W{k}"].T) * (1 - cache[f"Z{k - 1}"] ** 2)
        return grads

    def loss(self, prediction, labels):
        return -np.sum(labels * np.log(prediction)) / labels.shape[0]
"""


def test_a_class_that_loads_its_data_passes_zero_config_with_and_without_it(tmp_path, audit_json):
    bare, beside = tmp_path / "bare", tmp_path / "beside"
    bare.mkdir()
    beside.mkdir()
    for folder in (bare, beside):
        (folder / "nn.py").write_text(NN_CODE)
    rng = np.random.default_rng(0)
    with open(beside / "stand_in.pkl", "wb") as fh:
        pickle.dump(((rng.normal(size=(8, 3)), rng.integers(0, 3, 8)),) * 2, fh)
    without = audit_json([bare / "nn.py"], tmp_path / "out1")["nn.py"]
    assert without["status"] == "pass", without["error"]
    assert any("made with datapath=None" in n for n in without["notes"])
    assert "softmax" in without["forward"]["network"]
    with_data = audit_json([beside / "nn.py"], tmp_path / "out2")["nn.py"]
    assert with_data["status"] == "pass", with_data["error"]
    assert not any("datapath=None" in n for n in with_data["notes"])  # its own data file reached the sandbox


def test_init_spec_writes_init_none_as_the_audit_made_the_object(tmp_path):
    from pathlib import Path

    from gradcheck.audit.initspec import render_spec

    retried = {
        "entry": "NN.backward",
        "shape": "grads-dict",
        "notes": [nodatafile.retry_note("NN", "datapath", "x.pkl")],
    }
    text = render_spec(Path("nn.py"), retried, None, None, defined={"NN"})
    assert tomllib.loads(text)["entry"]["init_none"] == ["datapath"]
    given = {**retried, "notes": [nodatafile.spec_note("NN", ["datapath", "cache_file"])]}
    text = render_spec(Path("nn.py"), given, None, None, defined={"NN"})
    assert tomllib.loads(text)["entry"]["init_none"] == ["datapath", "cache_file"]  # the spec's, written back
    stopped = render_spec(
        Path("nn.py"),
        {},
        None,
        None,
        error="ConstructorArguments: NN() raised FileNotFoundError: ...: the constructor opens 'data.csv', a file",
    )
    assert "# TODO: [entry] init_none" in stopped and "init_none" not in tomllib.loads(stopped).get("entry", {})
