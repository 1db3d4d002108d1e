"""The example submissions (files, a project folder, a class export): one audit by the README's command (shared
with the README's tests, see conftest), judged against examples/submissions/EXPECTED.toml."""

import contextlib
import io
import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gradcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "examples" / "submissions"
#: The folder as the audit's command line names it (the README's command, run from the checkout).
GIVEN = Path("examples/submissions")
EXPECTED = tomllib.loads((FOLDER / "EXPECTED.toml").read_text())["files"]
FAILING = sorted(n for n, e in EXPECTED.items() if e["verdict"] == "fail" and "audit" not in e)
#: Wrong files whose gradient cannot be read off their code: an honest error naming why.
ERRORS = sorted(n for n, e in EXPECTED.items() if e.get("audit") == "error")
PASSING = sorted(n for n, e in EXPECTED.items() if e["verdict"] == "pass" and "audit" not in e)
#: Correct files whose loss no zero-config audit can know (a sigmoid output, no loss in the code).
OPEN = sorted(n for n, e in EXPECTED.items() if e.get("audit") == "inconclusive")
TENSOR_KEYS = {"name", "shape", "status", "max_abs_error", "max_rel_error", "worst_index", "analytic", "numeric"}
SUBMISSION_KEYS = {"path", "status", "tensors", "diagnoses", "forward", "error"}
DIAGNOSIS_KEYS = {"code", "tensor", "message", "confidence"}
STATUSES = {"pass", "fail", "kink", "inconclusive", "error", "timeout"}
#: Verdicts on a gradient whose shape is not its parameter's: no entry is checked.
SHAPE_CODES = ("bias_not_summed", "shape_mismatch", "transposed")

