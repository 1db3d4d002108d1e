import numpy as np
print("MODEL-TOPLEVEL")
class Net:
    def __init__(self, input_size, output_size):
        self.W = np.random.randn(input_size, output_size)
    def forward(self, X):
        self.X = X; self.out = X @ self.W; return self.out
    def backward(self, y):
        self.dW = self.X.T @ (self.out - y) / len(y)
print("MODEL-LOOP-RAN")
