"""Classification de deux anneaux : un réseau à une couche cachée, écrit comme un carnet de cours.

The initializer is named in French and returns a dict of lower-case weights (w1, b1, w2, b2);
the backward takes the inputs but reads the labels off the module's global y.
"""

import numpy as np

np.random.seed(5)

m = 120
angle = np.random.uniform(0, 2 * np.pi, m)
rayon = np.where(np.arange(m) % 2 == 0, 0.4, 1.0) + 0.1 * np.random.randn(m)
x = np.stack([rayon * np.cos(angle), rayon * np.sin(angle)], axis=1)
y = (np.arange(m) % 2 == 0).astype(float)
y = y.reshape(1, m)
X = x.T


def initialisation(n0, n1, n2):
    w1 = np.random.randn(n1, n0)
    b1 = np.random.randn(n1, 1)
    w2 = np.random.randn(n2, n1)
    b2 = np.random.randn(n2, 1)
    parametres = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    return parametres


def forward_propagation(X, parametres):
    z1 = parametres["w1"].dot(X) + parametres["b1"]
    a1 = 1 / (1 + np.exp(-z1))
    z2 = parametres["w2"].dot(a1) + parametres["b2"]
    a2 = 1 / (1 + np.exp(-z2))
    sorties = {"A1": a1, "A2": a2}
    return sorties


def log_loss(A, y):
    return -np.mean(y * np.log(A) + (1 - y) * np.log(1 - A))


def back_propagation(X, parametres, sorties):
    m = y.shape[1]
    a1 = sorties["A1"]
    a2 = sorties["A2"]
    dz2 = a2 - y
    dw2 = dz2.dot(a1.T) / m
    db2 = np.sum(dz2, axis=1, keepdims=True) / m
    dz1 = parametres["w2"].T.dot(dz2) * a1 * (1 - a1)
    dw1 = dz1.dot(X.T) / m
    db1 = np.sum(dz1, axis=1, keepdims=True)
    return {"dw1": dw1, "db1": db1, "dw2": dw2, "db2": db2}


def mise_a_jour(parametres, gradients, learning_rate):
    return {k: parametres[k] - learning_rate * gradients["d" + k] for k in parametres}


def reseau(X, y, n1, learning_rate, n_iter):
    parametres = initialisation(X.shape[0], n1, y.shape[0])
    pertes = []
    for i in range(n_iter):
        sorties = forward_propagation(X, parametres)
        gradients = back_propagation(X, parametres, sorties)
        parametres = mise_a_jour(parametres, gradients, learning_rate)
        if i % 50 == 0:
            pertes.append(log_loss(sorties["A2"], y))
    return parametres, pertes


parametres, pertes = reseau(X, y, n1=8, learning_rate=0.5, n_iter=500)
print("perte finale :", pertes[-1])
