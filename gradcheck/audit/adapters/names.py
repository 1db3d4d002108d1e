"""The vocabulary students use: method, argument and parameter names, and what they mean.

Pure string rules, no student code: which method names mean "forward" or "backward",
which argument names play which role (``X``, ``Y``, ``lr``, ``cache``...), which array
names are weights, biases or gradients, and how to put a parameter name in canonical
form so that ``weights_ih``, ``W_ih`` and ``dW_ih`` meet.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

FORWARD_NAMES = [
    "forward",
    "feedforward",
    "feed_forward",
    "feed",
    "forward_propagation",
    "forward_pass",
    "forward_prop",
    "forwardprop",
    "l_model_forward",
    "model_forward",
    "predict_proba",
    "predict_probs",
    "probabilities",
    "probs",
    "query",
    "think",
    "fprop",
    "full_forward_propagation",
    "full_forward",
    "forward_propagate",
    "propagate",
    "inference",
    "_forward",
    "__call__",
    "predict",
]
GRAD_METHODS = [
    "backward",
    "backprop",
    "backpropagation",
    "backward_propagation",
    "backward_propagate",
    "backward_pass",
    "back_propagation",
    "backpropagate",
    "backward_prop",
    "back_prop",
    "l_model_backward",
    "model_backward",
    "full_backward_propagation",
    "full_backward",
    "compute_gradients",
    "compute_grads",
    "gradients",
    "get_gradients",
    "gradient",
    "grads",
    "get_grads",
    "compute_gradient",
    "calculate_gradients",
    "calc_gradients",
    "compute_grad",
    "grad",
    "loss_and_grad",
    "loss_and_gradients",
    "propagate",  # Coursera's logistic regression: propagate(w, b, X, Y) -> (grads, cost)
    "_backward",
    "_backprop",
    "_back_prop",
]
#: Methods that (usually) also update the weights; tried after the gradient ones and CS231n ``loss``.
TRAIN_METHODS = [
    "train_step",
    "fit_step",
    "fit_batch",
    "train_batch",
    "train_on_batch",
    "partial_fit",
    "sgd_step",
    "update_weights",
    "step",
    "update",
    "train",
    # one epoch of mini-batch SGD on weights passed in and updated in place (``nn_epoch(X, y, W1, W2, lr, batch)``)
    "nn_epoch",
    "train_epoch",
    "sgd_epoch",
    "run_epoch",
    "fit_epoch",
]
BACKWARD_NAMES = GRAD_METHODS + TRAIN_METHODS
#: Training methods of a model class only, tried last: a module function of that name is often the
#: script's own per-pattern step (``learn(I, T, H, O, eta)``) that its loop drives with a forward's values.
CLASS_TRAIN_METHODS = ["learn"]
#: An sklearn-style model's one training method, tried after every other (with or without a forward): it
#: often makes the weights it trains (:mod:`gradcheck.audit.adapters.madeinside`).
FIT_METHODS = ["fit"]
INIT_FUNC_NAMES = [
    "initialize_parameters",
    "random_initialization",
    "random_init",
    "initialize_parameters_deep",
    "init_params",
    "initialize_params",
    "init_parameters",
    "initialize_weights",
    "init_weights",
    "init_network",
    "initialize_network",
    "initialise_parameters",
    "initialise_weights",
    "create_params",
    "make_params",
    "init_model",
    "init_layers",
    "initialize_layers",
    "initialize",
    "init",
    "initialize_with_zeros",  # Coursera's logistic regression: (w, b) for dim inputs
    "make_net",  # make_net(sizes, seed) -> (Ws, bs)
    "make_network",
    "build_net",
    "build_network",
    "create_net",
    "create_network",
    "init_net",
    "build_model",  # build_model(n_in, n_hidden, n_out) -> an object holding the weights
    "create_model",
    "make_model",
]
#: How close a function's name must be to a known one to be taken for a misspelling of it (difflib's ratio:
#: ``forward_propagetaion`` to ``forward_propagation`` is 0.92, ``feedfoward`` to ``feedforward`` 0.95,
#: ``backward_propagation`` to it 0.67, ``net_backward`` to ``_backward`` 0.86): a letter or two swapped, dropped
#: or doubled, never another word (an affixed name, ``nn_forward``, is :func:`first_named`'s to place).
MISSPELT_RATIO = 0.9


#: Letters changed, dropped, added or swapped at most in a misspelling: ``forward_propagetaion`` is 2 from
#: ``forward_propagation``; ``model_backforward`` (a word put in, not a slip) is 3 from ``model_backward``.
MISSPELT_EDITS = 2


def _edits(a: str, b: str) -> int:
    """The optimal-string-alignment distance of ``a`` and ``b``: insertions, deletions, substitutions and swaps of
    two neighbouring letters, each one edit."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


