"""What each diagnosis says, in a student's words, with the fix.

``MESSAGES`` are the number-only signatures' sentences, ``SENTENCES`` what each
catalogued mutant means, ``FIXES`` the fix per code. :func:`describe` writes the
message of one bug of an explanation: what it is, where, the fix, and, for one
bug among several, that the others are needed too.
"""

from __future__ import annotations

from gradcheck.diagnose.posts import Bug
from reference_nets.zoo import MUTANTS

MESSAGES = {
    "sign_flip_all": (
        "Every gradient has the wrong sign (ratio -1 in every tensor): the error is "
        "y - yhat where the gradient of the loss needs yhat - y. Use yhat - y, or keep "
        "y - yhat and update with W += lr * dW."
    ),
    "missing_batch_mean": (
        "Every gradient is N = {n} times too large: the loss is a mean over the "
        "batch but the gradient is a sum. Divide the output delta by N."
    ),
    "double_batch_mean": (
        "Every gradient is N = {n} times too small: the gradient divides by N where the loss does not "
        "(a sum over the batch), or divides by N twice."
    ),
    "mse_half": (
        "Every gradient is half the true one: d/dyhat of mean((yhat - y)**2) is "
        "2 * (yhat - y) / N, and the factor 2 is missing."
    ),
    "mse_double": (
        "Every gradient is twice the true one: the MSE factor 2 is applied twice (or the "
        "loss is 0.5 * mean((yhat - y)**2) while the gradient keeps the 2)."
    ),
    "uniform_scale": (
        "Every gradient is {c:.6g} times the true one: a loss convention (a different "
        "normalisation), not broken backprop. Make the gradient match the loss you report."
    ),
    "zero_everywhere": (
        "The gradient is zero everywhere: nothing was computed or it was cleared before being read "
        "(an update that zeroes the stored gradients after using them). Compute the gradient, and read or "
        "return it before it is reset."
    ),
    "tensor_scale": "{t}'s gradient is {c:.6g} times the true one{others}.",
    "layer_batch_mean": (
        "{t} {are} N = {n} times too large: this layer sums over the batch where the loss takes "
        "the mean (the 1/N is missing here{others})."
    ),
    "layer_double_mean": "{t} {are} N = {n} times too small: this layer divides by N twice{others}.",
    "sign_flip_tensors": "{t} {has} the wrong sign{others}.",
    "clipping": (
        "The gradient is clipped to [-{c:.6g}, {c:.6g}] (np.clip): every entry beyond it is cut, so the "
        "returned gradient is not the gradient of the loss. Clip (if at all) in the update, not in the gradient."
    ),
    "clipping_norm": (
        "{t} {are} rescaled to norm {c:.6g} (gradient clipping by norm): the returned gradient is not the "
        "gradient of the loss. Clip (if at all) in the update, not in the gradient."
    ),
    "regularization": (
        "{t}'s gradient differs from the loss's by {k:.4g} * {t_param}: a weight-decay term that is in the gradient "
        "but not in the loss, or in the loss but not in the gradient, or added twice."
    ),
    "shape_mismatch": (
        "{t}'s gradient has shape {got} but the parameter has shape {want}: it cannot be the gradient. {hint}"
    ),
    "transposed": (
        "{t}'s gradient is transposed: with W of shape (in, out), use dW = A_prev.T @ dZ (not dZ.T @ A_prev)."
    ),
    "zero_gradient": (
        "{t}'s gradient is zero although the loss depends on it: it is never computed or never stored, or it is a "
        "sum that cancels (a bias gradient summed over every axis, np.sum(dZ) without axis=, adds up a softmax "
        "output's delta, whose entries sum to zero)."
    ),
    "bias_not_summed_shape": (
        "{t}'s gradient has shape {got} instead of {want}: one gradient per "
        "sample, not summed over the batch. Use db = dZ.sum(axis=0)."
    ),
    "bias_over_units_shape": (
        "{t}'s gradient has shape {got} instead of {want}: summed over the wrong axis, the units instead of "
        "the samples, one number per sample. Sum over the samples' axis (samples as columns: "
        "db = np.sum(dZ, axis=1, keepdims=True); as rows: db = dZ.sum(axis=0))."
    ),
}

