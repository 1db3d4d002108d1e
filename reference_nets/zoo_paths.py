"""The zoo's bugs of the error's path back to the hidden layers.

The book-style class of *Make Your Own Neural Network* (``neuralNetwork`` with
``wih``/``who``, MSE on a sigmoid output) computes::

    output_errors = targets - final_outputs
    hidden_errors = numpy.dot(self.who.T, output_errors)
    self.who += lr * numpy.dot(output_errors * final_outputs * (1 - final_outputs), hidden_outputs.T)

The output layer's own gradient keeps the output sigmoid's derivative; the error
sent back to the hidden layers skips it. No loss has that gradient, and none of
the single-step bugs of :mod:`reference_nets.zoo` is it: this module adds it.
:mod:`~reference_nets.zoo_catalogue` and :mod:`~reference_nets.zoo_cases` add the rows below
(like :mod:`reference_nets.zoo_layers`). Numpy only; never imports ``gradcheck``.
"""

from __future__ import annotations

from . import heads
from .config import MLPConfig
from .mutant import Mutant

__all__ = ["PATH_MUTANTS", "PATH_REQUIREMENTS", "PATH_PLACEMENTS"]


class _HiddenErrorSkipsOutputDerivative(Mutant):
    """``dL/da_{L-1} = dL/dyhat @ W_L.T``: the output's ``f'(z_L)`` left out of the error sent back only."""

    mutant_name = "hidden-error-skips-output-derivative"

    def _output_delta(self, cache, Y):
        self._error = heads.mse_output_grad(self.config, cache.output, Y)
        return super()._output_delta(cache, Y)

    def _propagate(self, layer, delta, params):
        # in a compound whose outer bug replaces the output delta without calling down, nothing is stashed:
        # the path is then the reference's (popped, so no earlier batch's error is ever reused)
        error = self.__dict__.pop("_error", None)
        if layer == self.config.n_layers and error is not None:
            delta = error  # dL/dyhat, where dL/dz_L = dL/dyhat * f'(z_L) belongs
        return super()._propagate(layer, delta, params)


class _ErrorBackUntransposed(Mutant):
    """``dL/da_{l-1} = delta @ W_l``: the error sent back through a square ``W_l`` as it is, not transposed."""

    mutant_name = "error-back-untransposed"

    def _propagate(self, layer, delta, params):
        if not self._at(layer):
            return super()._propagate(layer, delta, params)
        return delta @ params[f"W{layer}"]


def _square_above_first(config: MLPConfig) -> list:
    # the error leaves layer l >= 2 for the layer below; a 1 x 1 matrix is its own transpose
    s = config.sizes
    return [layer for layer in range(2, config.n_layers + 1) if s[layer - 1] == s[layer] > 1]


def _mse_squashed_output(config: MLPConfig) -> list:
    # an identity output's derivative is 1: skipping it changes nothing
    squashed = config.loss == "mse" and config.output in ("sigmoid", "tanh")  # sizes give a hidden layer always
    return [None] if squashed else []


#: Rows of :class:`reference_nets.zoo.MutantSpec`: (name, description, code, layered, class, where, fix).
PATH_MUTANTS = [
    (
        "hidden-error-skips-output-derivative",
        "MSE + sigmoid/tanh output: the error sent back to the hidden layers is dL/dyhat @ W_L.T, "
        "without the output's f'(z_L) (the output layer's own gradient keeps it)",
        "missing_activation_derivative",
        False,
        _HiddenErrorSkipsOutputDerivative,
        _mse_squashed_output,
        "Send back the output layer's delta, the one its own weights' gradient uses: "
        "hidden_errors = W_out.T @ (output_errors * {act}'(Z_out)), then multiply by the hidden derivative.",
    ),
    (
        "error-back-untransposed",
        "the error sent back from layer l is delta @ W_l (W_l @ delta with samples as columns), not transposed: "
        "it runs only because W_l is square",
        "transposed",
        True,
        _ErrorBackUntransposed,
        _square_above_first,
        "Send the error back through the transposed weights of layer {l}: dA = W{l}.T @ delta with samples as "
        "columns (delta @ W{l}.T with samples as rows); a square W{l} runs either way, only the transpose is right.",
    ),
]
PATH_REQUIREMENTS = {
    "hidden-error-skips-output-derivative": "needs loss='mse' with a sigmoid or tanh output and a hidden layer",
    "error-back-untransposed": "needs a square weight layer wider than 1 above the first",
}
#: Benchmark placements, as in ``reference_nets.zoo``: (config name, layer).
PATH_PLACEMENTS = {
    "hidden-error-skips-output-derivative": [
        ("sigmoid-mse-sigout-d1", None),
        ("tanh-mse-sigout-d2", None),
        ("relu-mse-sigout-d2", None),
    ],
    "error-back-untransposed": [("tanh-mse-d2-square", 2), ("sigmoid-bce-d3-square", 3), ("relu-mse-d2-square", 2)],
}
