"""One module per API shape a submission comes in; each answers ``find(ctx) -> Target | None``.

Tried in the order of :data:`SHAPES` (the first that applies wins):

``spec_entry``  the spec names the class or function (``[entry] class`` / ``function``);
``layer_list``  a module-level list of layer objects (``network = [Dense(2, 3), Tanh(), ...]``);
``assembled``   a network the script assembles at run time from layer objects (``net.add(FCLayer(2, 3))``,
                ``net.layers = [...]``, Neural-Networks-from-Scratch calls ``dense1.forward(X)`` ...);
``method_params`` a model class whose methods are given the parameters one of its methods
                makes (``backprop(self, theta, X, Y)``, ``theta = model.init_theta()``);
``laterupdate`` a model class whose backward only prepares each layer's step (``lr * grad`` or a
                velocity kept for ``update()``): backward then ``update()`` tried first after the backward;
``classes``     a model class with forward-ish and backward-ish methods, or a CS231n
                ``loss(X, y) -> (loss, grads)`` (:mod:`.cs231n`); weights made by ``fit()``
                (:mod:`.fit`);
``flatunpack``  a cost function over one flat vector that its own code slices and reshapes into
                separate weights and biases (``W1 = theta[:a].reshape(n_in, n_hidden)``), returning ``(J, grad)``;
``flatpair``    a cost and its gradient as two functions of one flat vector and the data, at sizes
                the module fixes (``cost(theta, X, y)``, ``cost_grad(theta, X, y)``, scipy.optimize's fun and jac);
``unrolled``    a cost function over an unrolled parameter vector returning ``(J, grad)``
                (``nn_cost_function(nn_params, n_in, n_hidden, n_labels, X, y, lambda_)``);
``positional``  functions taking the parameters one by one (``forward_prop(W1, b1, W2, b2, X)``);
``derivatives`` one derivative function per parameter (``derivative_w2(Z, T, Y)``);
``pairs``       functions over a list of ``(W, b)`` pairs (``forward(layers, X)``) an initializer makes;
``named_dict``  functions sharing the initializer's dict under a name of no known role (``forward(X, p)``);
``lists``       functions over parameter lists (``backward(weights, biases, X, Y)``) an initializer makes;
``deltaupdate`` functions over a layer list whose backward stores deltas a separate
                ``update_weights(network, row, l_rate)`` applies (the update read, verified linear in lr);
``functions``   functions taking a parameters dict (from an initializer, a global, or built
                from the keys the code reads);
``globals_fn``  functions working on module-level weight arrays;
``ownloop``     functions of any name, forward and backward as the script's own training loop calls them.

Top-level scripts (:mod:`.script`) have no function to call: the worker runs them
under the tracer with the weights and gradients their own updates name.

A new shape is a new module here with its tests, added to :data:`SHAPES`.
"""

from gradcheck.audit.adapters.shapes import (
    assembled,
    classes,
    deltaupdate,
    derivatives,
    flatpair,
    flatunpack,
    functions,
    globals_fn,
    laterupdate,
    layer_list,
    lists,
    method_params,
    named_dict,
    ownloop,
    pairs,
    positional,
    spec_entry,
    unrolled,
)

SHAPES = (
    spec_entry,
    layer_list,
    assembled,
    method_params,
    laterupdate,
    classes,
    flatunpack,
    flatpair,
    unrolled,
    positional,
    derivatives,
    pairs,
    named_dict,
    lists,
    deltaupdate,
    functions,
    globals_fn,
    ownloop,
)

__all__ = ["SHAPES"]
