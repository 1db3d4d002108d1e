"""An error of the code on data the grader invented says the guess may be the cause; an error while loading the
module, of another kind, or on data that was given, is left as the code's."""

from __future__ import annotations

from gradcheck.audit.guesserror import ONES_TRIED, explain

SHAPE = "IndexError: too many indices for array (in backward (line 35))"


def test_a_shape_error_on_invented_data_names_the_guess():
    said = explain(SHAPE, True)
    assert said.startswith(SHAPE) and "this is the guess failing, not a verdict on the code" in said


def test_others_are_left_as_they_are():
    assert explain(SHAPE, False) == SHAPE  # the instructor's data
    assert explain("ZeroDivisionError: division by zero (in backward)", True).startswith("ZeroDivisionError")
    assert "guess" not in explain("ZeroDivisionError: division by zero (in backward)", True)
    loading = "IndexError: too many indices for array (in loading (line 3))"
    assert explain(loading, True) == loading
    product = "ValueError: matmul: Input operand 1 has a mismatch in its core dimension 0 (in backward (line 25))"
    assert explain(product, True) == product  # the layouts tried tell the code's own mismatch from the guess's
    assert "guess failing" in explain("SystemExit: the submission called sys.exit(1) in forward", True)
    assert "guess failing" in explain("IndexError: arrays used as indices must be of integer type", True)


FOLDED_MATMUL = (
    "ValueError: matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
    "(n?,k),(k,m?)->(n?,m?) (size 4 is different from 3) (in forward (line 23))"
)
FOLDED_DOT = "ValueError: shapes (3,) and (4,4) not aligned: 3 (dim 0) != 4 (dim 0) (in forward (line 44))"


TRIED = [f"{ONES_TRIED}: it did not run either"]


def test_a_product_one_input_short_names_the_folded_bias_and_the_data_key():
    for error in (FOLDED_MATMUL, FOLDED_DOT):
        assert explain(error, True) == error  # no column of ones tried: a product of the code's own (a typo's 5)
        said = explain(error, True, TRIED)
        assert said.startswith(error)
        assert "3 values where the code's weights take 4" in said and "led by a 1" in said
        assert "[data] file" in said and "not a verdict on the code" in said
        assert explain(error, False, TRIED) == error  # the instructor's own data: the code's mismatch


def test_other_product_mismatches_stay_the_codes():
    two_apart = FOLDED_MATMUL.replace("size 4 is different from 3", "size 5 is different from 3")
    assert explain(two_apart, True, TRIED) == two_apart
    assert explain(FOLDED_DOT.replace("(in forward", "(in loading"), True, TRIED).endswith("(in loading (line 44))")


def test_a_missing_key_on_an_object_the_audit_built_names_the_construction():
    from gradcheck.audit.guesserror import on_inferred_object

    notes = ["MLP: layers = [3, 4, 1] invented", "MLP called with inferred arguments [[3, 4, 1]]"]
    error = "KeyError: 'W3' (in forward (line 46))"
    said = on_inferred_object(error, notes)
    assert said.startswith(error) and "MLP([3, 4, 1])" in said and "not a verdict on the code" in said
    assert on_inferred_object(error, notes[:1]) == error  # the instructor's own arguments: the code's error
    assert on_inferred_object("ZeroDivisionError: division by zero (in forward (line 9))", notes).startswith("Zero")
    assert "guess" not in on_inferred_object("ZeroDivisionError: division by zero (in forward (line 9))", notes)
    loading = "KeyError: 'W3' (in loading (line 3))"
    assert on_inferred_object(loading, notes) == loading
