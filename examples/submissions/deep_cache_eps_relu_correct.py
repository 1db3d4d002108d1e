# Week 4: an L-layer classifier, [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID
# samples are columns: X is (n_x, m), Y is (1, m)
import numpy as np

EPS = 1e-8  # keeps the log away from 0


def init_deep(layer_sizes):
    np.random.seed(2)
    params = {}
    for l in range(1, len(layer_sizes)):
        params["W" + str(l)] = np.random.randn(layer_sizes[l], layer_sizes[l - 1]) * 0.01
        params["b" + str(l)] = np.zeros((layer_sizes[l], 1))
    return params


def _sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z)), Z


def _relu(Z):
    return np.maximum(Z, 0), Z


def layer_forward(A_prev, W, b, kind):
    Z = W @ A_prev + b
    A, Zc = _sigmoid(Z) if kind == "sigmoid" else _relu(Z)
    return A, ((A_prev, W, b), Zc)


def model_forward(X, params):
    caches = []
    A = X
    L = len(params) // 2
    for l in range(1, L):
        A, c = layer_forward(A, params["W%d" % l], params["b%d" % l], "relu")
        caches.append(c)
    AL, c = layer_forward(A, params["W%d" % L], params["b%d" % L], "sigmoid")
    caches.append(c)
    return AL, caches


def cost_fn(AL, Y):
    m = Y.shape[1]
    J = -np.sum(Y * np.log(AL + EPS) + (1 - Y) * np.log(1 - AL + EPS)) / m
    return float(np.squeeze(J))


def layer_backward(dA, cache, kind):
    (A_prev, W, b), Z = cache
    if kind == "relu":
        dZ = dA.copy()
        dZ[Z <= 0] = 0
    else:
        s = 1.0 / (1.0 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return W.T @ dZ, dW, db


def model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(Y / (AL + EPS) - (1 - Y) / (1 - AL + EPS))  # same EPS as the cost
    grads["dA%d" % (L - 1)], grads["dW%d" % L], grads["db%d" % L] = layer_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        dA, dW, db = layer_backward(grads["dA%d" % (l + 1)], caches[l], "relu")
        grads["dA%d" % l], grads["dW%d" % (l + 1)], grads["db%d" % (l + 1)] = dA, dW, db
    return grads


def update(params, grads, lr):
    for l in range(1, len(params) // 2 + 1):
        params["W%d" % l] -= lr * grads["dW%d" % l]
        params["b%d" % l] -= lr * grads["db%d" % l]
    return params


def train(X, Y, layer_sizes, lr=0.0075, iters=2500, verbose=False):
    params = init_deep(layer_sizes)
    for i in range(iters):
        AL, caches = model_forward(X, params)
        J = cost_fn(AL, Y)
        params = update(params, model_backward(AL, Y, caches), lr)
        if verbose and i % 500 == 0:
            print("cost after iteration", i, J)
    return params


if __name__ == "__main__":
    X = np.random.randn(5, 40)
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    train(X, Y, [5, 7, 4, 1], verbose=True)
