"""The FashionMnist demo's recipe in PyTorch 2.13, for FashionMnistTest's reference accuracy.

MLP 784-256-10 (ReLU), default PyTorch init, pixels / 255, Adam(lr=1e-3), cross-entropy, batch
64, shuffled, drop_last, one epoch; test accuracy on the 10 000 test images, averaged over 5
seeds (the seeds change init and order; simdgrad's generator differs from torch's anyway).

    /tmp/peers12/bin/python examples/src/test/python/fashion_mnist_torch.py [/usr/share/datasets/fashion-mnist]

Writes examples/src/test/resources/io/simdgrad/examples/fashion_mnist_torch.txt.
"""
import gzip
import os
import sys

import numpy as np
import torch

DATA = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "io", "simdgrad", "examples", "fashion_mnist_torch.txt")


def idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        data = f.read()
    rank = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def main():
    torch.set_num_threads(2)
    xtr = torch.tensor(idx("train-images-idx3-ubyte.gz").reshape(-1, 784), dtype=torch.float32) / 255
    ytr = torch.tensor(idx("train-labels-idx1-ubyte.gz"), dtype=torch.int64)
    xte = torch.tensor(idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784), dtype=torch.float32) / 255
    yte = torch.tensor(idx("t10k-labels-idx1-ubyte.gz"), dtype=torch.int64)
    accs = []
    for seed in range(5):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xtr, ytr), batch_size=64, shuffle=True, drop_last=True)
        for x, y in loader:
            loss = torch.nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            accs.append((model(xte).argmax(1) == yte).float().mean().item() * 100)
    with open(OUT, "w") as f:
        f.write(f"{np.mean(accs):.3f}\n")
        f.write("# test accuracy (%) after one epoch, mean of seeds 0-4: " + ", ".join(f"{a:.2f}" for a in accs) + "\n")
    print(open(OUT).read())


if __name__ == "__main__":
    main()