FIXES = {
    "derivative_at_activation": (
        "Evaluate the derivative at the pre-activation: dZ{l} = dA{l} * "
        "f'(Z{l}), or use the output form with the activation (1 - A{l}**2 for "
        "tanh, A{l} * (1 - A{l}) for sigmoid)."
    ),
    "derivative_at_preactivation": (
        "The output-form helper (a * (1 - a), 1 - a**2) expects the activation A{l}, not Z{l}."
    ),
    "wrong_activation_derivative": "Use the derivative of the activation layer {l} actually applies ({act}).",
    "missing_activation_derivative": "Multiply by the activation's derivative: dZ{l} = dA{l} * f'(Z{l}).",
    "extra_activation_derivative": "Use dZ = (yhat - y) / N at the output: drop the extra sigmoid'(Z).",
    "sign_flip": "Check the sign of the error term (yhat - y) and of the update.",
    "missing_batch_mean": "Divide by the batch size once, where the output delta is formed.",
    "missing_mse_factor": "d/dyhat mean((yhat - y)**2) = 2 * (yhat - y) / N.",
    "tensor_scale": "Remove the stray factor in this layer's gradient.",
    "bias_not_summed": "db{l} = dZ{l}.sum(axis=0): one entry per unit, summed over the batch.",
    "transposed": "dW{l} = A{prev}.T @ dZ{l} for W of shape (in, out).".replace("{prev}", "_prev"),
    "zero_gradient": "Compute and store this layer's gradient.",
    "wrong_cached_tensor": "dW{l} = A_prev.T @ dZ{l} uses the previous layer's activation, not its pre-activation.",
    "regularization_mismatch": "The gradient of (l2 / 2) * sum(W**2) is l2 * W, added once to dW.",
    "gradient_clipping": "Return the unclipped gradient; clip in the update step if you need to.",
    "shape_mismatch": (
        "A gradient has the shape of its parameter: db = dZ.sum(axis=0) (samples as rows) or "
        "dZ.sum(axis=1, keepdims=True) (samples as columns) keeps one entry per unit."
    ),
}

