import numpy as np
from scipy.special import expit
import pandas as pd


class NN:
    def __init__(self, input_count, hidden_count, output_count, eta):
        self.i = input_count
        self.h = hidden_count
        self.o = output_count
        self.eta = eta
        self.w_ih = np.random.uniform(-0.5, 0.5, (self.h, self.i))
        self.w_ho = np.random.uniform(-0.5, 0.5, (self.o, self.h))
        self.b_h = np.zeros((self.h, 1))
        self.b_o = np.zeros((self.o, 1))

    def think(self, inputs_list):
        x = np.array(inputs_list, ndmin=2).T
        h = expit(self.w_ih @ x + self.b_h)
        return expit(self.w_ho @ h + self.b_o)

    def train(self, inputs_list, targets_list):
        x = np.array(inputs_list, ndmin=2).T
        t = np.array(targets_list, ndmin=2).T
        h = expit(self.w_ih @ x + self.b_h)
        o = expit(self.w_ho @ h + self.b_o)
        e_o = t - o
        g_o = e_o * o * (1 - o)
        e_h = self.w_ho.T @ g_o
        g_h = e_h * h * (1 - h)
        self.w_ho += self.eta * g_o @ h.T
        self.b_o += self.eta * g_o
        self.w_ih += self.eta * g_h @ x.T
        self.b_h += self.eta * g_h


df = pd.read_csv("train.csv")
net = NN(784, 64, 10, 0.2)
for _, row in df.iterrows():
    target = np.zeros(10) + 0.01
    target[int(row[0])] = 0.99
    net.train(row[1:] / 255.0, target)
