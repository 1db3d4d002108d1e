def log_loss(P, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)) / m)
