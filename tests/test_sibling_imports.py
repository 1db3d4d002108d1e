"""A file named alone in a student's project folder keeps the modules beside it that it imports
(``from nn_utils import relu``): they are copied into its sandbox with it, and only they (never a classmate's
file it does not import, never a link out of the folder), so the instructor can audit ``TwoLayerNN.py``
alone and get a verdict, not ``No module named 'nn_utils'``."""

from __future__ import annotations

import os
import shutil

from audit_example import audit_path

from gradcheck.audit.intake import copy_submission
from gradcheck.audit.submissions import imported_siblings

CAP = 10 * 1024**2

HELPERS = """import numpy as np


def act(z):
    return np.tanh(z)


def act_prime(z):
    return 1.0 - np.tanh(z) ** 2


def loss(pred, target):
    return np.mean((pred - target) ** 2)


def loss_prime(pred, target):
    return 2.0 * (pred - target) / pred.size
"""

NET = """import numpy as np
from helpers import act, act_prime, loss, loss_prime


def init(n_in, n_hidden, n_out):
    rng = np.random.default_rng(0)
    return {"W1": rng.normal(0, 0.5, (n_in, n_hidden)), "b1": np.zeros(n_hidden),
            "W2": rng.normal(0, 0.5, (n_hidden, n_out)), "b2": np.zeros(n_out)}


def forward(p, X):
    Z1 = X @ p["W1"] + p["b1"]
    return act(Z1) @ p["W2"] + p["b2"], Z1


def backward(p, X, Y):
    out, Z1 = forward(p, X)
    d = loss_prime(out, Y)
    dZ1 = (d @ p["W2"].T) * act_prime(Z1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": act(Z1).T @ d, "b2": d.sum(axis=0)}
"""


def _project(tmp_path, net_source=NET):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "net.py").write_text(net_source)
    (folder / "helpers.py").write_text(HELPERS)
    (folder / "other_hw.py").write_text("import numpy as np\nSECRET = 42\n")
    return folder


def test_only_the_imported_siblings_are_found(tmp_path):
    folder = _project(tmp_path)
    (folder / "helpers.py").write_text(HELPERS + "from deeper import thing\n")
    (folder / "deeper.py").write_text("thing = 1\n")
    assert [p.name for p in imported_siblings(folder / "net.py")] == ["deeper.py", "helpers.py"]
    assert imported_siblings(folder / "other_hw.py") == []


def test_imported_siblings_are_copied_and_links_are_not(tmp_path):
    folder = _project(tmp_path)
    outside = tmp_path / "outside.py"
    outside.write_text("STOLEN = 1\n")
    os.symlink(outside, folder / "stolen.py")
    (folder / "net.py").write_text("import stolen\n" + NET)
    w = copy_submission(folder / "net.py", max_bytes=CAP)
    try:
        assert sorted(p.name for p in w.iterdir()) == ["helpers.py", "net.py"]
        assert (w / "helpers.py").read_text() == HELPERS
    finally:
        shutil.rmtree(w)


def test_a_file_named_alone_runs_with_the_modules_it_imports(tmp_path):
    folder = _project(tmp_path)
    s = audit_path(folder / "net.py", tmp_path)
    assert s["status"] == "pass", s["error"]
    bug = NET.replace("* act_prime(Z1)", "* act_prime(act(Z1))")
    assert bug != NET
    (folder / "net.py").write_text(bug)
    s = audit_path(folder / "net.py", tmp_path)
    assert s["status"] == "fail", s["error"]
    assert s["diagnoses"][0]["code"] == "derivative_at_activation", s["diagnoses"]


def test_a_project_whose_files_define_the_same_names_says_which_were_audited(tmp_path):
    # part1.py and part2.py each define init/forward/backward over helpers.py: the merged namespace holds
    # part1's; the report says part2's were not audited and how to audit it alone
    folder = tmp_path / "hw"
    folder.mkdir()
    (folder / "helpers.py").write_text(HELPERS)
    (folder / "part1.py").write_text(NET)
    (folder / "part2.py").write_text(NET.replace("* act_prime(Z1)", "* act_prime(act(Z1))"))
    s = audit_path(folder, tmp_path)
    assert s["status"] == "pass", s["error"]
    said = [n for n in s["notes"] if n.startswith("part2.py defines")]
    assert len(said) == 1 and "backward, forward, init as part1.py does" in said[0], s["notes"]
    assert "python -m gradcheck audit hw/part2.py" in said[0]
    s = audit_path(folder / "part2.py", tmp_path)
    assert s["status"] == "fail" and s["diagnoses"][0]["code"] == "derivative_at_activation", s["diagnoses"]
