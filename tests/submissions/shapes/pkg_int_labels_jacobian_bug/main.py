import numpy as np

from nn import Classifier

X = np.loadtxt("iris.csv", delimiter=",", usecols=(0, 1, 2, 3))
y = np.loadtxt("iris.csv", delimiter=",", usecols=4).astype(int)
clf = Classifier((4, 10, 3))
for epoch in range(1000):
    loss = clf.loss(X, y)
    clf.backward()
    clf.step(0.05)
