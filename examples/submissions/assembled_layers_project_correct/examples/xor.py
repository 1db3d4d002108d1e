import numpy as np

from src.activations import Tanh
from src.layers import Dense
from src.losses import mse, mse_prime
from src.network import Network
from src.train import train

X = np.reshape([[0, 0], [0, 1], [1, 0], [1, 1]], (4, 2, 1))
Y = np.reshape([[0], [1], [1], [0]], (4, 1, 1))

net = Network()
net.layers = [Dense(2, 3), Tanh(), Dense(3, 1), Tanh()]

train(net, mse, mse_prime, X, Y, epochs=10000, learning_rate=0.1)

for x in X:
    print(x.ravel(), net.predict(x).ravel())
