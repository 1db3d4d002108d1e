"""Entry functions named by a pass word with a prefix or suffix are found; two such functions are not guessed."""

from gradcheck.audit.adapters.names import BACKWARD_NAMES, FORWARD_NAMES
from gradcheck.audit.adapters.shapes.functions import first_named


def _fns(*names):
    return {n: (lambda: None) for n in names}


def test_exact_names_come_first():
    assert first_named(_fns("net_backward", "backward"), BACKWARD_NAMES) == "backward"


def test_one_affixed_pass_function_is_the_entry():
    assert first_named(_fns("make_params", "net_forward", "net_backward"), BACKWARD_NAMES) == "net_backward"
    assert first_named(_fns("make_params", "net_forward", "net_backward"), FORWARD_NAMES) == "net_forward"
    assert first_named(_fns("backprop_two_layer", "softmax"), BACKWARD_NAMES) == "backprop_two_layer"


def test_two_affixed_candidates_are_ambiguous():
    assert first_named(_fns("layer_backward", "net_backward"), BACKWARD_NAMES) is None


def test_a_word_inside_another_is_not_a_pass_name():
    assert first_named(_fns("forwarder_setup", "backwardness_score"), BACKWARD_NAMES) is None
    assert first_named(_fns("forwarder_setup"), FORWARD_NAMES) is None


def test_an_initializer_named_with_an_init_word_is_found_when_no_usual_name_is():
    from gradcheck.audit.adapters.names import INIT_FUNC_NAMES

    assert first_named(_fns("init_deep", "model_forward", "model_backward"), INIT_FUNC_NAMES) == "init_deep"
    assert first_named(_fns("init_deep", "init_params"), INIT_FUNC_NAMES) == "init_params"  # a usual name first
    assert first_named(_fns("init_deep", "init_velocity"), INIT_FUNC_NAMES) is None  # two: ambiguous
    assert first_named(_fns("__init__", "feedforward"), INIT_FUNC_NAMES) is None  # a method outside its class
