import numpy as np

# a 2-2-2 tanh network trained on two samples; every weight matrix is 2 x 2
x_in = np.array([[0.1, 0.8], [0.9, 0.3]])
y_expected = np.array([[0.2, 0.7], [0.6, -0.4]])
rng = np.random.default_rng(12)
weights_input_hidden = rng.uniform(-1, 1, size=(2, 2))
weights_hidden_output = rng.uniform(-1, 1, size=(2, 2))
bias_hidden = rng.uniform(-0.5, 0.5, size=2)
bias_output = rng.uniform(-0.5, 0.5, size=2)
eta = 0.2

for step in range(3000):
    hidden_pre = x_in @ weights_input_hidden + bias_hidden
    hidden = np.tanh(hidden_pre)
    out_pre = hidden @ weights_hidden_output + bias_output
    out = np.tanh(out_pre)
    error = y_expected - out
    loss = 0.5 * np.sum(error**2)

    out_delta = error * (1 - np.tanh(out) ** 2)
    hidden_delta = (out_delta @ weights_hidden_output.T) * (1 - np.tanh(hidden) ** 2)
    weights_hidden_output += eta * hidden.T @ out_delta
    weights_input_hidden += eta * x_in.T @ hidden_delta
    bias_output += eta * out_delta.sum(axis=0)
    bias_hidden += eta * hidden_delta.sum(axis=0)
    if step % 500 == 0:
        print(step, loss)