#: Every pass, initializer and training name: a function called one of them misspells none.
_VOCABULARY = frozenset(n.lower() for n in (*FORWARD_NAMES, *BACKWARD_NAMES, *INIT_FUNC_NAMES, *FIT_METHODS))


def misspelt(defined: Iterable[str], names: list[str]) -> tuple[str, str] | None:
    """(defined name, the known name it misspells) for the one name in ``defined`` that is close to one of
    ``names`` (``forward_propagetaion`` for ``forward_propagation``) and is itself no name of the vocabulary;
    None when none or several are."""
    found = []
    for name in defined:
        low = name.lower()
        if low in _VOCABULARY or low.startswith("__"):
            continue
        close = difflib.get_close_matches(low, [n for n in names if not n.startswith("_")], 1, MISSPELT_RATIO)
        if close and _edits(low, close[0]) <= MISSPELT_EDITS:
            found.append((name, close[0]))
    return found[0] if len(found) == 1 else None


MODEL_HINT = re.compile(r"(net|network|model|mlp|nn|perceptron|classifier|regressor)", re.I)
LOSS_CLASS = re.compile(
    r"(loss|mse|bce|crossentropy|cross_entropy|cost|criterion|squared_?error|mean_?squared|entropy|nll)", re.I
)


def loss_named(cls: type) -> bool:
    """A class named like a loss, or deriving from one (``class MeanSquared(Loss)``)."""
    return any(LOSS_CLASS.search(c.__name__) for c in getattr(cls, "__mro__", (cls,))[:-1])


#: Classes named like one layer of a network (not the model): ``Tanh``, ``Linear``, ``DenseLayer``.
LAYER_CLASS = re.compile(
    r"^(tanh|relu|leaky_?relu|l?relu|sigmoid|softmax|linear|dense|layer|activation|elu|identity|dropout|"
    r"fully_?connected|fc|affine|perceptron_?layer|hidden_?layer|output_?layer|input_?layer)(_?layer)?\d*$"
    r"|^(activation|layer)_[a-z0-9_]+$",  # the NNFS book's Layer_Dense, Activation_ReLU, Activation_Softmax
    re.I,
)
#: An L2 penalty's strength (``lambd``, ``reg``, ``weight_decay``).
PENALTY_NAME = re.compile(
    r"^(reg|regulari[sz]ation|reg_?lambda|lambd?a?_?|lmbda|lamda|lam|lamb|l2|l2_?reg|l2_?lambda|l2_?lam|l1|l1_?lambda"
    r"|weight_?decay|penalty)$",
    re.I,
)
#: The penalty a backward and a loss that both take one are given: the same value to both, so
#: the gradient of the penalized loss is checked (0 would hide a penalty term written wrong).
PENALTY_VALUE = 0.1
#: An optimizer's class (``SGD``, ``AdamOptimizer``, ``MomentumSGD``), never a network trained with one
#: (``MomentumMLP``, ``SGDNet``, ``AdamNetwork``): after the optimizer's name only another one or a number.
OPTIM_CLASS = re.compile(
    r"^((sgd|adam|adamw|rmsprop|momentum|nesterov|adagrad|adadelta)_?)+(optimi[sz]er)?\d*$|^optimi[sz]er\w*$"
    r"|^\w+_?optimi[sz]er\d*$"  # any name ending in Optimizer (EstocasticOptimizer): a class that updates, no model
    r"|^\w*_?(lr_?)?(scheduler|schedule|decay)\d*$",  # CosineAnnealingScheduler: it sets a learning rate, no model
    re.I,
)
LOSS_DERIV_FUNC = re.compile(
    r"((mse|sse|bce|loss|cost|cross_?entropy|x_?ent|nll|error|mean_?squared?).*(deriv|prime|grad|backward|diff|_d$|_der$))"
    r"|(^d_?(mse|loss|bce|cost|cross_?entropy|mae|huber|hinge|log_?cosh|mean_?squared?)$)",
    re.I,
)

