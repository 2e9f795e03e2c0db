"""A safetensors file made on the PyTorch side, for simdgrad's SafeTensorsTest.

The venv has no `safetensors` package, so this writes the format by its specification, laid out
as the safetensors library lays it out: tensors sorted by element size (largest first) then name,
compact JSON with "__metadata__" first, the header padded with spaces to a multiple of 8 bytes,
little-endian data. It then reads the file back with an independent reader and checks the values.

    /tmp/peers12/bin/python nn/src/test/python/make_safetensors_golden.py

Writes nn/src/test/resources/io/simdgrad/nn/golden.safetensors and one .npy per tensor
(st_<name>.npy) holding the same values.
"""
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "io", "simdgrad", "nn")
CODES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}

g = torch.Generator().manual_seed(7)
TENSORS = {
    "fc.weight": torch.randn(3, 4, generator=g),
    "fc.bias": torch.randn(3, generator=g, dtype=torch.float64),
    "labels": torch.tensor([3, -1, 2**40, 0], dtype=torch.int64),
    "empty": torch.zeros(0, 5),
    "scalar": torch.tensor(2.5, dtype=torch.float64),
    "special": torch.tensor([float("nan"), float("inf"), -0.0, 1e-45], dtype=torch.float32),
}
METADATA = {"format": "pt", "note": "quote \" and \u00e9"}


def save(tensors, metadata, path):
    order = sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = dict(sorted(metadata.items()))
    for name, t in order:
        b = t.contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    js = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    js += b" " * (-len(js) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + b"".join(blobs))


def load(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dt = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}[e["dtype"]]
        b, en = e["data_offsets"]
        out[name] = np.frombuffer(body[b:en], dtype=dt).reshape(e["shape"])
    return out, header.get("__metadata__", {})


def main():
    path = os.path.join(OUT, "golden.safetensors")
    save(TENSORS, METADATA, path)
    back, meta = load(path)
    assert meta == METADATA
    for k, t in TENSORS.items():
        assert np.array_equal(back[k], t.numpy(), equal_nan=True), k
        np.save(os.path.join(OUT, f"st_{k}.npy"), t.numpy())
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
