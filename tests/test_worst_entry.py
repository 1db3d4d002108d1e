"""The entry a tensor's verdict shows is chosen by what a reader can see: relative errors equal to
three digits are a tie (a sign flip is off by 2 at every entry), broken by the larger absolute error,
then by the first index, never by the estimates' last digits."""

from gradcheck.check import _tensor_result
from gradcheck.result import EntryEvidence


def _entry(index, analytic, rel, status="fail"):
    numeric = -analytic
    return EntryEvidence(index, analytic, numeric, 1e-12, abs(analytic - numeric), rel, 1e-9, status)


def test_a_sign_flip_shows_its_largest_entry_whatever_the_last_digits():
    a = [_entry((0,), 0.10, 2.0000000003), _entry((1,), 0.30, 1.9999999997), _entry((2,), 0.20, 2.0)]
    for order in (a, a[::-1], [a[1], a[0], a[2]]):
        assert _tensor_result("W", (3,), order, 6, 3).worst_index == (1,)


def test_a_larger_relative_error_still_wins_and_exact_ties_take_the_first_index():
    big = _entry((2,), 0.01, 2.5)
    assert _tensor_result("W", (3,), [_entry((0,), 0.3, 2.0), big], 4, 3).worst_index == (2,)
    same = [_entry((4,), 0.2, 0.5), _entry((1,), 0.2, 0.5)]
    assert _tensor_result("W", (5,), same, 4, 5).worst_index == (1,)


def test_a_fail_outranks_an_inconclusive_entry_of_larger_error():
    shown = _tensor_result("W", (2,), [_entry((0,), 0.5, 9.0, "inconclusive"), _entry((1,), 0.1, 0.2)], 4, 2)
    assert shown.worst_index == (1,) and shown.status == "fail"
