"""The reference nets' output layers, losses and conventions, by name; checked by gradcheck."""

from gradcheck import check_gradients
from reference_nets import MLP, MLPConfig, spiral

# CS231n's two-layer net: ReLU, softmax, cross-entropy with integer labels, reg * sum(W**2)
X, y = spiral(n_per_class=20, classes=3, labels="int")
cs231n = MLPConfig((2, 16, 3), "relu", output="softmax", loss="ce", labels="int", l2=2 * 1e-3)
# a tanh output with the loss written as 0.5 * sum over the outputs, mean over the samples
regression = MLPConfig((2, 8, 8, 2), ("leaky_relu", "elu"), output="tanh", over_outputs="sum", half=True)

for config, Y in ((cs231n, y), (regression, 0.5 * X)):
    net = MLP(config)
    params = net.init_params(seed=0)
    loss = net.loss(params, X, Y)
    report = check_gradients(*net.closures(X, Y), params)
    print(f"{config.label}\n  loss = {config.loss_formula} = {loss:.6f}; gradient check: {report.status}")
