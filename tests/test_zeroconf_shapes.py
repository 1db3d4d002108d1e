"""Submission shapes that audit with no spec (examples/submissions, their truth in tests/truth_zeroconf_shapes.py).

Each is audited here as a file, correct and with a planted bug, and variants of it written into tmp_path
show the rule the audit follows.
"""

from __future__ import annotations

from pathlib import Path

from gradcheck.audit.batch import audit_one
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def _audit(path: Path):
    return audit_one(path, AuditSpec(), limits=Limits(wall_seconds=120), backend="none")


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


def test_a_backward_adding_into_grad_is_reset_by_the_models_zero_grad():
    r = _audit(FOLDER / PARAMS)
    assert r.status == "pass", (r.error, _codes(r))
    assert [t.name for t in r.tensors] == LAYERS
    assert any("zero_grad()" in n for n in r.notes), r.notes


def test_the_real_bug_is_named_not_the_accumulation():
    r = _audit(FOLDER / "param_modules_accumulate_bias_mean_bug.py")
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
