# as propagate_main_optimize_correct.py, but model() wraps the training and dw forgets its 1/m; __main__ calls model()
import numpy as np


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def initialize_with_zeros(dim):
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)
    cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dZ = A - Y
    grads = {"dw": X @ dZ.T, "db": np.sum(dZ) / m}
    return grads, cost


def optimize(w, b, X, Y, num_iterations, learning_rate, print_cost=False):
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("cost after iteration", i, cost)
    return w, b, costs


def model(X_train, Y_train, num_iterations=2000, learning_rate=0.005):
    w, b = initialize_with_zeros(X_train.shape[0])
    w, b, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate)
    return {"w": w, "b": b, "costs": costs}


if __name__ == "__main__":
    gen = np.random.RandomState(2)
    X_train = gen.randn(5, 80)
    Y_train = (X_train[1:2] + 0.3 * X_train[3:4] > 0).astype(float)
    params = model(X_train, Y_train, num_iterations=2000, learning_rate=0.005)
    print("final cost", params["costs"][-1])