#: What each mutant means, in a student's words ({where}: "layer 1" / "layers 1 and 2").
SENTENCES = {
    "derivative-at-activation": (
        "The {act} derivative in {where} is evaluated at the activation "
        "A = {act}(Z) instead of at the pre-activation Z: f'(f(Z)) where f'(Z) belongs."
    ),
    "output-derivative-at-activation": (
        "The output sigmoid's derivative is evaluated at the prediction "
        "yhat = sigmoid(Z) instead of at Z: sigmoid'(yhat) where sigmoid'(Z) belongs."
    ),
    "derivative-at-preactivation": (
        "An output-form derivative helper (a * (1 - a) for sigmoid, 1 - a**2 for tanh) "
        "is applied to the pre-activation Z in {where} instead of to the activation A."
    ),
    "output-derivative-at-preactivation": (
        "The output-form helper yhat * (1 - yhat) is applied to the output pre-activation Z instead of to yhat."
    ),
    "wrong-activation-derivative": "{where} uses the derivative of a different activation than the {act} it applies.",
    "relu-derivative-threshold-one": "The ReLU derivative in {where} is (Z > 1); it must be (Z > 0).",
    "relu-derivative-sign": (
        "The ReLU derivative in {where} is np.sign(Z), which is -1 where Z < 0; it must be (Z > 0), 0 there."
    ),
    "relu-derivative-ones": (
        "The ReLU derivative in {where} is 1 everywhere (or missing): units with Z <= 0 must pass no gradient, (Z > 0)."
    ),
    "missing-activation-derivative": (
        "The {act} derivative is missing in {where}: the delta is propagated through W but never multiplied by f'(Z)."
    ),
    "missing-output-derivative": (
        "The output sigmoid's derivative is missing: with MSE on a sigmoid output, "
        "dZ = 2 * (yhat - y) / N * sigmoid'(Z)."
    ),
    "hidden-error-skips-output-derivative": (
        "The error sent back to the hidden layers skips the output {act}'s derivative, while the output "
        "layer's own gradient keeps it: the hidden error is W_out.T @ (yhat - y) where it must be "
        "W_out.T @ ((yhat - y) * {act}'(Z_out))."
    ),
    "bce-extra-sigmoid-derivative": (
        "The output delta is multiplied by sigmoid'(Z) twice: with BCE on a sigmoid "
        "output, dL/dZ = (yhat - y) / N already includes it."
    ),
    "sign-flip-tensor": "The gradient of {where}'s weights has the wrong sign.",
    "sign-flip-all": (
        "Every gradient has the wrong sign: the error is y - yhat where the gradient needs "
        "yhat - y (fine only if the update is then W += lr * dW)."
    ),
    "sum-over-batch": (
        "Every gradient is N = {n} times too large: the loss is a mean over the batch but the gradient sums over it."
    ),
    "mse-factor-dropped": (
        "Every gradient is half the true one: the 2 of d/dyhat (yhat - y)**2 = 2 (yhat - y) is missing."
    ),
    "mse-factor-doubled": "Every gradient is twice the true one: the MSE factor 2 is applied twice.",
    "tensor-scaled": "The weight gradient of {where} carries a stray factor.",
    "bias-first-sample": (
        "The bias gradient of {where} is taken from the first sample only, not summed over the batch."
    ),
    "bias-not-summed": "The bias gradient of {where} is not summed over the batch (one row per sample).",
    "bias-wrong-axis": (
        "The bias gradient of {where} is summed over the units (axis=1) instead of the samples (axis=0)."
    ),
    "dW-from-preactivation": (
        "dW in {where} uses the previous layer's pre-activation Z where its activation A belongs: dW = A_prev.T @ dZ."
    ),
    "dW-from-wrong-layer": "dW in {where} is formed with another layer's activation instead of the layer's input.",
    "leaky-relu-cached-as-relu": (
        "dW in {where} is formed from the ReLU of the layer below, max(Z_prev, 0), while the forward passed on its "
        "leaky ReLU: dW = A_prev.T @ dZ with the A_prev the forward used."
    ),
    "derivative-from-layer-below": (
        "The {act} derivative of {where} is read off the layer below (A_prev > 0 for ReLU, "
        "A_prev * (1 - A_prev) for sigmoid) instead of off the layer's own values."
    ),
    "bias-from-layer-above": (
        "The bias gradient of {where} is summed from the delta of the layer above instead of its own."
    ),
    "l2-missing": "The weight-decay term is missing from the weight gradients: add l2 * W.",
    "l2-doubled": "The weight-decay term is doubled: d/dW (l2 / 2) * sum(W**2) is l2 * W, not 2 * l2 * W.",
    "l2-on-bias": "Weight decay is added to the bias gradients, but the loss does not decay the biases.",
    "transposed": "dW in {where} is transposed: for W of shape (in, out) it is A_prev.T @ dZ, not dZ.T @ A_prev.",
    "zero-gradient": "The gradient of {where} is left at zero: it is never computed or never stored.",
    "gradient-clipping": "Every gradient entry is clipped to [-c, c] (np.clip).",
    "l2-gradient-only": "The weight gradients carry a weight-decay term that the loss does not have.",
    "bias-summed-all": (
        "The bias gradient of {where} is summed over the units as well as the samples (np.sum without axis): "
        "one number instead of one per unit."
    ),
    "layer-sum-over-batch": (
        "The gradients of {where} are N = {n} times too large: this layer sums over the batch where the loss "
        "takes the mean (the 1/N is missing here only)."
    ),
    "bias-not-averaged": (
        "Every bias gradient is N = {n} times too large: db is summed over the batch and never divided by N, "
        "while dW is."
    ),
}

