import numpy as np
from network import Network

net = Network([4, 8, 3])
