"""The loss and hand-written backprop of a plain numpy MLP, as users write them (for the benchmark generators).

``W1, b1, ..., WL, bL``; hidden layers ``act(z)``, a linear output; the loss
and its derivative with respect to the output are the caller's. The backward
pass is the textbook one: ``dW = a_prev.T @ dz``, ``db = dz.sum(0)``, and
``dz = (dz @ W.T) * act'(z)`` below.
"""

from __future__ import annotations


def closures(params, X, act, prime, head_loss, head_delta):
    """``(loss, grad)`` for ``params`` on the batch ``X``.

    ``act(z)`` and ``prime(z)`` the hidden activation and its derivative at the
    pre-activation; ``head_loss(out)`` and ``head_delta(out)`` the loss of the
    output and its derivative.
    """
    layers = sum(1 for name in params if name.startswith("W"))

    def forward(p):
        a, cache = X, []
        for k in range(1, layers + 1):
            z = a @ p[f"W{k}"] + p[f"b{k}"]
            cache.append((a, z))
            a = act(z) if k < layers else z
        return a, cache

    def loss(p):
        return head_loss(forward(p)[0])

    def grad(p):
        out, cache = forward(p)
        dz = head_delta(out)
        g = {}
        for k in range(layers, 0, -1):
            a_prev = cache[k - 1][0]
            g[f"W{k}"], g[f"b{k}"] = a_prev.T @ dz, dz.sum(axis=0)
            if k > 1:
                dz = (dz @ p[f"W{k}"].T) * prime(cache[k - 2][1])
        return {n: g[n] for n in params}

    return loss, grad
