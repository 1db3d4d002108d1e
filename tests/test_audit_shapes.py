"""Shapes of student code met in held-out and public submissions, written here as look-alikes: one sandboxed
batch, zero-config, each with the verdict and top diagnosis the truth calls for (checked against central
differences of each file's own loss when written), or the honest error naming what is not supported.

- a book-style class with renamed arguments (``input_count``, ``eta``), out x in weights, one sample at a time;
  its two-hidden-layer cousin with the output-form derivative applied to the pre-activation;
- layer objects whose ``backward()`` takes nothing (the loss object stored what it needs), a ``Sequential`` of
  ``Linear``/``Tanh`` objects built by the script, a BCE loss object with its shortcut gradient fed to a
  sigmoid layer (the gradient of another loss);
- a package folder (``from nn.layers import Dense``) with the softmax Jacobian applied twice;
- classic scripts updating ``synapse_0 -= alpha * (...)``, a three-layer tanh script;
- functions over parameter lists (``(Ws, bs)`` out x in, missing 1/N; a missing derivative);
- a network built only in ``main()`` whose backward needs a loss gradient nobody gives (``train_step`` does);
- and what the audit must refuse with a reason: one layer of weights, a backward that never returns the output
  layer's gradient, a project whose model file does not parse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "submissions" / "shapes"
#: submission -> (status, top diagnosis code or None, a phrase the error or top message must contain)
EXPECTED = {
    "renamed_args_correct.py": ("inconclusive", "loss_undetermined", 'name = "mse"'),
    "renamed_args_hidden_bug.py": ("fail", None, None),
    "myonn_two_hidden_preact_bug.py": ("fail", "derivative_at_preactivation", None),
    "no_train_step_correct.py": ("pass", None, None),
    "sequential_tanh_relu_deriv_bug.py": ("fail", "derivative_at_activation", None),
    "bce_sigmoid_layers_extra_deriv_bug.py": ("fail", "extra_activation_derivative", None),
    "pkg_int_labels_jacobian_bug": ("fail", "extra_activation_derivative", None),
    "trask_alpha_descent_correct.py": ("inconclusive", "loss_undetermined", "reduction"),
    "trask_three_layer_tanh_bug.py": ("fail", "derivative_at_activation", None),
    "lists_tuple_relu_missing_mean_bug.py": ("fail", "missing_batch_mean", None),
    "lists_missing_deriv_bug.py": ("fail", "missing_activation_derivative", None),
    "dense_train_step_built_correct.py": ("pass", None, None),
    # one layer of weights is a depth-0 reference net now; a sigmoid output with no loss in the code fits BCE and MSE
    "single_layer_script.py": ("inconclusive", "loss_undetermined", 'name = "mse"'),
    "output_grad_lost_bug.py": ("error", None, "no gradient found for W2, b2"),
    "broken_file_project": ("error", None, "network.py"),
}


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    return audit_json([HERE / name for name in EXPECTED], tmp_path_factory.mktemp("r"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shape_gets_the_truth(audited, name):
    status, code, phrase = EXPECTED[name]
    s = audited[name]
    codes = [d["code"] for d in s["diagnoses"]]
    assert s["status"] == status, (s["status"], s["error"], codes, s["loss"])
    if code is not None:
        assert codes and codes[0] == code, codes
    if phrase is not None:
        said = (s["error"] or "") + " " + (s["diagnoses"][0]["message"] if s["diagnoses"] else "")
        assert phrase in said, said
    if status == "error":
        assert "internal error" not in (s["error"] or "")


def test_the_built_network_is_the_files_own(audited):
    notes = audited["dense_train_step_built_correct.py"]["notes"]
    assert any("built as the submission builds it" in n and "layer_sizes=[64, 32, 10]" in n for n in notes), notes
    assert any("trying DenseNetwork.train_step" in n for n in notes), notes
    assert not any("invented, 16 samples" in n for n in notes), notes  # its sizes are its own


def test_inline_updates_are_read_without_their_learning_rate(audited):
    notes = audited["trask_alpha_descent_correct.py"]["notes"]
    assert any("the increment without its learning rate" in n for n in notes), notes
