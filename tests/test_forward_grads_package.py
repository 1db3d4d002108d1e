"""A folder whose files import each other relatively is a package; a forward that takes the targets and stores
gradients is its model's backward."""

from __future__ import annotations

from gradcheck.audit import projectnames
from gradcheck.audit.adapters.shapes.classes import _forward_stores_gradients, method_names


def test_a_relative_import_makes_a_folder_without_init_a_package(tmp_path):
    pkg = tmp_path / "models"
    pkg.mkdir()
    (pkg / "base.py").write_text("class Base:\n    pass\n")
    (pkg / "net.py").write_text("from .base import Base\n\n\nclass Net(Base):\n    pass\n")
    assert projectnames.package_of(pkg) == "models"
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "net.py").write_text("from base import Base\n")
    assert projectnames.package_of(plain) is None


class Stores:
    def __init__(self):
        self.gradients = {}

    def forward(self, X, y):
        self.gradients["W1"] = X
        return 0.0


class Predicts:
    def forward(self, X):
        self.out = X
        return X


class StoresNoTargets:
    def forward(self, X):
        self.grads = X
        return X


def test_a_forward_with_targets_storing_gradients_is_the_backward():
    assert _forward_stores_gradients(Stores.forward)
    assert not _forward_stores_gradients(Predicts.forward)
    assert not _forward_stores_gradients(StoresNoTargets.forward)  # no targets: no loss to differentiate
    picked = method_names(Stores, {})
    assert picked is not None and picked.backward == "forward"
    assert method_names(Predicts, {}) is None


def test_an_attribute_read_off_the_graders_array_is_said_to_be_the_codes_own_data_class():
    from gradcheck.audit.guesserror import explain

    error = "AttributeError: 'numpy.ndarray' object has no attribute 'images' (in backward (Network.py line 240))"
    said = explain(error, invented=False)
    assert said.startswith(error) and ".images" in said and "not a verdict on the code" in said
    other = "AttributeError: 'Net' object has no attribute 'W3' (in backward (net.py line 9))"
    assert explain(other, invented=False) == other  # the code's own object: its own error
