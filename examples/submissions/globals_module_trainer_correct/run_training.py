"""Trains the classifier of net.py on a toy problem and reports its loss."""

import numpy as np

import net
from net import gradients, log_loss, predict_proba

rate = 0.5
data = np.random.default_rng(2).normal(size=(40, net.n_features))
labels = (data[:, :1] + data[:, 1:2] > 0).astype(float)

for epoch in range(100):
    pre_h, act_h, pre_o, probs = predict_proba(data)
    grads = gradients(data, labels, pre_h, act_h, pre_o, probs)
    net.weights_hidden -= rate * grads[0]
    net.bias_hidden -= rate * grads[1]
    net.weights_out -= rate * grads[2]
    net.bias_out -= rate * grads[3]
    if epoch % 20 == 0:
        print(epoch, log_loss(labels, probs))
