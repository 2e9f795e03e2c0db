"""NumPy-made .npz archives for simdgrad's NpzTest.

    /tmp/peers/bin/python nn/src/test/python/make_npz_golden.py

Writes to nn/src/test/resources/io/simdgrad/nn/: golden.npz (np.savez: stored entries) and
golden_compressed.npz (np.savez_compressed: deflated) holding a PyTorch model's state dict plus
arrays of the other kinds the format carries (int64, 0-d, empty, Fortran order, special values),
and npz_<name>.npy, each array alone (the expected values).

With an argument, checks instead that NumPy reads an archive simdgrad wrote (NpzTest's output):

    /tmp/peers/bin/python nn/src/test/python/make_npz_golden.py /tmp/from_simdgrad.npz
"""
import os
import sys

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "io", "simdgrad", "nn")


def arrays():
    torch.manual_seed(5)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    a = {k: v.numpy() for k, v in model.state_dict().items()}
    a["labels"] = np.array([3, -1, 2**40, 0], dtype=np.int64)
    a["scalar"] = np.array(2.5, dtype=np.float64)
    a["empty"] = np.zeros((0, 5), dtype=np.float32)
    a["fortran"] = np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3))
    a["special"] = np.array([np.nan, np.inf, -0.0, 1e-45], dtype=np.float32)
    return a


if len(sys.argv) > 1:
    with np.load(sys.argv[1]) as z:
        for k in z.files:
            print(k, z[k].dtype, z[k].shape, z[k].ravel()[:4])
    sys.exit(0)

a = arrays()
np.savez(os.path.join(OUT, "golden.npz"), **a)
np.savez_compressed(os.path.join(OUT, "golden_compressed.npz"), **a)
for k, v in a.items():
    np.save(os.path.join(OUT, "npz_" + k + ".npy"), v.copy(order="C"))
print("wrote", len(a), "arrays to", os.path.normpath(OUT))