#: The names each student gave their parameters, in their order (what the report must use).
STUDENT_NAMES = {
    "default_data_path_correct.py": [f"params['{k}{i}']" for i in (1, 2, 3) for k in ("W", "b")],
    "default_data_path_no_mean_bug.py": [f"params['{k}{i}']" for i in (1, 2, 3) for k in ("W", "b")],
    "demo_calls_updater_correct.py": ["W1", "b1", "W2", "b2"],
    "demo_calls_updater_preact_bug.py": ["W1", "b1", "W2", "b2"],
    "french_names_global_labels_correct.py": ["w1", "b1", "w2", "b2"],
    "french_names_global_labels_no_mean_bug.py": ["w1", "b1", "w2", "b2"],
    "alias_built_project_correct": [f"layers[{i}].{k}" for i in (0, 2) for k in ("W", "b")],
    "selector_cost_plan_correct.py": ["W[1]", "b[1]", "W[2]", "b[2]"],
    "relative_package_forward_grads_correct": [f"weights['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "relative_package_forward_grads_slope_bug": [f"weights['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "onehot_backward_layers_correct.py": [f"layers[{i}].{k}" for i in (0, 1) for k in ("W", "b")],
    "onehot_backward_layers_no_mean_bug.py": [f"layers[{i}].{k}" for i in (0, 1) for k in ("W", "b")],
    "rate_copied_layers_correct.py": [f"layers[{i}].{k}" for i in (0, 1) for k in ("W", "b")],
    "rate_copied_layers_tanh_prime_bug.py": [f"layers[{i}].{k}" for i in (0, 1) for k in ("W", "b")],
    "uncalled_xor_trainer_correct.py": ["W1", "b1", "W2", "b2"],
    "uncalled_xor_trainer_tanh_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "iteration_count_training_correct.py": ["W1", "b1", "W2", "b2"],
    "argparse_options_correct.py": ["W1", "b1", "W2", "b2"],
    "stack_finalize_project_correct": [f"layers[{i}].{k}" for i in (0, 2) for k in ("weights", "biases")],
    "stack_finalize_project_output_slope_bug": [f"layers[{i}].{k}" for i in (0, 2) for k in ("weights", "biases")],
    "argparse_options_no_mean_bug.py": ["W1", "b1", "W2", "b2"],
    "iteration_count_training_no_mean_bug.py": ["W1", "b1", "W2", "b2"],
    "global_train_function_correct.py": ["w1", "b1", "w2", "b2", "w3", "b3"],
    "global_train_function_preact_bug.py": ["w1", "b1", "w2", "b2", "w3", "b3"],
    "selector_cost_plan_no_output_slope_bug.py": ["W[1]", "b[1]", "W[2]", "b[2]"],
    "alias_built_project_sigmoid_twice_bug": [f"layers[{i}].{k}" for i in (0, 2) for k in ("W", "b")],
    "unpack_init_globals_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "unpack_init_globals_no_relu_mask_bug.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "module_stack_hidden_list_correct": [f"layers[{i}].params['{k}']" for i in (0, 2) for k in ("weight", "bias")],
    "module_stack_hidden_list_no_mean_bug": [f"layers[{i}].params['{k}']" for i in (0, 2) for k in ("weight", "bias")],
    "option_strings_dropout_rate_correct.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "option_strings_dropout_rate_db_unscaled_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "train_loop_inline_targets_correct.py": ["hidden.W", "hidden.b", "out.W", "out.b"],
    "loss_sets_batch_size_correct.py": ["W1", "b1", "W2", "b2"],
    "loss_sets_batch_size_tanh_bug.py": ["W1", "b1", "W2", "b2"],
    "init_params_activation_list_correct.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "init_params_activation_list_no_mean_bug.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "forwardprop_cache_lists_correct.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "forwardprop_cache_lists_slope_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "stateful_loss_layer_correct.py": ["hidden.W", "hidden.b", "out.W", "out.b"],
    "stateful_loss_layer_no_mean_bug.py": ["hidden.W", "hidden.b", "out.W", "out.b"],
    "fit_inserts_input_columns_correct.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2", "W3", "b3")],
    "fit_inserts_input_columns_db_unscaled_bug.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2", "W3", "b3")],
    "training_flag_layers_correct.py": ["hidden.W", "hidden.b", "out.W", "out.b"],
    "training_flag_layers_sign_bug.py": ["hidden.W", "hidden.b", "out.W", "out.b"],
    "adam_state_selu_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "adam_state_selu_no_mean_bug.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "propagate_step_appended_ones_correct.py": ["W[0]", "W[1]"],
    "propagate_step_appended_ones_sigmoid_twice_bug.py": ["W[0]", "W[1]"],
    "batch_backward_columns_correct.py": ["w1", "b1", "w2", "b2"],
    "batch_backward_columns_tanh_twice_bug.py": ["w1", "b1", "w2", "b2"],
    "bias_trick_ones_led_correct.py": ["W1", "W2"],
    "bias_trick_ones_led_no_mean_bug.py": ["W1", "W2"],
    "folded_bias_sample_list_tanh_bug.py": ["weights[0]", "weights[1]"],
    "tuple_pair_valid_labels_correct.py": ["params['W1']", "params['b1']", "params['W2']", "params['b2']"],
    "tuple_pair_valid_labels_tanh_bug.py": ["params['W1']", "params['b1']", "params['W2']", "params['b2']"],
    "compose_relay_x_correct.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "compose_relay_x_tanh_bug.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "xor_half_sum_mean_print_bug.py": ["w_hidden", "b_hidden", "w_out", "b_out"],
    "local_model_widths_correct.py": ["W1", "b1", "W2", "b2"],
    "local_model_widths_sum_bug.py": ["W1", "b1", "W2", "b2"],
    "main_trainer_data_loss_correct.py": ["Wa", "ba", "Wb", "bb"],
    "main_trainer_data_loss_no_mean_bug.py": ["Wa", "ba", "Wb", "bb"],
    "column_backprop_uncalled_correct.py": ["W[0]", "b[0]", "W[1]", "b[1]"],
    "column_backprop_uncalled_sign_bug.py": ["W[0]", "b[0]", "W[1]", "b[1]"],
    "image_reshape_sizes_call_correct.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "image_reshape_sizes_call_no_mean_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "pairs_total_cost_correct.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "pairs_total_cost_prime_at_activation_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "set_data_int_labels_correct.py": ["V", "W"],
    "set_data_int_labels_hidden_bias_sum_bug.py": ["V", "W"],
    "classes_ctor_mse_outputs_correct.py": ["inner.kernel", "inner.shift", "outer.kernel", "outer.shift"],
    "classes_ctor_mse_outputs_bug.py": ["inner.kernel", "inner.shift", "outer.kernel", "outer.shift"],
    "stored_batch_fit_correct.py": ["weights['W1']", "weights['b1']", "weights['W2']", "weights['b2']"],
    "stored_batch_fit_no_mean_bug.py": ["weights['W1']", "weights['b1']", "weights['W2']", "weights['b2']"],
    "globals_module_trainer_correct": ["weights_hidden", "bias_hidden", "weights_out", "bias_out"],
    "globals_module_trainer_preact_bug": ["weights_hidden", "bias_hidden", "weights_out", "bias_out"],
    "warmup_script_relu_correct.py": ["w_in", "w_out"],
    "warmup_script_relu_skipped_bug.py": ["w_in", "w_out"],
    "dropout_arg_logcosh_correct.py": ["W1", "b1", "W2", "b2"],
    "deep_cache_eps_relu_correct.py": ["W1", "b1", "W2", "b2"],
    "deep_cache_eps_relu_db_bug.py": ["W1", "b1", "W2", "b2"],
    "inline_dropout_l2_correct.py": ["W1", "b1", "W2", "b2"],
    "inline_dropout_l2_mask_forgotten_bug.py": ["W1", "b1", "W2", "b2"],
    "order_lists_net_correct.py": ["Ws[0]", "bs[0]", "Ws[1]", "bs[1]", "Ws[2]", "bs[2]", "Ws[3]", "bs[3]"],
    "order_lists_net_leaky_grad_bug.py": ["Ws[0]", "bs[0]", "Ws[1]", "bs[1]", "Ws[2]", "bs[2]", "Ws[3]", "bs[3]"],
    "tuple_params_hinge_correct.py": [
        "params[0].W",
        "params[0].b",
        "params[1].W",
        "params[1].b",
        "params[2].W",
        "params[2].b",
    ],
    "tuple_params_hinge_tanh_prime_bug.py": [
        "params[0].W",
        "params[0].b",
        "params[1].W",
        "params[1].b",
        "params[2].W",
        "params[2].b",
    ],
    "named_acts_network_correct.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "named_acts_network_tanh_prime_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "sample_weights_globals_correct.py": ["W1", "b1", "W2", "b2"],
    "sample_weights_globals_norm_bug.py": ["W1", "b1", "W2", "b2"],
    "param_modules_accumulate_correct.py": [
        "layers[0].weight",
        "layers[0].bias",
        "layers[2].weight",
        "layers[2].bias",
        "layers[4].weight",
        "layers[4].bias",
    ],
    "param_modules_accumulate_bias_mean_bug.py": [
        "layers[0].weight",
        "layers[0].bias",
        "layers[2].weight",
        "layers[2].bias",
        "layers[4].weight",
        "layers[4].bias",
    ],
    "propagate_logreg_correct.py": ["w", "b"],
    "softmax_inline_hidden_first_correct.py": ["W1", "b1", "W2", "b2"],
    "softmax_inline_hidden_first_tanh_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "hidden_first_return_correct.py": ["W1", "b1", "W2", "b2"],
    "hidden_first_return_relu_mask_bug.py": ["W1", "b1", "W2", "b2"],
    "columns_1d_regression_globals_correct.py": ["W1", "b1", "W2", "b2"],
    "columns_1d_regression_globals_half_bug.py": ["W1", "b1", "W2", "b2"],
    "fit_private_grads_correct.py": ["W_h", "b_h", "W_o", "b_o"],
    "fit_private_grads_sigmoid_self_bug.py": ["W_h", "b_h", "W_o", "b_o"],
    "train_inline_epochs_correct.py": ["W_in", "b_in", "W_out", "b_out"],
    "train_inline_epochs_tanh_prime_bug.py": ["W_in", "b_in", "W_out", "b_out"],
    "propagate_db_sum_bug.py": ["w", "b"],
    "propagate_main_optimize_correct.py": ["w", "b"],
    "propagate_main_model_dw_sum_bug.py": ["w", "b"],
    "fit_iters_attr_logreg_correct.py": ["weights", "bias"],
    "fit_iters_attr_logreg_double_w_bug.py": ["weights", "bias"],
    "flat_theta_jac_correct.py": ["A", "a", "B", "c"],
    "flat_theta_jac_no_tanh_prime_bug.py": ["A", "a", "B", "c"],
    "globals_cache_wrapper_correct.py": ["W1", "b1", "W2", "b2"],
    "globals_cache_wrapper_decay_bug.py": ["W1", "b1", "W2", "b2"],
    "eps_logloss_stack_correct.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "eps_logloss_stack_tanh_twice_bug.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "dropout_fixed_mask_correct.py": ["W1", "b1", "W2", "b2"],
    "dropout_fixed_mask_forgotten_bug.py": ["W1", "b1", "W2", "b2"],
    "l2_default_lam_correct.py": ["W1", "b1", "W2", "b2"],
    "l2_default_lam_output_bug.py": ["W1", "b1", "W2", "b2"],
    "toplevel_flags_correct.py": ["W1", "b1", "W2", "b2"],
    "toplevel_flags_tanh_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "noise_dict_attrs_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "noise_dict_attrs_relu_bug.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "flat_theta_cost_correct.py": ["W1", "b1", "W2", "b2"],
    "flat_theta_cost_db1_bug.py": ["W1", "b1", "W2", "b2"],
    "softmax_regression_param_script_correct.py": ["param"],
    "layers_added_unrun_data_correct": [],
    "columns_flat_labels_script_correct.py": ["W1", "b1", "W2", "b2"],
    "columns_flat_labels_script_tanh_bug.py": ["W1", "b1", "W2", "b2"],
    "node_graph_params_grad_correct.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "node_graph_params_grad_batch_bug.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "layer_pairs_attribute_correct.py": [f"layers[{i}].{n}" for i in range(3) for n in ("W", "b")],
    "optimizer_named_net_correct.py": ["W1", "b1", "W2", "b2"],
    "loss_state_project_correct": [f"layers[{i}].{n}" for i in (0, 2) for n in ("W", "b")],
    "sklearn_coefs_correct.py": [f"{k}[{i}]" for i in range(3) for k in ("coefs_", "intercepts_")],
    "minibatch_width_script_correct.py": ["W1", "b1", "W2", "b2"],
    "minibatch_width_script_squash_twice_bug.py": ["W1", "b1", "W2", "b2"],
    "ctor_loads_data_file_correct.py": ["W1", "b1", "W2", "b2"],
    "loss_by_name_default_correct.py": [f"layers[{i}].{k}" for i in (0, 2) for k in ("W", "b")],
    "loss_by_name_default_tanh_preact_bug.py": [f"layers[{i}].{k}" for i in (0, 2) for k in ("W", "b")],
    "rows_fixed_batch_correct.py": [],
    "course_tests_beside_model_correct": ["W1", "b1", "W2", "b2"],
    "layers_trained_in_tests_correct": [],
    "notebook_runs_modules_correct": ["stack[0].W", "stack[0].b", "stack[2].W", "stack[2].b"],
    "inner_helpers_forward_correct.py": ["W1", "b1", "W2", "b2"],
    "inner_helpers_forward_tanh_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "init_method_sizes_correct.py": ["w1", "w2"],
    "init_method_tanh_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "builder_add_softmax_correct.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "builder_net_add_mean_bug.py": [f"layers[{i}].{k}" for i in (0, 2, 4) for k in ("weights", "bias")],
    "dims_cache_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "arch_seed_relu_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "pairs_layers_correct.py": ["layers[0].W", "layers[0].b", "layers[1].W", "layers[1].b"],
    "pairs_net_prime_bug.py": ["net[0].W", "net[0].b", "net[1].W", "net[1].b"],
    "scores_then_probs_functions_bug.py": ["W1", "b1", "W2", "b2"],
    "float32_tanh_bce_correct.py": ["W1", "b1", "W2", "b2"],
    "float32_tanh_bce_bug.py": ["W1", "b1", "W2", "b2"],
    "hinge_margin_net_correct.py": ["W1", "b1", "W2", "b2"],
    "smoothed_ce_functions_correct.py": ["W1", "b1", "W2", "b2"],
    "smoothed_ce_functions_raw_targets_bug.py": ["W1", "b1", "W2", "b2"],
    "l1_penalty_regressor_correct.py": ["W1", "b1", "W2", "b2"],
    "l1_penalty_regressor_l2_term_bug.py": ["W1", "b1", "W2", "b2"],
    "huber_linear_functions_correct.py": ["W", "b"],
    "huber_linear_functions_no_clip_bug.py": ["W", "b"],
    "svm_scores_loss_and_grads_correct.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "svm_scores_loss_and_grads_no_mean_bug.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "inline_hinge_train_correct.py": ["W1", "b1", "W2", "b2"],
    "inline_hinge_train_margin_zero_bug.py": ["W1", "b1", "W2", "b2"],
    "autoencoder_838_relu_bug.py": ["W1", "b1", "W2", "b2"],
    "autoencoder_838_sigmoid_correct.py": ["W1", "b1", "W2", "b2"],
    "columns_correct.py": ["W1", "b1", "W2", "b2"],
    "cs231n_loss_correct.py": ["params['W1']", "params['b1']", "params['W2']", "params['b2']"],
    "grads_dict_correct.py": ["W1", "b1", "W2", "b2"],
    "grads_tuple_sign_bug.py": ["W1", "b1", "W2", "b2"],
    "inplace_ascent_correct.py": ["W1", "b1", "W2", "b2"],
    "inplace_correct.py": ["W1", "b1", "W2", "b2"],
    "inplace_tanh_bug.py": ["W1", "b1", "W2", "b2"],
    "lists_bias_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "logic_gates_correct.py": ["W1", "b1", "W2", "b2"],
    "missing_derivative_bug.py": [f"params['{n}']" for n in ("W1", "b1", "W2", "b2", "W3", "b3")],
    "module_stack_correct.py": [
        "layers[0].weight",
        "layers[0].bias",
        "layers[2].weight",
        "layers[2].bias",
        "layers[4].weight",
        "layers[4].bias",
    ],
    "nobias_2hidden_output_bug.py": ["W1", "W2", "W3"],
    "stored_grads_batch_bug.py": ["W1", "b1", "W2", "b2"],
    "transposed_bug.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "cs231n_softmax_correct.py": ["params['W1']", "params['b1']", "params['W2']", "params['b2']"],
    "derivative_functions_correct.py": ["W1", "b1", "W2", "b2"],
    "elu_alpha_correct.py": ["W1", "b1", "W2", "b2"],
    "fit_weights_correct.py": ["W_in", "b_in", "W_out", "b_out"],
    "half_sum_mse_correct.py": ["w_ih", "b_h", "w_ho", "b_o"],
    "layer_list_correct.py": ["network[0].weights", "network[0].bias", "network[2].weights", "network[2].bias"],
    "leaky_relu_slope_bug.py": ["W1", "b1", "W2", "b2"],
    "params_never_created_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "positional_softmax_correct.py": ["W1", "b1", "W2", "b2"],
    "script_correct.py": ["W1", "b1", "W2", "b2"],
    "softmax_onehot_missing_mean_bug.py": ["W1", "b1", "W2", "b2"],
    "tanh_output_correct.py": ["W1", "b1", "W2", "b2"],
    "two_bugs_bug.py": ["W1", "b1", "W2", "b2"],
    "class_export/alice/mlp.py": ["W1", "b1", "W2", "b2"],
    "class_export/bob/mlp.py": ["W1", "b1", "W2", "b2"],
    "class_export/carol/hw4/mlp.py": ["W1", "b1", "W2", "b2"],
    "project_correct": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "loss_params_first_two_bugs_bug.py": ["W1", "b1", "W2", "b2"],
    "myonn_verbatim_bug.py": ["wih", "who"],
    "myonn_hidden_path_two_bug.py": ["wih", "who"],
    "myonn_fixed_correct.py": ["wih", "who"],
    "train_step_layers_correct.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "classifier_project_correct": ["layers[0].weight", "layers[0].bias", "layers[2].weight", "layers[2].bias"],
    "sequential_main_bug": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "trask_script_preact_bug.py": ["syn0", "syn1"],
    "lists_init_network_bias_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "binary_mlp_t_y_correct.py": ["W1", "b1", "W2", "b2"],
    "binary_mlp_t_y_bias_bug.py": ["W1", "b1", "W2", "b2"],
    "proba_ravel_correct.py": ["W1", "b1", "W2", "b2"],
    "proba_ravel_double_mean_bug.py": ["W1", "b1", "W2", "b2"],
    "lists_pres_acts_correct.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "lists_pres_acts_clip_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "arch_dict_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "arch_dict_tanh_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "globals_init_correct.py": ["W1", "b1", "W2", "b2"],
    "globals_init_nb_mean_bug.ipynb": ["W1", "b1", "W2", "b2"],
    "weights_list_script_correct.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "weights_list_script_ascent_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "unrolled_cost_correct.py": ["Theta1", "Theta2"],
    "unrolled_cost_fortran_bug.py": ["Theta1", "Theta2"],
    "mnist_notebook_bias_sum_bug.ipynb": ["W1", "b1", "W2", "b2"],
    "mnist_notebook_correct.ipynb": ["W1", "b1", "W2", "b2"],
    "layer_array_project_correct": [f"layers[{i}].{n}" for i in range(3) for n in ("W", "bias")],
    "update_skips_last_layer_correct.py": [f"params['{k}{i}']" for i in (1, 2) for k in ("W", "b")],
    "layer_update_first_bug.py": [],
    "theta_methods_correct.py": ["W1", "b1", "W2", "b2"],
    "init_method_fixed_lr_correct.py": ["w_hidden", "w_output"],
    "l2_default_mse_delta_bug.py": ["weights[0]", "biases[0]", "weights[1]", "biases[1]"],
    "module_arch_kw_correct.py": ["W1", "b1", "W2", "b2"],
    "module_arch_kw_tanh_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "vcud_globals_correct.py": ["V", "c", "U", "d"],
    "vcud_globals_bias_bug.py": ["V", "c", "U", "d"],
    "pt_roles_correct.py": ["W1", "b1", "W2", "b2"],
    "pt_roles_mean_bug.py": ["W1", "b1", "W2", "b2"],
    "ascent_error_correct.py": ["w1", "bias1", "w2", "bias2"],
    "ascent_error_sign_bug.py": ["w1", "bias1", "w2", "bias2"],
    "lists_cached_softmax_correct.py": [f"{k}[{i}]" for i in range(3) for k in ("Ws", "bs")],
    "lists_cached_softmax_mean_bug.py": [f"{k}[{i}]" for i in range(3) for k in ("Ws", "bs")],
    "src_layout_project_correct": [f"layers[{i}].{n}" for i in (0, 2, 4) for n in ("W", "b")],
    "src_layout_project_leaky_bug": [f"layers[{i}].{n}" for i in (0, 2, 4) for n in ("W", "b")],
    "pair_batch_backprop_correct.py": ["weights[0]", "bias[0]", "weights[1]", "bias[1]"],
    "pair_batch_backprop_hidden_prime_bug.py": ["weights[0]", "bias[0]", "weights[1]", "bias[1]"],
    "layer_pairs_ann_correct.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "layer_pairs_ann_relu_ones_bug.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "moons_script_correct.py": ["W1", "b1", "W2", "b2"],
    "moons_script_tanh_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "named_layers_script_correct.py": ["weights_input_hidden", "bias_hidden", "weights_hidden_output", "bias_output"],
    "named_layers_script_tanh_at_activation_bug.py": [
        "weights_input_hidden",
        "bias_hidden",
        "weights_hidden_output",
        "bias_output",
    ],
    "loss_pair_layers_correct.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "loss_pair_layers_no_mean_bug.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "decisions_predict_fit_batch_correct.py": ["Wa", "ba", "Wb", "bb"],
    "decisions_predict_fit_batch_bug.py": ["Wa", "ba", "Wb", "bb"],
    "arch_wb_dict_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "arch_wb_dict_preact_bug.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "iris_globals_script_correct.py": ["Wh", "bh", "Wo", "bo"],
    "iris_globals_script_tanh_twice_bug.py": ["Wh", "bh", "Wo", "bo"],
    "float32_inplace_digits_correct.py": ["W1", "b1", "W2", "b2"],
    "float32_inplace_digits_relu_bug.py": ["W1", "b1", "W2", "b2"],
    "loss_grads_fn_correct.py": ["W1", "b1", "W2", "b2"],
    "loss_grads_fn_preact_bug.py": ["W1", "b1", "W2", "b2"],
    "activation_arg_class_correct.py": ["w1", "b1", "w2", "b2"],
    "activation_arg_class_rows_mean_bug.py": ["w1", "b1", "w2", "b2"],
    "nnfs_script_correct.py": [f"dense{i}.{n}" for i in (1, 2) for n in ("weights", "biases")],
    "nnfs_script_separate_loss_mean_bug.py": [f"dense{i}.{n}" for i in (1, 2) for n in ("weights", "biases")],
    "builder_fit_use_correct.py": [f"layers[{i}].{n}" for i in (0, 2) for n in ("weights", "bias")],
    "builder_fit_use_tanh_prime_bug.py": [f"layers[{i}].{n}" for i in (0, 2) for n in ("weights", "bias")],
    "assembled_layers_project_correct": [f"layers[{i}].{n}" for i in (0, 2) for n in ("weights", "bias")],
    "assembled_layers_project_bias_bug": [f"layers[{i}].{n}" for i in (0, 2) for n in ("weights", "bias")],
    "step_only_leaky_columns_correct.py": ["W1", "b1", "W2", "b2"],
    "step_only_leaky_columns_relu_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "acts_list_forward_correct.py": [f"{k}[{i}]" for i in range(2) for k in ("weights", "biases")],
    "acts_list_forward_tanh_prime_bug.py": [f"{k}[{i}]" for i in range(2) for k in ("weights", "biases")],
    "course_notebook_project_correct": [f"{k}{i}" for i in (1, 2, 3) for k in ("W", "b")],
    "course_notebook_project_scalar_db_bug": [f"{k}{i}" for i in (1, 2, 3) for k in ("W", "b")],
    "inplace_returns_weights_correct.py": ["W1", "b1", "W2", "b2"],
    "inplace_returns_weights_tanh_prime_bug.py": ["W1", "b1", "W2", "b2"],
    "neuron_dicts_seeds_correct.py": [],
    "neuron_loop_sample_correct.py": ["weights[0]", "weights[1]"],
    "neuron_loop_sample_update_first_bug.py": ["weights[0]", "weights[1]"],
    "globals_never_made_correct.py": ["W1", "c1", "W2", "c2"],
    "penalty_arg_dims_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "penalty_arg_dims_decay_bug.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "main_guard_globals_correct.py": ["W1", "b1", "W2", "b2"],
    "main_guard_globals_double_sigmoid_bug.py": ["W1", "b1", "W2", "b2"],
    "node_graph_units_correct.py": [],
    "fixed_weights_data_ctor_correct.py": ["W1", "b1", "W2", "b2"],
    "pattern_pairs_epochs_correct.py": ["w_ih", "w_ho"],
    "experiment_loop_holder_correct.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "loop_roles_it_names_correct.py": ["V", "c", "U", "d"],
    "loop_roles_it_names_delta_bug.py": ["V", "c", "U", "d"],
    "column_net_row_script_correct": [f"{k}[{i}]" for i in range(3) for k in ("Ws", "bs")],
    "loaders_beside_network_correct": [f"{k}[{i}]" for i in range(2) for k in ("W", "B")],
    "cells_saved_apart_correct": ["W1", "b1", "W2", "b2"],
    "forward_label_sample_correct.py": ["W1", "b1", "W2", "b2"],
    "dropout_keep_prob_correct.py": ["W1", "b1", "W2", "b2"],
    "dropout_always_on_correct.py": [],
    "layer_script_int_labels_correct.py": ["layer1.weights", "layer1.biases", "layer2.weights", "layer2.biases"],
    "trainer_class_fstring_keys_softmax_bug.py": ["W1", "b1", "W2", "b2"],
    "book_library_chapter_correct": ["params['W1']", "params['b1']", "params['W2']", "params['b2']"],
    "global_weight_lists_correct.py": [f"{k}[{i}]" for i in range(4) for k in ("weights", "biases")],
    "two_bugs_shape_and_value_bug.py": ["W1", "b1", "W2", "b2"],
    "long_way_bce_sigmoid_backward_at_activation_bug.py": ["W1", "b1", "W2", "b2"],
    "onehot_from_labels_columns_correct.py": ["W1", "b1", "W2", "b2"],
    "script_beside_helpers_correct": ["W1", "b1", "W2", "b2"],
    "script_beside_helpers_tanh_bug": ["W1", "b1", "W2", "b2"],
    "epoch_sgd_inplace_correct.py": ["W1", "W2"],
    "epoch_sgd_inplace_no_mask_bug.py": ["W1", "W2"],
    "epoch_batch_onehot_correct.py": ["W1", "W2"],
    "epoch_batch_onehot_no_mean_bug.py": ["W1", "W2"],
    "epoch_probs_inplace_correct.py": ["W1", "W2"],
    "epoch_probs_inplace_no_mask_bug.py": ["W1", "W2"],
    "loss_grad_tuple_train_correct.py": ["w1", "b1", "w2", "b2"],
    "loss_grad_tuple_train_sign_bug.py": ["w1", "b1", "w2", "b2"],
    "trainer_in_module_project_correct": ["W_hid", "W_out", "b_hid", "b_out"],
    "trainer_in_module_project_no_mean_bug": ["W_hid", "W_out", "b_hid", "b_out"],
    "held_loss_pair_project_correct": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "held_loss_pair_project_bce_bug": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "activation_objects_model_correct.py": ["W1", "b1", "W2", "b2"],
    "activation_objects_model_bias_sum_bug.py": ["W1", "b1", "W2", "b2"],
    "misspelled_forward_correct.py": ["W1", "b1", "W2", "b2"],
    "misspelled_forward_no_relu_mask_bug.py": ["W1", "b1", "W2", "b2"],
    "init_sizes_named_like_data_correct.py": ["W1", "b1", "W2", "b2"],
    "init_sizes_named_like_data_sigmoid_twice_bug.py": ["W1", "b1", "W2", "b2"],
    "experiment_cells_missing_data_correct.ipynb": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "experiment_cells_missing_data_bias_mean_bug.ipynb": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "add_layer_der_suffix_correct.py": ["layers[0].weights", "layers[0].bias", "layers[2].weights", "layers[2].bias"],
    "add_layer_der_suffix_at_output_bug.py": [
        "layers[0].weights",
        "layers[0].bias",
        "layers[2].weights",
        "layers[2].bias",
    ],
    "add_layer_sizes_per_sample_correct.py": [
        "layers[0].weights",
        "layers[0].biases",
        "layers[1].weights",
        "layers[1].biases",
    ],
    "add_layer_sizes_per_sample_update_first_bug.py": [],
    "add_layer_modules_project_correct": ["stack[0].w", "stack[0].b", "stack[2].w", "stack[2].b"],
    "float32_bias_store_correct.py": ["fc1.W", "fc1.b", "fc2.W", "fc2.b"],
    "float32_bias_store_no_mean_bug.py": ["fc1.W", "fc1.b", "fc2.W", "fc2.b"],
    "ctor_data_no_loss_correct.py": ["w_hidden", "w_out"],
    "ctor_data_no_loss_slope_bug.py": ["w_hidden", "w_out"],
    "init_returns_holder_correct.py": ["W1", "b1", "W2", "b2"],
    "init_returns_holder_no_mask_bug.py": ["W1", "b1", "W2", "b2"],
    "functions_beside_class_correct.py": ["W1", "b1", "W2", "b2"],
    "functions_beside_class_slope_bug.py": ["W1", "b1", "W2", "b2"],
    "transposing_forward_loss_correct.py": [f"params['{k}{i}']" for i in (1, 2) for k in ("W", "b")],
    "transposing_forward_loss_bias_sum_bug.py": [f"params['{k}{i}']" for i in (1, 2) for k in ("W", "b")],
    "retyped_loop_cells_correct.ipynb": ["layer1.weights", "layer1.biases", "layer2.weights", "layer2.biases"],
    "retyped_loop_cells_tanh_twice_bug.ipynb": ["layer1.weights", "layer1.biases", "layer2.weights", "layer2.biases"],
    "add_layer_modules_project_slope_at_output_bug": ["stack[0].w", "stack[0].b", "stack[2].w", "stack[2].b"],
    "one_pass_printed_grads_correct.py": ["W1", "b1", "W2", "b2"],
    "one_pass_printed_grads_bias_bug.py": ["W1", "b1", "W2", "b2"],
    "builder_method_layers_correct.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "builder_method_layers_sigmoid_bug.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "script_inline_dropout_correct.py": ["W1", "b1", "W2", "b2"],
    "layer_demo_given_gradient_correct.py": ["first.weight", "first.bias", "second.weight", "second.bias"],
    "main_local_weights_correct.py": ["W1", "b1", "W2", "b2"],
    "main_local_weights_tanh_bug.py": ["W1", "b1", "W2", "b2"],
    "main_local_helpers_correct.py": ["W1", "b1", "W2", "b2"],
    "main_local_helpers_relu_bug.py": ["W1", "b1", "W2", "b2"],
    "cs231n_reg_squared_correct.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "cs231n_reg_squared_bug.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "cs231n_self_reg_half_correct.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "cs231n_self_reg_half_bug.py": [f"params['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "renamed_loss_class_correct.py": [f"weights['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "renamed_loss_class_relu_mask_bug.py": [f"weights['{k}']" for k in ("W1", "b1", "W2", "b2")],
    "globals_list_nested_grads_correct.py": ["W_hid", "b_hid", "W_out", "b_out"],
    "globals_list_nested_grads_scale_bug.py": ["W_hid", "b_hid", "W_out", "b_out"],
    "online_outer_correct.py": ["W1", "b1", "W2", "b2"],
    "online_outer_sign_bug.py": ["W1", "b1", "W2", "b2"],
    "online_outer_sigmoid_twice_bug.py": ["w1", "b1", "w2", "b2"],
    "online_square_transpose_bug.py": [f"{k}[{i}]" for i in range(3) for k in ("W", "b")],
    "online_backprop_vectors_correct.py": [f"{k}[{i}]" for i in range(2) for k in ("weights", "biases")],
    "online_backprop_vectors_bug.py": [f"{k}[{i}]" for i in range(2) for k in ("weights", "biases")],
    "row_bias_flat_grad_correct.py": ["W_in", "b_in", "W_out", "b_out"],
    "row_bias_flat_grad_tanh_bug.py": ["W_in", "b_in", "W_out", "b_out"],
    "loglik_cost_correct.py": ["W1", "b1", "W2", "b2"],
    "loglik_cost_sigmoid_twice_bug.py": ["W1", "b1", "W2", "b2"],
    "cache_dict_forward_correct.py": ["W1", "b1", "W2", "b2"],
    "cache_dict_forward_db1_unscaled_bug.py": ["W1", "b1", "W2", "b2"],
    "learn_method_class_correct.py": [f"{k}[{i}]" for i in range(2) for k in ("weights", "biases")],
    "learn_method_class_tanh_twice_bug.py": [f"{k}[{i}]" for i in range(2) for k in ("weights", "biases")],
    "half_sse_script_correct.py": ["w_h", "b_h", "w_o", "b_o"],
    "half_sse_script_bias_total_bug.py": ["w_h", "b_h", "w_o", "b_o"],
    "step_helper_script_correct.py": ["W1", "b1", "W2", "b2"],
    "step_helper_script_tanh_twice_bug.py": ["W1", "b1", "W2", "b2"],
    "delta_layers_update_correct.py": [f"[{i}].{k}" for i in range(3) for k in ("weights", "biases")],
    "delta_layers_update_relu_bug.py": [f"[{i}].{k}" for i in range(3) for k in ("weights", "biases")],
    "online_label_branch_correct.py": ["W_hidden", "b_hidden", "W_out", "b_out"],
    "online_label_branch_sign_bug.py": ["W_hidden", "b_hidden", "W_out", "b_out"],
    "layer_step_later_correct.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "layer_step_later_bias_mean_bug.py": ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    "demo_then_train_project_correct": ["first.weight", "first.bias", "second.weight", "second.bias"],
    "demo_then_train_project_tanh_bug": ["first.weight", "first.bias", "second.weight", "second.bias"],
    "vector_output_float_bias_correct.py": ["w1", "b1", "w2", "b2"],
    "vector_output_float_bias_neglabel_bug.py": ["w1", "b1", "w2", "b2"],
    "default_reg_loss_correct.ipynb": ["W1", "b1", "W2", "b2"],
    "default_reg_loss_half_bug.ipynb": ["W1", "b1", "W2", "b2"],
    "softplus_guarded_bce_correct.py": ["W1", "b1", "W2", "b2"],
    "softplus_guarded_bce_at_output_bug.py": ["W1", "b1", "W2", "b2"],
    "columns_bias_sum_tuple_bug.py": ["W1", "b1", "W2", "b2"],
    "guarded_softmax_columns_correct.py": ["W1", "b1", "W2", "b2"],
    "guarded_softmax_columns_bias_sum_bug.py": ["W1", "b1", "W2", "b2"],
    "per_sample_script_project_correct": ["w_in", "b_in", "w_out", "b_out"],
    "per_sample_script_project_moved_weights_bug": ["w_in", "b_in", "w_out", "b_out"],
    "tanh_unit_script_correct.py": ["weights"],
    "tanh_unit_script_no_derivative_bug.py": ["weights"],
    "momentum_one_script_correct.py": ["pesos_oculta", "pesos_saida"],
    "momentum_one_script_preactivation_bug.py": ["pesos_oculta", "pesos_saida"],
    "keyword_loss_layers_correct.py": [f"layers[{i}].{k}" for i in (0, 2) for k in ("weights", "biases")],
    "keyword_loss_layers_shortcut_bug.py": [f"layers[{i}].{k}" for i in (0, 2) for k in ("weights", "biases")],
    "data_shape_count_correct.ipynb": ["W1", "b1", "W2", "b2"],
    "data_shape_count_tanh_twice_bug.ipynb": ["W1", "b1", "W2", "b2"],
    "logistic_regression_correct.py": ["W", "b"],
    "logistic_regression_no_mean_bug.py": ["W", "b"],
    "softmax_regression_int_labels_correct.py": ["W", "b"],
    "softmax_regression_int_labels_sign_bug.py": ["W", "b"],
    "linear_regression_correct.py": ["w", "b"],
    "linear_regression_factor_two_bug.py": ["w", "b"],
    "columns_tanh_relu_correct.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "columns_tanh_relu_two_bugs_bug.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "rows_sigmoid_stack_two_bugs_bug.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
    "dict_relu_pair_two_bugs_bug.py": ["W1", "b1", "W2", "b2", "W3", "b3"],
}


