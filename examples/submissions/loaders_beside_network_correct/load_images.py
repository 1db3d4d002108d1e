"""Reads the digit images of the course's idx file into column vectors."""

import numpy as np


def read_int(raw, at):
    return int.from_bytes(raw[at : at + 4], "big")


def image_columns(path):
    with open(path, "rb") as f:
        raw = f.read()
    count, rows, cols = read_int(raw, 4), read_int(raw, 8), read_int(raw, 12)
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).astype(float) / 255.0
    return pixels.reshape(count, rows * cols, 1)


images = image_columns("train-images-idx3-ubyte")
print(images.shape)