#: The leaky ReLU's bugs where the network's forward has a leaky ReLU of slope 1 there, that is no activation at
#: all (``h = x @ W1`` passed on as it is): said as a ReLU the forward leaves out, each with its own fix.
SLOPE_ONE_SENTENCES = {
    "leaky-relu-slope-dropped": (
        "The backward of {where} multiplies by ReLU's derivative (Z > 0), but the forward applies no activation "
        "there: its pre-activation Z goes on to the next layer as it is. Apply the ReLU in the forward (A = "
        "np.maximum(Z, 0), passed on), or drop the (Z > 0) from the backward."
    ),
    "leaky-relu-cached-as-relu": (
        "dW in {where} is formed from np.maximum(Z_prev, 0), a ReLU the forward never applies: the forward passes "
        "the layer below's pre-activation Z_prev on as it is. dW must be built from what the forward passed on."
    ),
}

#: A factor shared by every gradient that is a loss convention, by what it is.
READINGS = {
    "log10": (
        "Every gradient is {c:.6g} times the loss's: the loss takes log base 10 (np.log10) while the gradient "
        "is that of the natural log (a factor ln 10 = 2.303). Use np.log in the loss."
    ),
    "log2": (
        "Every gradient is {c:.6g} times the loss's: the loss takes log base 2 (np.log2) while the gradient "
        "is that of the natural log (a factor ln 2 = 0.693). Use np.log in the loss."
    ),
    "outputs": (
        "Every gradient is {c:.6g} times the loss's: the loss and the gradient treat the outputs differently "
        "(a mean over them in one, a sum in the other). Use the same reduction in both."
    ),
}


# ---------------------------------------------------------------- one bug of an explanation
def _layers_of(parts) -> tuple[list[int], bool]:
    """Hidden layers named by catalogue parts, and whether an output-layer part is among them."""
    layers, output = [], False
    for _, layer in parts:
        if layer is None:
            output = True
        else:
            layers += list(layer) if isinstance(layer, tuple) else [layer]
    return sorted(set(layers)), output


def _where(layers: list[int], output: bool) -> str:
    words = [f"layer{'s' if len(layers) > 1 else ''} {' and '.join(map(str, layers))}"] if layers else []
    return " and ".join(words + (["the output layer"] if output else []))


def _names(tensors, context) -> str:
    names = [context.shown_name(t) if context is not None else t for t in tensors]
    return ", ".join(names)


def catalogue_message(bug: Bug, context) -> str:
    """What a catalogued bug (or a shared-helper family of them) means, where, and the fix."""
    cfg = context.network.config
    layers, output = _layers_of(bug.parts)
    first = layers[0] if layers else None
    act = cfg.hidden[first - 1] if first and first <= len(cfg.hidden) else cfg.output
    name = bug.parts[0][0]
    where = _where(layers, False)
    n = context.batch_size
    spec = MUTANTS.get(name)
    fix = (getattr(spec, "fix", "") or FIXES.get(bug.code, "")).format(l=first or "", act=act)
    sentence = SENTENCES.get(name)
    if cfg.slope_one and name in SLOPE_ONE_SENTENCES:  # a ReLU the forward left out: the leaky wording misleads
        return SLOPE_ONE_SENTENCES[name].format(where=where)
    if bug.kind == "helper":
        both = _where(layers, True)
        text = f"{sentence.format(act=act, l=first or '', where=both, L=cfg.n_layers, n=n)}" if sentence else ""
        text += (
            " The same mistake sits in every layer that uses this derivative: one shared helper "
            "(one bug), so fix the helper or what it is called with."
        )
        return f"{text} {fix}".strip()
    if sentence:
        return f"{sentence.format(act=act, l=first or '', where=where, L=cfg.n_layers, n=n)} {fix}".strip()
    spec_where = f" ({where}, {act})" if where else ""
    return f"{spec.description}{spec_where}. {fix}".strip()


