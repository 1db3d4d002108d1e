"""The output layer and the data loss of a reference MLP: value and ``dL/dz_L``.

One place says, for every (output activation, loss, convention) a
:class:`~reference_nets.config.MLPConfig` allows, how the data loss is
computed from the last layer's pre-activation ``z = z_L`` and activation
``a = yhat``, and what its gradient with respect to ``z`` is:

=========  ===============  ====================================================
loss       output           loss from / ``dL/dz``
=========  ===============  ====================================================
'mse'      any              ``a`` / ``dL/da`` through the output's derivative
                            (element-wise, or the softmax Jacobian)
'bce'      sigmoid          the logits ``z`` / ``(sigmoid(z) - y) / D``
'ce'       softmax          the logits ``z`` / ``(softmax(z) - y) / D``
=========  ===============  ====================================================

``D`` is the divisor of the configured :class:`~reference_nets.conventions.Convention`.
The losses accept ``lead`` leading axes of parameter sets (the batched forward).
"""

from __future__ import annotations

import numpy as np

from .config import MLPConfig
from .crossentropy import _ce_logits, _ce_logits_grad, one_hot
from .losses import _bce_logits, _bce_logits_grad, _mse, _mse_grad

__all__ = ["targets", "data_loss", "output_delta", "mse_output_grad"]


def targets(config: MLPConfig, Y: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``Y`` in the output's shape: integer class labels become one-hot rows."""
    if config.labels == "int":
        return one_hot(Y, config.sizes[-1], dtype)
    return Y


def data_loss(config: MLPConfig, z: np.ndarray, a: np.ndarray, Y: np.ndarray, lead: int = 0) -> np.ndarray:
    """The data loss (no L2 term) of one forward pass, or of ``lead``-batched ones.

    Parameters
    ----------
    config : MLPConfig
    z, a : numpy.ndarray
        Pre-activation and activation of the output layer, ``(..., N, n_out)``.
    Y : numpy.ndarray
        Validated targets (:meth:`reference_nets.mlp.MLP.loss` checks them).
    lead : int
        Leading axes of parameter sets, kept in the result.

    Returns
    -------
    numpy scalar or numpy.ndarray
        Complex when ``z`` is complex (every branch is complex-step safe).
    """
    conv = config.convention
    if config.loss == "bce":
        return _bce_logits(z, Y, conv, lead)
    if config.loss == "ce":
        return _ce_logits(z, targets(config, Y, z.dtype), conv, lead)
    return _mse(a - Y, conv, lead)


def mse_output_grad(config: MLPConfig, a: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``dL/dyhat`` of the configured MSE: ``2 c (yhat - y) / D``."""
    return _mse_grad(a - Y, config.convention)


def output_delta(config: MLPConfig, z: np.ndarray, a: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``dL/dz_L`` of the data loss for one forward pass.

    Parameters
    ----------
    config : MLPConfig
    z, a : numpy.ndarray, shape (N, n_out)
        Pre-activation and activation of the output layer.
    Y : numpy.ndarray
        Validated targets.

    Returns
    -------
    numpy.ndarray, shape (N, n_out)
    """
    if config.loss == "bce":
        return _bce_logits_grad(z, Y, config.convention)
    if config.loss == "ce":
        return _ce_logits_grad(z, targets(config, Y, z.dtype), config.convention)
    return config.activation(config.n_layers).backprop(z, a, mse_output_grad(config, a, Y))
