import numpy as np


class Net:
    def forward(self, X)
        return X
