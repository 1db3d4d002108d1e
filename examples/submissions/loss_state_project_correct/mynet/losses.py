import numpy as np


class MeanSquared:
    """Mean over every entry; backward() starts from what forward() kept."""

    def forward(self, pred, target):
        self.diff = pred - target
        return float(np.mean(self.diff**2))

    def backward(self):
        return 2.0 * self.diff / self.diff.size
