"""PyTorch peers of IndexNormBench (same shapes): median microseconds per call.

Run: /tmp/peers/bin/python benchmarks/index_peers.py THREADS
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
g = torch.Generator().manual_seed(1)
x = torch.randn(2048, 512, generator=g, requires_grad=True)
w = torch.ones(512, requires_grad=True)
b = torch.zeros(512, requires_grad=True)
gout = torch.randn(2048, 512, generator=g)
table = torch.randn(30000, 512, generator=g, requires_grad=True)
rows = torch.randint(0, 30000, (2048,), generator=g)
src = torch.randn(1000, 1000, generator=g)
index = torch.randint(0, 1000, (1000, 1000), generator=g)
labels = torch.randint(0, 512, (2048,), generator=g)

src2 = torch.randn(1000, 1000, generator=g)
picks = torch.randint(0, 1000, (1000,), generator=g)


def layer_norm():
    y = F.layer_norm(x, (512,), w, b, 1e-5)
    return torch.autograd.grad(y, (x, w, b), gout)


def log_softmax_nll():
    loss = F.nll_loss(F.log_softmax(x, 1), labels)
    return torch.autograd.grad(loss, (x,))


def embedding():
    y = F.embedding(rows, table)
    return torch.autograd.grad(y, (table,), gout)


def gather():
    return src.gather(1, index)


def index_select():
    return src.index_select(0, picks)


def scatter_add():
    return src.scatter_add(1, index, src2)


def bench(fn, seconds=3.0):
    for _ in range(20):
        fn()
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2] * 1e6


for name, fn in [("layerNormForwardBackward", layer_norm), ("logSoftmaxNllForwardBackward", log_softmax_nll), ("embeddingForwardBackward", embedding),
                 ("gather1e6", gather), ("indexSelect1e6", index_select), ("scatterAdd1e6", scatter_add)]:
    print(json.dumps({"peer": "torch " + torch.__version__, "threads": torch.get_num_threads(), "workload": name, "median_us": round(bench(fn), 1)}))
