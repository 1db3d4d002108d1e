"""Correct: 2-4-1 sigmoid MLP for logic gates, BCE; backward returns the grads dict AND applies the update (W -= lr*dW, with an inactive +-5 clip)."""
import numpy as np

GATES = {
    "AND": np.array([[0], [0], [0], [1]], dtype=float),
    "OR": np.array([[0], [1], [1], [1]], dtype=float),
    "XOR": np.array([[0], [1], [1], [0]], dtype=float),
}
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


class MLP:
    def __init__(self, input_dim=2, hidden_dim=4, output_dim=1, learning_rate=1.0):
        # He initialisation
        self.W1 = np.random.randn(input_dim, hidden_dim) * np.sqrt(2.0 / input_dim)
        self.b1 = np.zeros((1, hidden_dim))
        self.W2 = np.random.randn(hidden_dim, output_dim) * np.sqrt(2.0 / hidden_dim)
        self.b2 = np.zeros((1, output_dim))
        self.learning_rate = learning_rate
        self.cache = {}

    @staticmethod
    def _sigmoid(z):
        z = np.clip(z, -500, 500)  # avoid overflow in exp
        return 1.0 / (1.0 + np.exp(-z))

    def forward(self, X):
        Z1 = X @ self.W1 + self.b1
        A1 = self._sigmoid(Z1)
        Z2 = A1 @ self.W2 + self.b2
        A2 = self._sigmoid(Z2)
        self.cache = {"X": X, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
        return A2

    def loss(self, y_true, y_pred):
        eps = 1e-15
        y_pred = np.clip(y_pred, eps, 1 - eps)
        return -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))

    def compute_gradients(self, y):
        X, A1, A2 = self.cache["X"], self.cache["A1"], self.cache["A2"]
        m = y.shape[0]
        dZ2 = (A2 - y) / m
        dA1 = dZ2 @ self.W2.T
        dZ1 = dA1 * A1 * (1 - A1)
        return {
            "W1": X.T @ dZ1,
            "b1": np.sum(dZ1, axis=0, keepdims=True),
            "W2": A1.T @ dZ2,
            "b2": np.sum(dZ2, axis=0, keepdims=True),
        }

    def backward(self, X, y, learning_rate=None):
        """One training step. Returns the gradients (handy for gradient checking)."""
        lr = self.learning_rate if learning_rate is None else learning_rate
        self.forward(X)
        grads = self.compute_gradients(y)
        for name, g in grads.items():
            g = np.clip(g, -5.0, 5.0)   # gradient clipping against explosions
            setattr(self, name, getattr(self, name) - lr * g)
        return grads

    def gradient_check(self, X, y, epsilon=1e-7):
        """Relative error between analytic and numerical gradients."""
        self.forward(X)
        analytic = self.compute_gradients(y)
        worst = 0.0
        for name in ("W1", "b1", "W2", "b2"):
            P = getattr(self, name)
            for idx in np.ndindex(P.shape):
                old = P[idx]
                P[idx] = old + epsilon
                plus = self.loss(y, self.forward(X))
                P[idx] = old - epsilon
                minus = self.loss(y, self.forward(X))
                P[idx] = old
                num = (plus - minus) / (2 * epsilon)
                ana = analytic[name][idx]
                rel = abs(num - ana) / max(abs(num) + abs(ana), 1e-12)
                worst = max(worst, rel)
        return worst


if __name__ == "__main__":
    np.random.seed(0)
    for gate, y in GATES.items():
        model = MLP(2, 4, 1, learning_rate=1.0)
        print(gate, "gradient check max relative error:", model.gradient_check(INPUTS, y))
        for epoch in range(10000):
            model.backward(INPUTS, y)
            if epoch % 2000 == 0:
                print(f"  [{gate}] epoch {epoch} loss {model.loss(y, model.forward(INPUTS)):.4f}")
        print("  predictions:", model.forward(INPUTS).ravel().round(3))