def _codes(expected) -> list[str]:
    """The acceptable primary diagnosis codes (one, or a list: the precise one first)."""
    return [expected] if isinstance(expected, str) else list(expected)


def _cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _only_folder(out: Path) -> Path:
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    return folders[0]


@pytest.fixture(scope="module")
def audit(examples_audit):
    """The README's audit of every example (conftest: one run shared with the README's tests), its
    report read from the report.json it wrote."""
    proc, folder = examples_audit.proc, examples_audit.folder
    data = json.loads((folder / "report.json").read_text())
    by_name = {Path(s["path"]).relative_to(GIVEN).as_posix(): s for s in data["submissions"]}
    return {"code": proc.returncode, "data": data, "by_name": by_name, "folder": folder, "proc": proc}


def test_every_expected_file_is_audited(audit):
    assert set(audit["by_name"]) == set(EXPECTED)
    assert len(audit["data"]["submissions"]) == len(EXPECTED) >= 33
    assert set(STUDENT_NAMES) == set(EXPECTED)


def test_top_level_json(audit):
    data = audit["data"]
    assert data["status"] == ("error" if ERRORS else "fail")  # an error outranks a fail
    assert isinstance(data["submissions"], list)
    # in the order discovered: the folder's files (sorted), then its sub-folders (sorted)
    paths = [s["path"] for s in data["submissions"]]
    files = [p for p in paths if Path(p).parent == GIVEN and (ROOT / p).is_file()]
    assert files == sorted(files) and paths[: len(files)] == files


