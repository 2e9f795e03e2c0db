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
    "cnn": nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Dropout(0.25), nn.Linear(8 * 14 * 14, 10)),
    "convs": nn.Sequential(nn.Conv2d(4, 8, 3, stride=2, padding=0, dilation=2, groups=2, bias=False), nn.AvgPool2d(2),
                           nn.AdaptiveAvgPool2d(1), nn.AdaptiveAvgPool2d((2, 3)), nn.BatchNorm1d(5, eps=1e-3, momentum=0.2),
                           nn.LeakyReLU(), nn.LeakyReLU(0.2), nn.SiLU(), nn.Dropout(), nn.MaxPool2d(3, 1, 1, 2, True),
                           nn.Unflatten(1, (1, 28, 28)), nn.AdaptiveMaxPool2d(3), nn.AdaptiveMaxPool2d((2, 4))),
    "transformerish": nn.Sequential(nn.Embedding(100, 16), nn.LayerNorm(16), nn.Linear(16, 32), nn.GELU(), nn.GELU("tanh"),
                                    nn.Linear(32, 16), nn.LayerNorm((4, 16), eps=1e-6, elementwise_affine=False),
                                    nn.Embedding(10, 4, padding_idx=0)),
    "morelayers": nn.Sequential(nn.Conv1d(4, 6, 3, stride=2, padding=1), nn.Conv1d(6, 6, 2, dilation=2, groups=3, bias=False),
                                nn.ConvTranspose2d(4, 6, 3), nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                                                                groups=2, bias=False, dilation=2),
                                nn.ConvTranspose2d(2, 4, (2, 3), stride=(1, 2)), nn.GroupNorm(2, 6),
                                nn.GroupNorm(3, 6, eps=1e-3, affine=False), nn.RMSNorm(5),
                                nn.RMSNorm((4, 5), eps=1e-6, elementwise_affine=False)),
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

# BatchNorm2d's running statistics after two training steps and its eval output, float64; the
# inputs are x[i] = sin(0.37 i + step) * (1 + i % 5) over a [4, 3, 2, 5] tensor in C order
import math
BN = os.path.join(os.path.dirname(OUT), "batchnorm.txt")
torch.set_default_dtype(torch.float64)
bn = nn.BatchNorm2d(3, momentum=0.3)
with torch.no_grad():
    bn.weight.copy_(torch.tensor([1.5, -0.5, 2.0]))
    bn.bias.copy_(torch.tensor([0.1, 0.2, -0.3]))
def data(step):
    n = 4 * 3 * 2 * 5
    return torch.tensor([math.sin(0.37 * i + step) * (1 + i % 5) for i in range(n)]).reshape(4, 3, 2, 5)
bn.train()
train_out = bn(data(0))
bn(data(1))
bn.eval()
eval_out = bn(data(2))
def line(name, t):
    return name + " " + " ".join(repr(float(v)) for v in t.detach().reshape(-1).tolist()) + "\n"
with open(BN, "w") as f:
    f.write(line("train0", train_out))
    f.write(line("running_mean", bn.running_mean))
    f.write(line("running_var", bn.running_var))
    f.write(f"num_batches_tracked {int(bn.num_batches_tracked)}\n")
    f.write(line("eval2", eval_out))
