from model import Net
import numpy as np
net = Net(3, 2)
print("TRAIN-TOPLEVEL")