def test_exit_code_1_when_some_fail(audit):
    assert audit["code"] == 1, audit["proc"].stderr[-2000:]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_verdict(audit, name):
    s = audit["by_name"][name]
    expected = EXPECTED[name].get("audit", EXPECTED[name]["verdict"])
    assert s["status"] == expected, (s["status"], s["error"], [d["code"] for d in s["diagnoses"]])


@pytest.mark.parametrize("name", OPEN)
def test_correct_files_of_unknown_loss_say_which_loss_they_fit(audit, name):
    """Not a pass and not a fail: the gradient is exact for one loss, and the message says how to declare it."""
    s = audit["by_name"][name]
    top = s["diagnoses"][0]
    assert top["code"] == "loss_undetermined", [d["code"] for d in s["diagnoses"]]
    fits = EXPECTED[name].get("fits", EXPECTED[name]["loss"])  # the loss the gradient handed over is exact for
    assert f'name = "{fits}"' in top["message"] and "it is wrong" in top["message"]
    assert all(t["status"] in ("pass", "kink") for t in s["tensors"])


@pytest.mark.parametrize("name", ERRORS)
def test_unreadable_gradients_are_an_error_saying_why(audit, name):
    s = audit["by_name"][name]
    # nothing checked and no bug named: at most the refusal's own code (a forward random on every call)
    assert s["tensors"] == [] and {d["code"] for d in s["diagnoses"]} <= {"random_forward"}, s["diagnoses"]
    assert EXPECTED[name]["error"] in s["error"], s["error"]


