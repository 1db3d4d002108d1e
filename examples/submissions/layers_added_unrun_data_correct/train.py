import numpy as np

from layers import Dense, Tanh
from model import Model

data = np.load("measurements.npz")
x_train, y_train = data["x"], data["y"]

model = Model()
model.add(Dense(x_train.shape[1], 16))
model.add(Tanh())
model.add(Dense(16, y_train.shape[1]))
model.train(x_train, y_train, epochs=500)
