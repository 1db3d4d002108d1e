def squash(z):
    return 1.0 / (1.0 + np.exp(-z))