@pytest.mark.parametrize("name", FAILING)
def test_top_diagnosis(audit, name):
    s = audit["by_name"][name]
    if EXPECTED[name]["diagnosis"] == "none":  # a real bug no catalogued mutant reproduces: nothing is made up
        assert {d["code"] for d in s["diagnoses"]} <= {"localized"}, s["diagnoses"]
        assert any(t["status"] == "fail" for t in s["tensors"])
        return
    assert s["diagnoses"], s
    assert s["diagnoses"][0]["code"] in _codes(EXPECTED[name]["diagnosis"]), [d["code"] for d in s["diagnoses"]]
    if s["diagnoses"][0]["code"] in SHAPE_CODES and s["error"]:  # a wrong shape: said; the others checked around it
        assert "shape" in s["error"]
        unshaped = [t for t in s["tensors"] if t["max_rel_error"] is None]  # no entry comparable
        assert unshaped and all(t["status"] == "fail" for t in unshaped), s["tensors"]
        assert any(t["name"] in s["error"] for t in unshaped), s["error"]
        if "wrong" in EXPECTED[name]:
            assert [t["name"] for t in s["tensors"] if t["status"] == "fail"] == EXPECTED[name]["wrong"]
        return
    assert s["error"] is None
    if "wrong" in EXPECTED[name]:
        assert [t["name"] for t in s["tensors"] if t["status"] == "fail"] == EXPECTED[name]["wrong"]
    assert any(t["status"] == "fail" for t in s["tensors"]) or s["diagnoses"][0]["code"] == "forward_mismatch"


