"""Blind tensors of a ``float()``-cast float64 loss pass with a note only where no step of the loss resolves them.

User form 6675 (``benchmarks/userforms.py``: ReLU, tanh, ReLU at weights ~2.4, softmax CE behind
``float()``, batch 3): W1, b1, W2 and b2 have exact gradients of 1e-17 to 1e-19 beside a largest entry of
~0.1, and the loss's rounding over every step hides their directional derivatives (their screens were
blind: "a gradient of zeros would pass unseen", inconclusive). The oracle (mpmath or ``np.longdouble``, never
this project's gradient code) confirms that no Richardson difference of the loss as written, at steps up to
4**9 times the usual, resolves any of those tensors to 1% of its largest entry, nor a 1% plant in its largest
entry. The check now passes with a note per tensor stating the smallest error it could have seen there; a
plant of 1% in a tensor the loss does resolve (the last layer) still fails, pinned.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import numpy as np

from gradcheck import check_gradients

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import soak_userforms as su  # noqa: E402
import userforms as uf  # noqa: E402

INDEX = 6675
NOTE = re.compile(r"^(\w+): the loss as evaluated does not resolve .* Passed with this note: the smallest error")


def _run(grad=None):
    form = uf.random_form(INDEX)
    loss, user_grad, params = uf.build(form)
    truth = uf.oracle(form)
    assert uf.correct_by_construction(form, truth)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rep = check_gradients(loss, grad or user_grad, params, seed=INDEX, name_bugs=False)
    return form, loss, params, truth, rep, user_grad


def test_blind_tensors_no_step_resolves_pass_with_a_note():
    form, loss, params, truth, rep, _ = _run()
    assert rep.status == "pass", rep.notes
    named = [m.group(1) for n in rep.notes if (m := NOTE.match(n))]
    assert named, rep.notes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for name in named:  # the oracle: no real difference of the loss as written resolves the tensor
            assert su.unresolvable_tensor(loss, params, truth.grad, name)
            where = np.unravel_index(int(np.argmax(np.abs(truth.grad[name]))), params[name].shape)
            exact = float(truth.grad[name][where])
            assert not su.resolvable(loss, params, name, where, exact, 1e-2, exact)


def test_a_resolvable_tensor_off_by_one_percent_still_fails():
    form, loss, params, truth, rep, grad = _run()
    named = {m.group(1) for n in rep.notes if (m := NOTE.match(n))}
    name = max((n for n in truth.grad if n not in named), key=lambda n: float(np.max(np.abs(truth.grad[n]))))
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(truth.grad[name]))), params[name].shape))
    *_, planted, _ = _run(uf.plant(grad, name, where, 1e-2))
    assert planted.status == "fail"
    assert any(t.name == name and t.status == "fail" and tuple(t.worst_index) == where for t in planted.tensors)