_ROLE_NAMES: dict[str, str] = {
    "X": "x inputs input input_data data features x_batch xb x_train a a0 samples x_in inp input_x xs "
    "batch_x in_data input_list inputs_list images imgs pixels x_data xdata input_batch",
    "Y": "y targets target labels label y_true ytrue t y_train yb y_batch expected desired actual "
    "ground_truth y_target ys batch_y true y_actual truth gt y_real one_hot_y y_onehot target_list "
    "targets_list y_one_hot one_hot_encoding one_hot_labels one_hot_targets onehot_labels true_values "
    "target_values actual_values onehot one_hot y_onehot_train onehot_targets y_data ydata target_batch label_batch",
    "out": "output out o y_hat yhat y_pred ypred pred preds prediction predictions predicted al outputs "
    "y_predicted a_out final_output output_data logits scores probs output_activations predicted_values "
    "output_values probabilities prob y_prob p_hat",
    "lr": "lr learning_rate eta alpha step_size learningrate lrate rate l_rate learn_rate stepsize learning_step "
    "taxa_aprendizagem tx_aprendizagem taxa_de_aprendizagem tasa_aprendizaje tasa_de_aprendizaje "
    "taux_apprentissage taux_d_apprentissage tasso_apprendimento lernrate",
    # (and the same words in French, Spanish, Italian, German: parametres = initialisation(n0, n1, n2, n3))
    "params": "params parameters theta param network net model weights_dict params_values param_values "
    "parametres parametros parametri parameter",
    "cache": "cache caches forward_cache store memory cached intermediates",
    "dout": "grad dout dy grad_output grad_out delta dl_dy d_out upstream upstream_grad da dl dloss "
    "loss_grad output_gradient output_grad gradient grad_y dvalues dz d_output dldy grad_in error_grad",
    "epochs": "epochs epoch n_epochs num_epochs iterations iters n_iter num_iter num_iterations "
    "n_iterations max_iter n_steps num_steps num_iters n_iters max_iters n_epoch nepochs iter_no iter_num "
    "num_iteration no_of_iterations epoch_count episode episodes n_episodes num_episodes",
    "batch_size": "batch_size batchsize mini_batch_size m n_samples num_samples num_examples n_examples",
    "verbose": "verbose print_cost print_loss plot show log debug",
    # a forward that keeps what its backward reads only in training mode (``forward(X, training=False)``)
    "training": "training is_training train_mode training_mode",
    "seed": "seed random_state rng_seed",
    # dropout's knobs: a gradient check needs the forward it checks to be the same on every run
    "keep_prob": "keep_prob keep_probability keep_rate prob_keep keepprob",
    "drop_rate": "dropout dropout_rate drop_rate drop_prob dropout_prob p_drop p_dropout drop_p",
    # a list of layer dicts passed to every function (see gradcheck.audit.adapters.archlist)
    "arch": "nn_architecture nn_arch net_architecture network_architecture layers_config",
}
#: The values of dropout's knobs while checking: nothing dropped (see :data:`_ROLE_NAMES`).
NO_DROPOUT = {"keep_prob": 1.0, "drop_rate": 0.0}
ROLES: dict[str, set[str]] = {role: set(names.split()) for role, names in _ROLE_NAMES.items()}
ROLE_OF = {name: role for role, names in ROLES.items() for name in names}
LR_NAMES = sorted(ROLES["lr"])

SIZE_LIST_NAMES = set(
    "layers sizes layer_sizes layer_dims layers_dims layer_dimensions dimensions architecture arch dims shape "
    "topology structure nodes neurons units layer_size layer_sizes_list layer_units net_size "
    "hidden_layer_sizes hidden_sizes hidden_layers".split()
)
_HIDDEN_TOKENS = {"hidden", "hid", "h", "nh", "hdim", "hiddens", "neurons", "units"}
_OUT_TOKENS = set("output outputs out y ny classes nclasses noutput noutputs outdim targets labels num_labels".split())
_IN_TOKENS = set("input inputs in x nx inp ninput ninputs indim features feature din".split())
#: Words naming what is no size (``output_activation``, ``hidden_init``, ``input_dropout``): never a size argument.
_NOT_SIZE_TOKENS = set(
    "activation activations act acts fn func function functions type kind init initializer initialization "
    "dropout rate loss mode name names scale std bias biases".split()
)


