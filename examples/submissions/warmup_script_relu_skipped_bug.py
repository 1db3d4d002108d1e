"""A warm-up exercise: a two-layer ReLU net fitted to random data by hand-written backprop.

No functions and no classes: the forward pass, the loss and the gradients are written out
inside the training loop, and the weights are updated in place. Bug: the forward computes the
ReLU and then passes the pre-activation on; the backward is that of the net with the ReLU.
"""

import numpy as np

rng = np.random.default_rng(7)
batch, n_in, n_hidden, n_out = 24, 5, 8, 3

inputs = rng.standard_normal((batch, n_in))
targets = rng.standard_normal((batch, n_out))
w_in = 0.4 * rng.standard_normal((n_in, n_hidden))
w_out = 0.4 * rng.standard_normal((n_hidden, n_out))

step = 1e-4
for epoch in range(300):
    hid = inputs.dot(w_in)
    hid_act = np.maximum(hid, 0)
    pred = hid.dot(w_out)  # the ReLU output is computed, then not used

    loss = np.square(pred - targets).sum()
    if epoch % 100 == 0:
        print(epoch, loss)

    grad_pred = 2.0 * (pred - targets)
    grad_w_out = hid_act.T.dot(grad_pred)
    grad_hid_act = grad_pred.dot(w_out.T)
    grad_hid = grad_hid_act.copy()
    grad_hid[hid < 0] = 0
    grad_w_in = inputs.T.dot(grad_hid)

    w_in -= step * grad_w_in
    w_out -= step * grad_w_out