#: Per-sample code whose sign is wrong for one label only (a branch on the target).
LABEL_SIGN = ["online_label_branch_sign_bug.py", "vector_output_float_bias_neglabel_bug.py"]


@pytest.mark.parametrize("name", LABEL_SIGN)
def test_a_sign_wrong_on_some_labels_is_said_of_those_samples(audit, name):
    """Checked on samples of both labels, the gradient's sign is wrong on one only: never "every gradient"."""
    top = audit["by_name"][name]["diagnoses"][0]
    assert top["code"] == "sign_flip"
    assert "Every gradient has the wrong sign" not in top["message"]
    assert "the sign error depends on the sample" in top["message"]
    assert "(target 0)" in top["message"] and "(target 1)" in top["message"]


def test_a_guarded_softmax_residue_is_no_second_bug(audit):
    """A bias summed without an axis under a softmax guarded by 1e-12: one bug, not a stray factor beside it."""
    s = audit["by_name"]["guarded_softmax_columns_bias_sum_bug.py"]
    assert [d["code"] for d in s["diagnoses"]] == ["shape_mismatch"], s["diagnoses"]
    assert "Bug 1 of" not in s["diagnoses"][0]["message"]


def test_a_wrong_shape_beside_a_wrong_value_names_both_bugs(audit):
    s = audit["by_name"]["two_bugs_shape_and_value_bug.py"]
    codes = [d["code"] for d in s["diagnoses"]]
    assert codes[0] == "bias_not_summed" and "derivative_at_activation" in codes, codes
    assert {t["name"]: t["status"] for t in s["tensors"]} == {"W1": "fail", "b1": "fail", "W2": "pass", "b2": "pass"}


