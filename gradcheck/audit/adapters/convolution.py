"""Convolutional networks: layers the reference networks have no model of, refused by name.

A project of ``ConvLayer``, ``MaxPoolingLayer`` and ``DenseLayer`` classes is a CNN. The audit
checks fully connected networks (dense layers and their activations) against reference networks
of that kind; a convolution's or a pooling's gradient would be judged against a network it is
not. The honest answer names the layers and says so, instead of "several candidate classes".
"""

from __future__ import annotations

import re

#: Class names of convolution and pooling layers (``Conv2D``, ``ConvLayer``, ``Convolution``,
#: ``MaxPool2d``, ``MaxPoolingLayer``, ``AvgPool``); ``Convex...`` is not one.
CONV_CLASS = re.compile(r"conv(?!ex)|pool", re.IGNORECASE)

__all__ = ["CONV_CLASS", "convolution_message"]


def convolution_message(names: list[str]) -> str | None:
    """The refusal for a submission whose layer classes include convolutions or poolings, else None."""
    conv = sorted(n for n in names if CONV_CLASS.search(n))
    if not conv:
        return None
    return (
        f"a convolutional network ({', '.join(conv)}): the audit checks fully connected networks (dense layers "
        "and their activations) against reference networks of that kind, and has none for a convolution or a "
        "pooling, so no verdict is given; a dense part can be audited alone as its own submission"
    )
