# Trying my layers: does backward give the right shapes? (any upstream gradient will do)
import numpy as np

from homework_layers import Linear, Tanh

np.random.seed(0)
lin = Linear(3, 2)
act = Tanh()
batch = np.random.randn(4, 3)
hidden = lin.forward(batch)
activated = act.forward(hidden)
g_out = np.ones_like(activated)
g_hidden = act.backward(g_out)
g_in = lin.backward(g_hidden)
print(lin.grad_weight.shape, lin.grad_bias.shape, g_in.shape)
