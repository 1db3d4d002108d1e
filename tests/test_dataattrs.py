"""A forward that takes no data: the batch (and the sizes read off it) stored where the code's own method stores it."""

import numpy as np

from gradcheck.audit.adapters import dataattrs


class Holder:
    def __init__(self):
        self.inputs = None
        self.targets = None

    def set_data(self, X, labels):
        self.inputs = X
        self.targets = labels
        self.count = X.shape[0]
        self.width = X.shape[1]
        self.n_labels = len(labels)
        self.entries = labels.size

    def forward(self):
        return self.inputs @ np.ones((self.inputs.shape[1], 2))


class SizesElsewhere:
    """A size set by a method that stores no data is not the data's: it is never written."""

    def __init__(self):
        self.X = None

    def fit(self, X, y):
        self.X = X
        self.y = y

    def configure(self, X):
        self.count = X.shape[0]

    def forward(self):
        return self.X


def test_the_sizes_the_storing_method_reads_off_the_data_are_stored_with_it():
    assert dataattrs.stored_from_arguments(Holder) == {"X": "inputs", "Y": "targets"}
    assert dataattrs.sizes_from_arguments(Holder) == {
        "count": ("X", "shape", 0),
        "width": ("X", "shape", 1),
        "n_labels": ("Y", "len", None),
        "entries": ("Y", "size", None),
    }
    h = Holder()
    X, y = np.zeros((7, 3)), np.arange(7)
    written = dataattrs.feed(h, h.forward, X, y, set())
    assert written == ["inputs", "targets", "count", "width", "n_labels", "entries"]
    assert (h.count, h.width, h.n_labels, h.entries) == (7, 3, 7, 7)
    assert h.inputs is not X and np.array_equal(h.inputs, X)  # a copy: the code may write into it


def test_sizes_are_written_again_at_each_batch_fed_and_never_where_the_data_is_not_stored():
    h = Holder()
    fed = set(dataattrs.feed(h, h.forward, np.zeros((7, 3)), np.arange(7), set()))
    assert dataattrs.feed(h, h.forward, np.zeros((5, 3)), np.arange(5), fed)[:3] == ["inputs", "targets", "count"]
    assert h.count == 5
    assert dataattrs.sizes_from_arguments(SizesElsewhere) == {}
    s = SizesElsewhere()
    assert dataattrs.feed(s, s.forward, np.zeros((4, 2)), np.ones(4), set()) == ["X", "y"]
    assert not hasattr(s, "count")


def test_a_size_of_an_axis_the_batch_lacks_is_left_to_the_code():
    h = Holder()
    written = dataattrs.feed(h, h.forward, np.zeros(7), np.arange(7), set())  # a flat X: no axis 1
    assert "width" not in written and "count" in written and h.count == 7
