"""DLAI-style functions whose backward files the output layer's gradient under the hidden layer's key
(dW{L-1}) and then overwrites it: no gradient for W2, b2 ever comes back."""
import numpy as np


def initialize_parameters(layer_dims):
    np.random.seed(1)
    params = {}
    for l in range(1, len(layer_dims)):
        params["W" + str(l)] = np.random.randn(layer_dims[l - 1], layer_dims[l]) * 0.5
        params["b" + str(l)] = np.zeros(layer_dims[l])
    return params


def forward_propagation(X, params):
    caches, A = [], X
    L = len(params) // 2
    for l in range(1, L + 1):
        Z = A @ params["W" + str(l)] + params["b" + str(l)]
        caches.append((A, params["W" + str(l)], Z))
        A = np.maximum(Z, 0) if l < L else 1 / (1 + np.exp(-Z))
    return A, caches


def backward_propagation(AL, Y, caches):
    grads, L, m = {}, len(caches), Y.shape[0]
    dZ = AL - Y
    for l in reversed(range(L)):
        A_prev, W, Z = caches[l]
        if l < L - 1:
            dZ = dZ * (Z > 0)
        grads["dW" + str(max(l, 1))] = A_prev.T @ dZ / m
        grads["db" + str(max(l, 1))] = dZ.sum(axis=0) / m
        dZ = dZ @ W.T
    return grads
