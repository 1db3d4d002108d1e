from nn.layers import Dense, Tanh
from nn.net import Classifier
