def run_training(X, Y, n_hidden=4, steps=1000, rate=0.5):
    weights = initialize_parameters(X.shape[0], n_hidden, Y.shape[0])
    for step in range(steps):
        P, stash = forward_pass(X, weights)
        cost = log_loss(P, Y)
        grads = backward_pass(weights, stash, X, Y)
        for k in weights:
            weights[k] = weights[k] - rate * grads["d" + k]
        if step % 200 == 0:
            print(step, cost)
    return weights
