# fit a 2-4-1 tanh network with scipy-style functions: objective(w, X, t) and
# objective_jac(w, X, t) both take ONE flat parameter vector (minimize(..., jac=...))
import numpy as np

D, H = 2, 4   # inputs, hidden units (one output)


def split(w):
    A = w[: D * H].reshape(D, H)
    a = w[D * H : D * H + H]
    B = w[D * H + H : D * H + 2 * H].reshape(H, 1)
    c = w[-1:]
    return A, a, B, c


def objective(w, X, t):
    A, a, B, c = split(w)
    pred = np.tanh(X @ A + a) @ B + c
    return 0.5 * np.mean((pred[:, 0] - t) ** 2)


def objective_jac(w, X, t):
    A, a, B, c = split(w)
    N = len(t)
    hid = np.tanh(X @ A + a)
    r = (hid @ B + c)[:, 0] - t
    g_out = r[:, None] / N
    gB = hid.T @ g_out
    gc = g_out.sum(axis=0)
    g_hid = (g_out @ B.T) * (1 - hid**2)
    gA = X.T @ (g_out @ B.T)
    ga = g_hid.sum(axis=0)
    return np.concatenate([gA.ravel(), ga, gB.ravel(), gc])


if __name__ == "__main__":
    from scipy.optimize import minimize

    rs = np.random.RandomState(2)
    X = rs.uniform(-1, 1, (64, D))
    t = X[:, 0] * X[:, 1]
    w0 = rs.randn(D * H + 2 * H + 1) * 0.5
    res = minimize(objective, w0, args=(X, t), jac=objective_jac, method="L-BFGS-B")
    print(res.fun, res.nit)
