"""PyTorch's printed form and state-dict keys of a few models, for simdgrad's ModuleTest.

    /tmp/peers12/bin/python nn/src/test/python/make_module_golden.py

Writes nn/src/test/resources/io/simdgrad/nn/modules.txt: for each model, a line "== name", its
repr, a line "-- keys", its state_dict keys with shapes ("key 3,4"), one per line.
"""
import os
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "io", "simdgrad", "nn", "modules.txt")

d = nn.ModuleDict()
d["encoder"] = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU())
d["head"] = nn.ModuleList([nn.Linear(256, 10), nn.Linear(256, 10), nn.Linear(256, 10, bias=False), nn.Tanh()])
MODELS = {
    "mlp": nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)),
    "nested": d,
    "activations": nn.Sequential(nn.Sigmoid(), nn.Tanh(), nn.Softmax(dim=1), nn.LogSoftmax(dim=-1), nn.Flatten(0, 2)),
    "linear": nn.Linear(3, 2, bias=False),
    "emptylist": nn.ModuleList(),
}

with open(OUT, "w") as f:
    for name, m in MODELS.items():
        f.write(f"== {name}\n{m!r}\n-- keys\n")
        for k, v in m.state_dict().items():
            f.write(f"{k} {','.join(map(str, v.shape))}\n")
print("wrote", os.path.normpath(OUT))

# the error PyTorch raises for a state dict with a missing key, an unexpected one and a wrong shape
import torch
ERR = os.path.join(os.path.dirname(OUT), "load_error.txt")
try:
    nn.Sequential(nn.Linear(3, 2)).load_state_dict({"0.weight": torch.zeros(2, 4), "extra": torch.zeros(1)})
except RuntimeError as e:
    with open(ERR, "w") as f:
        f.write(str(e))
