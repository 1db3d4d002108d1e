import numpy as np
import pandas as pd

from layers import ActivationSigmoid, DenseLayer
from network import SequentialNetwork as MLP
from network import mse, mse_grad

network = MLP([DenseLayer(4, 8), ActivationSigmoid(), DenseLayer(8, 3), ActivationSigmoid()])

frame = pd.read_csv("iris.csv")
X = frame.iloc[:, :4].to_numpy()
Y = np.eye(3)[frame.iloc[:, 4].astype("category").cat.codes]
for epoch in range(100):
    out = network.forward(X)
    print(epoch, mse(out, Y))
    network.backward(mse_grad(out, Y))
    network.step(0.1)
