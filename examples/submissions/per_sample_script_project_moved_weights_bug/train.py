"""One picture at a time: sigmoid hidden layer and sigmoid outputs, cross-entropy summed over the three outputs.
The output layer moves before the hidden layer's error is computed from it."""
from data import get_digits
import numpy as np

pictures, kinds = get_digits()
w_in = np.random.uniform(-0.5, 0.5, (4, 6))
w_out = np.random.uniform(-0.5, 0.5, (3, 4))
b_in = np.zeros((4, 1))
b_out = np.zeros((3, 1))
learning_rate = 0.05
hits = 0
for epoch in range(2):
    for x, t in zip(pictures, kinds):
        x.shape += (1,)
        t.shape += (1,)
        hid = 1 / (1 + np.exp(-(b_in + w_in @ x)))
        out = 1 / (1 + np.exp(-(b_out + w_out @ hid)))
        cost = -np.sum(t * np.log(out) + (1 - t) * np.log(1 - out))
        hits += int(np.argmax(out) == np.argmax(t))
        delta_o = out - t
        w_out += -learning_rate * delta_o @ np.transpose(hid)
        b_out += -learning_rate * delta_o
        delta_h = np.transpose(w_out) @ delta_o * (hid * (1 - hid))
        w_in += -learning_rate * delta_h @ np.transpose(x)
        b_in += -learning_rate * delta_h
    print("epoch", epoch, "right:", hits)
    hits = 0

while True:
    k = int(input("picture number: "))
    print(kinds[k], pictures[k])
