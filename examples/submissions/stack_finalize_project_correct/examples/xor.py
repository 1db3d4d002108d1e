import numpy as np

from stacknet.layers import Dense, Sigmoid, Tanh
from stacknet.losses import BinaryCrossEntropy
from stacknet.model import Model
from stacknet.optimizers import Optimizer_SGD

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
y = np.array([[0], [1], [1], [0]], dtype=float)

model = Model()
model.add(Dense(2, 8))
model.add(Tanh())
model.add(Dense(8, 1))
model.add(Sigmoid())
model.set(loss=BinaryCrossEntropy(), optimizer=Optimizer_SGD(learning_rate=0.5))
model.finalize()
model.train(X, y, epochs=20000, print_every=2000)
