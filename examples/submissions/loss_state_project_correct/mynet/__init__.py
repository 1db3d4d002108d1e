from mynet.layers import Affine, Tanh
from mynet.losses import MeanSquared
