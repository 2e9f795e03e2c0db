"""Forward values and gradients of Conv1d, ConvTranspose2d, GroupNorm and RMSNorm in PyTorch, for LayerFixturesTest.

    /tmp/peers/bin/python nn/src/test/python/make_layer_fixtures.py

Writes nn/src/test/resources/io/simdgrad/nn/layers.txt, float64: for each case a line "case name", then
lines "key shape : values" (shape "2x3", values in C order): the state_dict entries (random, seeded), "x",
"out" = layer(x), "gout" (random) and the gradients of sum(out * gout): "grad x" and "grad <param>".
"""
import os
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "io", "simdgrad", "nn", "layers.txt")
torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(11)

CASES = [
    ("conv1d", lambda: nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), (2, 4, 9)),
    ("conv1d_dilated_unbatched", lambda: nn.Conv1d(3, 2, 2, dilation=2, bias=False), (3, 7)),
    ("convtranspose2d", lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), (2, 4, 5, 4)),
    ("convtranspose2d_rect", lambda: nn.ConvTranspose2d(3, 2, (2, 3), stride=(1, 2), padding=(0, 1), dilation=(2, 1), bias=False),
     (1, 3, 4, 5)),
    ("groupnorm", lambda: nn.GroupNorm(2, 6), (3, 6, 4, 5)),
    ("groupnorm_noaffine", lambda: nn.GroupNorm(3, 6, eps=1e-3, affine=False), (2, 6, 7)),
    ("rmsnorm", lambda: nn.RMSNorm(5), (3, 4, 5)),
    ("rmsnorm_2d_eps", lambda: nn.RMSNorm((4, 5), eps=1e-6), (2, 4, 5)),
]


def line(key, t):
    shape = "x".join(str(s) for s in t.shape) if t.dim() else "scalar"
    return "%s %s : %s\n" % (key, shape, " ".join(repr(float(v)) for v in t.detach().reshape(-1).tolist()))


with open(OUT, "w") as f:
    for name, make, shape in CASES:
        m = make()
        with torch.no_grad():
            for p in m.parameters():
                p.copy_(torch.randn(p.shape, generator=gen))
        x = torch.randn(shape, generator=gen, requires_grad=True)
        y = m(x)
        g = torch.randn(y.shape, generator=gen)
        (y * g).sum().backward()
        f.write("case %s\n" % name)
        for k, v in m.state_dict().items():
            f.write(line(k, v))
        f.write(line("x", x))
        f.write(line("out", y))
        f.write(line("gout", g))
        f.write(line("grad x", x.grad))
        for k, p in m.named_parameters():
            f.write(line("grad " + k, p.grad))
print("wrote", os.path.normpath(OUT))