def fitted_message(bug: Bug, context, others_wrong: str = "") -> str:
    """What a bug with a fitted constant means (clip, weight decay, a factor, a transposed tensor)."""
    t = _names(bug.tensors, context)
    are = "are" if len(bug.tensors) > 1 else "is"
    has = "have" if len(bug.tensors) > 1 else "has"
    others = f"; {others_wrong} wrong too" if others_wrong else ""
    c = bug.values.get("factor")
    n = context.batch_size if context is not None else None
    if bug.kind == "clip":
        scale = context.scale if context is not None else 1.0
        return MESSAGES["clipping"].format(c=bug.values["clip"] * scale)
    if bug.kind == "clip-norm":
        scale = context.scale if context is not None else 1.0
        return MESSAGES["clipping_norm"].format(t=t, are=are, c=bug.values["clip"] * scale)
    if bug.kind == "decay":
        return decay_message(bug, context)
    if bug.kind == "transposed":
        return MESSAGES["transposed"].format(t=t)
    if bug.kind == "uniform":
        return uniform_message(bug.code, c, n, bug.values.get("reading"))
    if bug.code == "missing_batch_mean":
        key = "layer_batch_mean" if abs(c) > 1 else "layer_double_mean"
        return MESSAGES[key].format(t=t, are=are, n=n, others=others)
    if bug.code == "sign_flip":
        return MESSAGES["sign_flip_tensors"].format(t=t, has=has, others=others)
    if bug.code == "zero_gradient":
        return MESSAGES["zero_gradient"].format(t=t)
    return MESSAGES["tensor_scale"].format(t=t, c=c, others=others) + " " + FIXES["tensor_scale"]


def uniform_message(code: str, c: float, n: int | None, reading: str | None = None) -> str:
    """Every gradient off by one factor ``c`` (``reading``: which named factor it is)."""
    if reading in READINGS:
        return READINGS[reading].format(c=c, inv=1 / c)
    if code == "sign_flip":
        return MESSAGES["sign_flip_all"]
    if code == "missing_batch_mean":
        return MESSAGES["missing_batch_mean" if abs(c) > 1 else "double_batch_mean"].format(n=n)
    if code == "missing_mse_factor":
        return MESSAGES["mse_double" if abs(c) > 1 else "mse_half"]
    if c == 0:  # no normalisation makes every entry 0: the gradient was never there
        return MESSAGES["zero_everywhere"]
    return MESSAGES["uniform_scale"].format(c=c)


def decay_message(bug: Bug, context) -> str:
    """A weight-decay term that the gradient and the loss do not agree on, in the user's units."""
    cfg = context.network.config if context is not None else None
    scale = context.scale if context is not None else 1.0
    l2, k, kb = (cfg.l2 if cfg else 0.0), bug.values.get("decay", 0.0), bug.values.get("bias_decay", 0.0)
    parts = []
    if k:
        if not l2:
            parts.append(
                f"The weight gradients carry a weight-decay term {k * scale:.4g} * W, but the loss has none: "
                f"add ({k * scale:.4g} / 2) * sum(W**2) to the loss, or drop the term from the gradient."
            )
        elif abs(k + l2) <= 1e-6 * l2:
            parts.append(SENTENCES["l2-missing"] + f" The loss has ({l2 * scale:.4g} / 2) * sum(W**2).")
        elif abs(k - l2) <= 1e-6 * l2:
            parts.append(SENTENCES["l2-doubled"])
        else:
            parts.append(
                f"The weight gradients carry {(l2 + k) * scale:.4g} * W, but the loss's ({l2 * scale:.4g} / 2) "
                f"* sum(W**2) gives {l2 * scale:.4g} * W."
            )
    if kb:
        parts.append(
            f"The bias gradients carry a decay term {kb * scale:.4g} * b, but the loss does not decay the biases."
        )
    return " ".join(parts) + " " + FIXES["regularization_mismatch"]


def together(index: int, total: int, text: str) -> str:
    """Prefix for one bug of several that together reproduce every entry."""
    if total < 2:
        return text
    return f"Bug {index} of {total} (together they reproduce every entry of every tensor): {text}"


def partly(explained: str, unexplained: str, text: str) -> str:
    """Prefix for a bug that reproduces some wrong tensors, with others left unexplained."""
    return (
        f"{text} This reproduces {explained} exactly; {unexplained} stay wrong beyond it: "
        "a second bug, outside the catalogue, is there too."
    )
