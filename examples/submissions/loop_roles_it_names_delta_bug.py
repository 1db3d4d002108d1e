"""XOR: input patterns I, teacher outputs T; weights V, c (hidden) and U, d (output)."""

import numpy as np

I = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
T = np.array([[0.0], [1.0], [1.0], [0.0]])

np.random.seed(3)
V = np.random.randn(2, 5) * 0.5
c = np.zeros(5)
U = np.random.randn(5, 1) * 0.5
d = np.zeros(1)


def act(z):
    return 1 / (1 + np.exp(-z))


def run(I):
    H = act(I @ V + c)
    O = act(H @ U + d)
    return H, O


def learn(I, T, H, O, eta):
    global V, c, U, d
    e_o = O - T
    e_h = (e_o @ U.T) * H * (1 - H)
    U = U - eta * H.T @ e_o
    d = d - eta * e_o.sum(axis=0)
    V = V - eta * I.T @ e_h
    c = c - eta * e_h.sum(axis=0)


def sse(O, T):
    return 0.5 * np.sum((O - T) ** 2)


for it in range(4000):
    H, O = run(I)
    learn(I, T, H, O, 1.0)
    if it % 1000 == 0:
        print(it, sse(O, T))