@pytest.mark.parametrize("name", PASSING)
def test_passing_files_have_no_diagnoses(audit, name):
    s = audit["by_name"][name]
    assert [d["code"] for d in s["diagnoses"]] == (["loss_assumed"] if EXPECTED[name].get("assumed") else [])
    assert s["error"] is None
    assert all(t["status"] in ("pass", "kink") for t in s["tensors"])
    assert s["forward"]["status"] == EXPECTED[name].get("forward", "match")  # unavailable: no forward in the code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_submission_json_contract(audit, name):
    s = audit["by_name"][name]
    assert SUBMISSION_KEYS <= set(s)
    assert s["status"] in STATUSES
    assert s["path"] == str(GIVEN / name)
    shape_verdict = s["diagnoses"] and s["diagnoses"][0]["code"] in SHAPE_CODES and s["status"] == "fail"
    assert s["tensors"] or shape_verdict or name in ERRORS, "no tensors reported"
    for t in s["tensors"]:
        assert TENSOR_KEYS <= set(t), t.keys()
        assert t["status"] in STATUSES
        assert isinstance(t["shape"], list) and all(isinstance(d, int) for d in t["shape"])
        assert isinstance(t["worst_index"], list)
        # a tensor with no entry compared one by one (a wrong shape, or screened as a whole) has no worst one
        assert len(t["worst_index"]) == len(t["shape"]) or (t["checked"] == 0 and t["worst_index"] == [])
        for key in ("max_abs_error", "max_rel_error", "analytic", "numeric"):
            assert t[key] is None or isinstance(t[key], (int, float)), (key, t[key])
    for d in s["diagnoses"]:
        assert DIAGNOSIS_KEYS <= set(d)
        assert 0.0 <= d["confidence"] <= 1.0
        assert isinstance(d["message"], str) and d["message"]
    fwd = s["forward"]
    assert (fwd is None and name in ERRORS) or {"status", "max_abs_error", "network"} <= set(fwd)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_tensors_use_the_students_names(audit, name):
    s = audit["by_name"][name]
    names = [t["name"] for t in s["tensors"]] or [p for p in STUDENT_NAMES[name] if p in (s["error"] or "")]
    if not s["tensors"]:  # a shape verdict: the error names the student's tensor
        assert names or name in ERRORS, s["error"]
        return
    assert names == STUDENT_NAMES[name]
    for d in s["diagnoses"]:
        if d["tensor"] is not None:
            assert set(d["tensor"].split(", ")) <= set(names), d["tensor"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reproduce_command(audit, name):
    s = audit["by_name"][name]
    assert s["command"] == f"python -m gradcheck audit {GIVEN / name}"


def test_per_submission_result_files(audit):
    sub = audit["folder"] / "submissions"
    files = sorted(p.relative_to(sub).as_posix() for p in sub.rglob("*.json"))
    assert files == sorted(f"{n}.json" for n in EXPECTED)  # the three mlp.py kept apart
    for name in EXPECTED:
        d = json.loads((sub / f"{name}.json").read_text())
        assert d["status"] == audit["by_name"][name]["status"]
        assert d["digest"]


def test_report_txt_file_is_what_was_printed(audit):
    assert audit["proc"].stdout == (audit["folder"] / "report.txt").read_text() + "\n"  # print's newline


def test_junit_xml(audit):
    root = ET.parse(audit["folder"] / "junit.xml").getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(EXPECTED)
    assert int(suite.get("tests")) == len(EXPECTED)
    assert int(suite.get("failures")) == len(FAILING)
    assert int(suite.get("errors")) == len(ERRORS)
    failed = {Path(c.get("name")).relative_to(GIVEN).as_posix() for c in cases if c.find("failure") is not None}
    assert failed == set(FAILING) | set(OPEN)
    for c in cases:
        f, name = c.find("failure"), Path(c.get("name")).relative_to(GIVEN).as_posix()
        if f is not None:
            codes = ["loss_undetermined"] if name in OPEN else _codes(EXPECTED[name]["diagnosis"])
            assert f.get("message") in [*codes, "fail"] if codes == ["none"] else f.get("message") in codes
            assert "reproduce: python -m gradcheck audit" in f.text
        out = c.find("system-out")
        assert (out is not None and "loss_assumed" in out.text) == bool(EXPECTED[name].get("assumed"))


def test_markdown_summary_table(audit):
    md = (audit["folder"] / "report.md").read_text()
    assert md.startswith("# gradcheck audit: ERROR" if ERRORS else "# gradcheck audit: FAIL")
    assert "| submission | verdict | shape | wrong entries | diagnosis | points |" in md
    for name in EXPECTED:
        row = next(line for line in md.splitlines() if line.startswith(f"| `{GIVEN / name}`"))
        if name in FAILING:
            codes = _codes(EXPECTED[name]["diagnosis"])
            assert codes == ["none"] or any(f"`{code}`" in row for code in codes)
            assert f"## `{GIVEN / name}`" in md
        elif name in OPEN:
            assert "`loss_undetermined`" in row and f"## `{GIVEN / name}`" in md
        elif name in ERRORS:
            assert f"## `{GIVEN / name}`" in md
        else:
            assert ("`loss_assumed`" in row) == bool(EXPECTED[name].get("assumed"))
            assert f"## `{GIVEN / name}`" not in md


def test_other_report_files_written(audit):
    for name in ("report.json", "report.md", "junit.xml", "results.json", "report.html"):
        assert (audit["folder"] / name).stat().st_size > 0, name
    json.loads((audit["folder"] / "results.json").read_text())


def test_no_temp_files_left_in_report_folder(audit):
    leftovers = [p for p in audit["folder"].rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


#: Correct files of several shapes, one in every 16 (each one's own verdict is checked on the whole folder above).
SOME_PASSING = PASSING[::16]


def test_exit_code_0_on_correct_files_only(tmp_path):
    assert len(SOME_PASSING) >= 8
    paths = [str(FOLDER / n) for n in SOME_PASSING]
    code, stdout, stderr = _cli(["audit", *paths, "--format", "json", "--jobs", "2", "--output", str(tmp_path)])
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["status"] == "pass"
    assert sorted(Path(s["path"]).relative_to(FOLDER).as_posix() for s in data["submissions"]) == SOME_PASSING
    # --format json prints what report.json holds
    on_disk = json.loads((_only_folder(tmp_path) / "report.json").read_text())
    assert [(s["path"], s["status"]) for s in on_disk["submissions"]] == [
        (s["path"], s["status"]) for s in data["submissions"]
    ]
