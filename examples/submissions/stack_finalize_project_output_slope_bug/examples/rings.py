import numpy as np

from stacknet.layers import Dense, Sigmoid, Tanh
from stacknet.losses import BinaryCrossEntropy
from stacknet.model import Model
from stacknet.optimizers import Optimizer_SGD

table = np.loadtxt("rings.csv", delimiter=",")
X, y = table[:, :2], table[:, 2:]

model = Model()
model.add(Dense(2, 32, weight_l2=5e-4))
model.add(Tanh())
model.add(Dense(32, 1))
model.add(Sigmoid())
model.set(loss=BinaryCrossEntropy(), optimizer=Optimizer_SGD(learning_rate=0.2))
model.finalize()
model.train(X, y, epochs=5000, print_every=500)
