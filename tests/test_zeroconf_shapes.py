"""Submission shapes that audit with no spec (examples/submissions, their truth in tests/truth_zeroconf_shapes.py).

Each is audited as a file, correct and with a planted bug (by the README's audit of examples/submissions, with no
spec: conftest's ``examples_audit``, the one run tests/test_audit_examples.py reads too), and variants of it
written into tmp_path show the rule the audit follows (audited here).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit.batch import audit_one
from gradcheck.audit.resultfiles import from_dict
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def _audit(path: Path):
    return audit_one(path, AuditSpec(), limits=Limits(wall_seconds=120), backend="none")


@pytest.fixture(scope="module")
def audited(examples_audit):
    """The examples' verdicts by file name, from the README's audit of examples/submissions (no spec, as ``_audit``):
    the same audit of the same files, run once for the whole suite instead of once more here (it was four fifths
    of this file's CPU)."""
    data = json.loads((examples_audit.folder / "report.json").read_text())
    return {Path(s["path"]).name: from_dict(s) for s in data["submissions"]}


def _load(path: Path, name: str):
    """``path`` imported as module ``name`` (registered, as the audit's loader registers a submission)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _codes(r) -> list[str]:
    return [d.code for d in r.diagnoses]


def _variant(tmp_path: Path, rel: str, old: str, new: str, name: str) -> Path:
    source = (FOLDER / rel).read_text()
    assert old in source
    out = tmp_path / name
    out.write_text(source.replace(old, new))
    return out


# -- parameter objects whose backward adds into .grad ------------------------------------------------------

PARAMS = "param_modules_accumulate_correct.py"
LAYERS = [f"layers[{i}].{k}" for i in (0, 2, 4) for k in ("weight", "bias")]


def test_a_backward_adding_into_grad_is_reset_by_the_models_zero_grad(audited):
    r = audited[PARAMS]
    assert r.status == "pass", (r.error, _codes(r))
    assert [t.name for t in r.tensors] == LAYERS
    assert any("zero_grad()" in n for n in r.notes), r.notes


def test_the_real_bug_is_named_not_the_accumulation(audited):
    r = audited["param_modules_accumulate_bias_mean_bug.py"]
    assert r.status == "fail"
    assert "nondeterministic_gradient" not in _codes(r)
    assert _codes(r)[0] == "missing_batch_mean"
    assert [t.name for t in r.tensors if t.status == "fail"] == ["layers[0].bias", "layers[2].bias", "layers[4].bias"]


def test_an_optimizers_zero_grad_alone_resets_the_grads_to_zeros(tmp_path):
    # the model has no zero_grad of its own; the optimizer's resets the same parameters
    path = _variant(
        tmp_path,
        PARAMS,
        "    def zero_grad(self):\n        for p in self.parameters():\n            p.grad = np.zeros_like(p.data)\n\n",
        "",
        "optimizer_resets.py",
    )
    r = _audit(path)
    assert r.status == "pass", (r.error, _codes(r))
    assert any(".grad set to zeros" in n for n in r.notes), r.notes


def test_code_that_never_resets_its_grads_still_fails_nondeterministic(tmp_path):
    source = (FOLDER / PARAMS).read_text()
    for old in (
        "    def zero_grad(self):\n        for p in self.parameters():\n            p.grad = np.zeros_like(p.data)\n\n",
        "    def zero_grad(self):\n        for p in self.params:\n            p.grad[...] = 0.0\n\n",
        "        opt.zero_grad()\n",
    ):
        assert old in source
        source = source.replace(old, "")
    path = tmp_path / "never_reset.py"
    path.write_text(source)
    r = _audit(path)
    assert r.status == "fail" and "nondeterministic_gradient" in _codes(r), (r.status, _codes(r))


# -- a per-sample weight argument --------------------------------------------------------------------------

WEIGHTED = "sample_weights_globals_correct.py"


def _weight_args(tmp_path: Path, name: str, source: str) -> dict:
    from gradcheck.audit.adapters.sampleweights import weight_args

    path = tmp_path / f"{name}.py"  # weight_args reads the function's source from its file
    path.write_text(source)
    ns: dict = {"np": np}
    exec(compile(source, str(path), "exec"), ns)
    return weight_args(ns["grads"])


def test_an_argument_multiplied_in_and_summed_alone_is_a_sample_weight(tmp_path):
    summed = "def grads(X, y, c):\n    d = 2 * c * (X - y)\n    return d / np.sum(c)\n"
    assert _weight_args(tmp_path, "summed", summed) == {"c": False}
    masked = "def grads(X, y, mask):\n    return 2 * mask * (X - y)\n"
    assert _weight_args(tmp_path, "masked", masked) == {}  # neither summed alone nor named like weights
    column = "def grads(X, y, sample_weight):\n    return sample_weight[:, None] * (X - y)\n"
    assert _weight_args(tmp_path, "column", column) == {"sample_weight": True}  # the code makes the column


def test_sample_weights_are_positive_unequal_and_shaped_like_the_targets():
    from gradcheck.audit.adapters.sampleweights import sample_weights

    rows = sample_weights(np.zeros((9, 2)), columns=False, one_d=False)
    assert rows.shape == (9, 1) and np.all(rows > 0) and not np.isclose(rows.sum(), 9)
    assert sample_weights(np.zeros((2, 9)), columns=True, one_d=False).shape == (1, 9)
    assert sample_weights(np.zeros((9, 2)), columns=False, one_d=True).shape == (9,)
    assert sample_weights(np.zeros(9), columns=False, one_d=False).shape == (9,)


def test_a_weighted_loss_is_checked_with_the_same_weights_its_gradient_had(audited):
    r = audited[WEIGHTED]
    assert r.status == "pass", (r.error, _codes(r))
    assert [t.name for t in r.tensors] == ["W1", "b1", "W2", "b2"]
    assert any("'sw' weighs each sample" in n for n in r.notes), r.notes


def test_a_weighted_mean_divided_by_n_is_a_scale_error(audited):
    r = audited["sample_weights_globals_norm_bug.py"]
    assert r.status == "fail" and _codes(r)[0] == "uniform_scale", (r.status, _codes(r))


def test_one_dimensional_weights_made_a_column_by_the_code(tmp_path):
    source = (FOLDER / WEIGHTED).read_text()
    for old, new in (
        ("np.sum(sw * (out - y) ** 2)", "np.sum(sw[:, None] * (out - y) ** 2)"),
        ("dL_dout = 2 * sw * (out - y)", "dL_dout = 2 * sw[:, None] * (out - y)"),
        ("sw = np.where(X[:, 2] > 0, 2.0, 1.0).reshape(-1, 1)", "sw = np.where(X[:, 2] > 0, 2.0, 1.0)"),
    ):
        assert old in source
        source = source.replace(old, new)
    path = tmp_path / "flat_weights.py"
    path.write_text(source)
    r = _audit(path)
    assert r.status == "pass", (r.error, _codes(r))


# -- a list of activation names --------------------------------------------------------------------------

NAMED = "named_acts_network_correct.py"


def test_activation_names_are_read_off_the_strings_the_code_compares_them_with(tmp_path):
    from gradcheck.audit.adapters.namedchoices import compared_strings, per_layer

    path = tmp_path / "named.py"
    path.write_text((FOLDER / NAMED).read_text())
    module = _load(path, "named_probe")
    strings = compared_strings(module.Network.__init__, "acts")
    assert strings == ["sigmoid", "tanh", "relu", "identity"]
    assert compared_strings(module.Network.__init__, "sizes") == []
    assert per_layer(strings, 2) == ["sigmoid", "tanh"]  # smooth first
    assert per_layer(strings, 5) == ["sigmoid", "tanh", "relu", "identity", "sigmoid"]  # each once, then again


def test_a_network_of_named_activations_passes_and_its_bug_is_named(audited):
    r = audited[NAMED]
    assert r.status == "pass", (r.error, _codes(r))
    assert any("acts = ['sigmoid', 'tanh'] given" in n for n in r.notes), r.notes
    bug = audited["named_acts_network_tanh_prime_bug.py"]
    assert bug.status == "fail" and _codes(bug)[0] == "derivative_at_preactivation", (bug.status, _codes(bug))


def test_names_compared_in_the_loop_itself_are_read_too(tmp_path):
    # the method that loops over the list compares each name, no helper function
    source = (FOLDER / NAMED).read_text()
    old = "            a = act(name, np.dot(w, a) + b)\n"
    assert old in source
    new = (
        "            z = np.dot(w, a) + b\n"
        "            if name == 'softplus':\n"
        "                a = np.log1p(np.exp(z))\n"
        "            else:\n"
        "                a = act(name, z)\n"
    )
    path = tmp_path / "loop_compares.py"
    path.write_text(source.replace(old, new))
    module = _load(path, "loop_compares")
    from gradcheck.audit.adapters.namedchoices import compared_strings

    found = compared_strings(module.Network.__init__, "acts")
    assert sorted(found) == ["identity", "relu", "sigmoid", "softplus", "tanh"]


# -- a forward that unpacks a fixed number of (W, b) pairs -------------------------------------------------

PAIRS = "tuple_params_hinge_correct.py"


def test_the_depth_a_forward_unpacks_is_the_depth_of_the_invented_sizes(tmp_path):
    from gradcheck.audit.adapters.depth import layer_count

    module = _load(FOLDER / PAIRS, "pairs_probe")
    assert layer_count(module.init_params, 0, "sizes") == 3
    path = tmp_path / "two_pairs.py"
    source = (
        (FOLDER / PAIRS)
        .read_text()
        .replace(
            "    (W1, b1), (W2, b2), (W3, b3) = params\n", "    (W1, b1), (W2, b2) = params\n    W3, b3 = W2, b2\n"
        )
        .replace("HIDDEN = [16, 8]\n", "HIDDEN = [16]\n")  # (the code's own call builds the sizes from it)
    )
    path.write_text(source)
    assert layer_count(_load(path, "two_pairs").init_params, 0, "sizes") == 2


def test_three_unpacked_layers_are_checked_whole(audited):
    r = audited[PAIRS]
    assert r.status == "pass", (r.error, _codes(r))
    assert [t.name for t in r.tensors] == [f"params[{i}].{k}" for i in range(3) for k in ("W", "b")]


# -- a (weights, biases) pair of lists from make_net --------------------------------------------------------

LISTS = "order_lists_net_correct.py"


def test_a_tuple_of_lists_from_make_net_is_read_and_checked_against_the_codes_own_loss(audited):
    r = audited[LISTS]
    assert r.status == "pass", (r.error, _codes(r))
    assert [t.name for t in r.tensors] == [f"{k}[{i}]" for i in range(4) for k in ("Ws", "bs")]
    assert any("parameters from make_net(): the lists Ws, bs" in n for n in r.notes), r.notes
    assert r.loss.startswith("own"), r.loss


# -- a training method with dropout and L2 written inline --------------------------------------------------

DROPOUT = "inline_dropout_l2_correct.py"


def test_the_loss_a_training_method_computes_is_found_where_it_applies_dropout(tmp_path):
    from gradcheck.audit.adapters.steploss import loss_name

    module = _load(FOLDER / DROPOUT, "dropout_probe")
    assert loss_name(module.DropoutClassifier.train) == "cost"
    assert loss_name(module.DropoutClassifier.predict_proba) is None  # no loss there
    path = tmp_path / "no_dropout.py"
    source = (FOLDER / DROPOUT).read_text()
    for old in ("            mask = (rng.random(a1.shape) < self.keep_prob) / self.keep_prob\n", " * mask"):
        assert old in source
        source = source.replace(old, "")
    path.write_text(source.replace("keep_prob", "width"))
    assert loss_name(_load(path, "no_dropout").DropoutClassifier.train) is None  # no dropout: the references do


def test_a_reference_verdict_with_the_codes_dropout_on_goes_to_the_steps_own_loss():
    from gradcheck.audit.dropoutkept import own_step_loss
    from gradcheck.audit.submissionresult import SubmissionResult

    kept = AuditSpec(sections={"entry": {"keep_defaults": True}})
    graded = SubmissionResult(status="fail", path="x.py")
    found = {"student_losses": [{"source": "the loss `cost`", "value": 0.7, "tier": 0, "kept_dropout": True}]}
    sent = own_step_loss(graded, found, kept)
    assert sent.status == "error" and sent.unmodelled and "the loss `cost`" in sent.error
    assert own_step_loss(graded, found, AuditSpec()) is graded  # the first run (dropout off) stands
    assert own_step_loss(graded, {"student_losses": [{"source": "f", "tier": 1}]}, kept) is graded


def test_inline_dropout_passes_both_checks_and_a_forgotten_mask_is_named(audited):
    r = audited[DROPOUT]
    assert r.status == "pass", (r.error, _codes(r))
    assert any("train computes as it trains, with its own dropout: pass" in n for n in r.notes), r.notes
    bug = audited["inline_dropout_l2_mask_forgotten_bug.py"]
    assert bug.status == "fail" and _codes(bug)[0] == "localized", (bug.status, _codes(bug))
    assert [t.name for t in bug.tensors if t.status == "fail"] == ["W1", "b1"]
    assert "forward_mismatch" not in _codes(bug)


def test_names_looked_up_in_a_dict_keyed_by_strings_are_read_too(tmp_path):
    source = (FOLDER / NAMED).read_text()
    old = "            a = act(name, np.dot(w, a) + b)\n"
    assert old in source
    new = "            a = self.funcs[name](np.dot(w, a) + b)\n"
    table = (
        "        self.funcs = {'tanh': np.tanh, 'logistic': lambda z: 1 / (1 + np.exp(-z)), 'linear': lambda z: z}\n"
    )
    anchor = "        self.acts = acts\n"
    path = tmp_path / "dict_lookup.py"
    path.write_text(source.replace(old, new).replace(anchor, anchor + table))
    from gradcheck.audit.adapters.namedchoices import compared_strings, per_layer

    found = compared_strings(_load(path, "dict_lookup").Network.__init__, "acts")
    assert {"tanh", "logistic", "linear"} <= set(found)
    assert per_layer(["linear", "tanh", "logistic"], 2) == ["tanh", "logistic"]
    indexed = tmp_path / "indexed_lookup.py"  # FUNCS[self.acts[i]]: the list indexed, not looped over
    new = "            a = self.funcs[self.acts[0]](np.dot(w, a) + b)\n"
    indexed.write_text(source.replace(old, new).replace(anchor, anchor + table))
    assert {"tanh", "logistic", "linear"} <= set(compared_strings(_load(indexed, "indexed").Network.__init__, "acts"))


def test_the_length_the_code_checks_its_size_list_has_is_its_depth(tmp_path):
    from gradcheck.audit.adapters.depth import layer_count

    source = (FOLDER / PAIRS).read_text()
    old = "    rng = np.random.default_rng(seed)\n"
    assert old in source
    path = tmp_path / "checked.py"
    check = "    if len(sizes) != 5:\n        raise ValueError('four layers')\n"
    source = source.replace("+ HIDDEN +", "+ list(HIDDEN) +")  # (its own call then says no length)
    path.write_text(source.replace(old, check + old))
    assert layer_count(_load(path, "checked").init_params, 0, "sizes") == 4  # before the unpacking's 3
