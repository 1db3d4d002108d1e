"""A minimal instructor spec, the assignment's loss and sizes, on softmax classifiers: the verdict it gives
is the one EXPECTED.toml gives, for integer-label and one-hot code alike.

The spec's ``[data] n_in, n_out`` makes the batch itself; with several outputs its targets must be one-hot
rows, as invented ones are: integer-label code is handed their argmax, and the reference's cross-entropy
must read the same classes (multi-hot rows once failed a correct CS231n net as ``localized``)."""

import contextlib
import io
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from gradcheck.cli import main

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
EXPECTED = tomllib.loads((FOLDER / "EXPECTED.toml").read_text())["files"]
#: Softmax + cross-entropy examples whose code fixes no input size of its own (any n_in fits).
SOFTMAX = [
    "cs231n_softmax_correct.py",
    "softmax_regression_int_labels_correct.py",
    "softmax_regression_int_labels_sign_bug.py",
    "softmax_onehot_missing_mean_bug.py",
    "positional_softmax_correct.py",
    "lists_cached_softmax_mean_bug.py",
    "softmax_inline_hidden_first_correct.py",
    "softmax_inline_hidden_first_tanh_prime_bug.py",
]
SPEC = '[loss]\nname = "ce"\n\n[data]\nn_in = 2\nn_out = 3\n'


@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("spec_sizes")
    (tmp / "subs").mkdir()
    for name in SOFTMAX:
        shutil.copy(FOLDER / name, tmp / "subs" / name)
    (tmp / "spec.toml").write_text(SPEC)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(
            [
                "audit",
                str(tmp / "subs"),
                "--spec",
                str(tmp / "spec.toml"),
                "--format",
                "json",
                "--output",
                str(tmp / "o"),
            ]
        )
    return {Path(s["path"]).name: s for s in json.loads(out.getvalue())["submissions"]}


@pytest.mark.parametrize("name", SOFTMAX)
def test_loss_and_sizes_spec_gives_the_expected_verdict(judged, name):
    s, want = judged[name], EXPECTED[name]
    assert s["status"] == want["verdict"], (s["error"], s["diagnoses"])
    if want["verdict"] == "fail":
        assert s["diagnoses"][0]["code"] == want["diagnosis"], s["diagnoses"]
    assert s["loss"].startswith("ce"), s["loss"]
