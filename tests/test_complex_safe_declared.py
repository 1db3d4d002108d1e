"""A loss its author declares complex-safe (``loss.complex_safe = True``) is judged by its complex step alone.

The reference networks' losses are analytic in complex parameters by construction; real differences
near kinks closer to the point than any step (ReLU units at tiny weights) can disagree with a right
complex step, and must not overrule it there. Undeclared losses keep the probe.
"""

from __future__ import annotations

import numpy as np

from gradcheck import check_gradients
from reference_nets import MLP, MLPConfig

W = {"w": np.array([0.3, -0.7, 1.2, 0.05])}


def _loss(declared: bool):
    def loss(p):
        w = p["w"]
        # real differences alone see the extra term (as they see kinks the complex step is right to ignore)
        extra = 0.0 if np.iscomplexobj(w) else 1e-3 * np.sum(w)
        return np.sum(w**2) + extra

    if declared:
        loss.complex_safe = True
    return loss


def _grad(p):
    return {"w": 2 * p["w"]}


def test_a_declared_loss_is_judged_by_its_complex_step():
    report = check_gradients(_loss(True), _grad, W)
    assert report.status == "pass", report.summary()
    assert not any(n.startswith("complex step not used") for n in report.notes)


def test_an_undeclared_loss_is_still_probed():
    report = check_gradients(_loss(False), _grad, W)
    assert any(n.startswith("complex step not used") for n in report.notes)
    assert report.status == "fail"  # judged by real differences, which see the extra term


def test_a_declaration_must_be_true_itself():
    loss = _loss(False)
    loss.complex_safe = "yes"  # not the value True: not a declaration
    assert any(n.startswith("complex step not used") for n in check_gradients(loss, _grad, W).notes)


def test_the_reference_networks_declare_their_losses():
    net = MLP(MLPConfig((3, 4, 2), "relu", output="softmax", loss="ce"))
    loss_fn, _ = net.closures(np.ones((2, 3)), np.eye(2))
    assert loss_fn.complex_safe is True
