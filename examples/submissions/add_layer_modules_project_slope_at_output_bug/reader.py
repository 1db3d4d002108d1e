import numpy as np
from pandas import read_csv


def read_training_data(path="patterns.csv"):
    table = read_csv(path).to_numpy()
    return table[:, :4].reshape(-1, 1, 4), table[:, 4:].reshape(-1, 1, 4)