#: Words run together (``inputnodes``, ``hiddennodes2``, ``numclasses``): a part names the size.
_COMPOUND = (("hidden", "hidden"), ("input", "n_in"), ("feature", "n_in"), ("output", "n_out"), ("class", "n_out"))


def snake(name: str) -> str:
    """``learningRate`` -> ``learning_rate``."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


#: ``training_iterations``, ``train_inputs``, ``training_outputs``: the training set's inputs, targets or
#: epochs (a training set's outputs are its targets; ``train_pred`` or ``train_out`` name nothing).
_TRAINING_PREFIX = re.compile(r"^(training|train|trn)_(?P<rest>\w+)$")


#: ``input_vector``, ``output_array``, ``target_data``: a value named by what it holds and the kind of container.
_CONTAINER_SUFFIX = re.compile(r"^(?P<rest>\w+?)_(vector|vec|array|arr|matrix|mat|data|values|batch)$")
#: ``expected_output``, ``desired_outputs``, ``true_output``: what the network should output, the targets.
_WANTED_OUTPUT = re.compile(r"^(expected|desired|target|true|correct|actual)_outputs?$")


def role_of(pname: str) -> str | None:
    """The role an argument named ``pname`` plays (``X``, ``Y``, ``lr``, ...), or None."""
    low = pname.lower()
    if low in ROLE_OF:
        return ROLE_OF[low]
    low = snake(pname)
    if low in ROLE_OF:
        return ROLE_OF[low]
    if _WANTED_OUTPUT.match(low):
        return "Y"
    if (m := _CONTAINER_SUFFIX.match(low)) is not None and ROLE_OF.get(m["rest"]) in ("X", "Y", "out"):
        return ROLE_OF[m["rest"]]
    if (m := _TRAINING_PREFIX.match(low)) is None:
        return None
    rest = m["rest"]
    if rest in ("output", "outputs"):
        return "Y"
    return role if (role := ROLE_OF.get(rest)) in ("X", "Y", "epochs") else None


def size_role(pname: str) -> str | None:
    """``n_in`` / ``hidden`` / ``n_out`` / ``sizes`` for a size-like constructor argument."""
    low = snake(pname)
    if low in SIZE_LIST_NAMES and low not in ("hidden_layer_sizes", "hidden_sizes", "hidden_layers"):
        return "sizes"
    if low in ("hidden_layer_sizes", "hidden_sizes", "hidden_layers"):
        return "hidden_sizes"
    toks = {t for t in re.split(r"[_\d]+", low) if t}
    if toks & _NOT_SIZE_TOKENS:
        return None
    if toks & _HIDDEN_TOKENS or low in ("n_h", "nh"):
        return "hidden"
    if toks & _OUT_TOKENS:
        return "n_out"
    if toks & _IN_TOKENS:
        return "n_in"
    return next((role for part, role in _COMPOUND if part in low), None)


def canon(name: str) -> str:
    """Canonical parameter name: ``weights_ih`` -> ``wih``, ``W1`` -> ``w1``, ``bias2`` -> ``b2``."""
    name = name.lstrip("_").lower()
    tokens = [t for t in re.split(r"[_\W]+", name) if t]
    out = []
    for t in tokens:
        m = re.match(r"^(weights?|bias(?:es)?|w|b|coefs?|intercepts?)(\d*)$", t)
        if m:  # (scikit-learn's MLP keeps coefs_ and intercepts_)
            out.append(("b" if m.group(1)[0] in "bi" else "w") + m.group(2))
        else:
            out.append(t)
    return "".join(out)


_GRAD_PREFIX = re.compile(r"^(dl_?d_?|dloss_?d_?|grads?_?|gradients?_?|nablas?_?|d_?|g_?)(?=[a-z])")
_GRAD_SUFFIX = re.compile(r"(_?grads?|_?gradients?|_?deriv(ative)?s?)$")


def strip_grad(name: str) -> str | None:
    """``dW1``/``grad_W1``/``W1_grad``/``nabla_w`` -> canonical param name; None if not grad-like."""
    low = name.lstrip("_").lower()
    for pat in (_GRAD_SUFFIX, _GRAD_PREFIX):
        stripped = pat.sub("", low, count=1)
        if stripped != low and stripped:
            return canon(stripped)
    return None


_PARAM_NAME = re.compile(
    # (weights in Portuguese, Spanish and Italian, French and German, as courses in those languages name them)
    r"^(w|b|weights?|bias(es)?|coefs?|intercepts?|theta|syn|kernel|wih|who|whh|bih|bhh|bho|u|v|pesos?|pesi|"
    r"sesgos?|poids|gewichte?)"
    r"($|[_\d]|[a-z]{1,3}$)"
)
_NOT_PARAM = re.compile(
    r"^(v|m|s|r|vel|velocity|velocities|mom|momentum|cache|prev|old|best|init|"
    r"initial|opt|adam|first|second|moment|sq|mean|var|running|delta|deltas|beta)(_|$|[A-Z0-9])"
)
SKIP_CONTAINER = re.compile(
    r"^_*(d|grads?|gradients?|derivatives?|nablas?\w*|deltas?|cache|caches|activations?|"
    r"outputs?|inputs?|velocit(y|ies)|v|m|s|r|moments?|momentum|adam|history|hist|losses|"
    r"loss|errors?|prev\w*|old\w*|best\w*|init\w*|x|y|z|a|h|zs|as|optimi[sz]er|opt|"
    r"m_\w+|v_\w+|s_\w+|config|memory|store|data_?\w*|train\w*|test\w*|val\w*)$",
    re.I,
)
#: Sub-objects not searched for parameters (optimizers hold the same arrays plus state).
SKIP_OBJECT = re.compile(
    r"^_*(optimi[sz]er|opt|adam|sgd|momentum|scheduler|history|loss\w*|"
    r"criterion|best\w*|prev\w*|old\w*|init\w*|grads?|gradients?)$",
    re.I,
)
PARAM_CONTAINERS = ("params", "parameters", "param", "model_params", "weights_dict")


def is_grad_name(name: str) -> bool:
    """``dW1``, ``grad_w``, ``W1_grad``, ``nabla_b``: a gradient, not a parameter."""
    low = name.lstrip("_").lower()
    if _GRAD_SUFFIX.search(low) and _GRAD_SUFFIX.sub("", low):
        return True
    stripped = _GRAD_PREFIX.sub("", low, count=1)
    return stripped != low and bool(_PARAM_NAME.match(stripped))


#: A velocity or moment kept beside a weight: ``vW``, ``vb``, ``m_b1``, ``vel_w`` (not ``v`` or ``v1`` alone).
_STATE_OF_PARAM = re.compile(r"^(v|m|s|vel|mom)_?(w|b|weights?|bias(es)?)\d*$")
#: ``hidden_weights``, ``output_bias``, ``input_hidden_weights``: a layer's name, then weights or bias.
_LAYER_PARAM = re.compile(r"^([a-z]+\d*_)+(weights?|bias(es)?)$")


def named_as_no_param(name: str) -> bool:
    """Whether ``name`` says the array is something else than a weight: a gradient, velocity, moment, cache."""
    bare = name.lstrip("_")
    if is_grad_name(bare):
        return True
    if _NOT_PARAM.match(bare) and not re.match(r"^(syn|u|v)\d*$", bare.lower()):
        return True
    return bool(_STATE_OF_PARAM.match(bare.lower()))  # vW, vb, m_w: an optimizer's velocity or moment of W, b


def is_param_name(name: str) -> bool:
    """Whether an array named ``name`` looks like a weight/bias (not a grad, cache or velocity)."""
    if named_as_no_param(name):
        return False
    bare = name.lstrip("_").lower()
    return bool(_PARAM_NAME.match(bare) or _LAYER_PARAM.match(bare))


def layer_key(name: str) -> tuple[int, ...]:
    """The numbers in a parameter's name (``W12`` -> (12,)), for ordering layers."""
    return tuple(int(n) for n in re.findall(r"\d+", name))


def leaf(name: str) -> str:
    """The last word of a display name: ``layers[0].weight.data`` -> ``weight``."""
    parts = [p for p in re.split(r"[.\[\]'\"]+", name) if p and not p.isdigit() and p != "data"]
    return parts[-1] if parts else name


def is_bias(name: str) -> bool:
    """Whether a parameter's display name (``b1``, ``layers[0].bias``, ``hidden_bias``) names a bias."""
    return canon(leaf(name)).startswith("b") or bool(re.search(r"_bias(es)?$", leaf(name).lower()))
