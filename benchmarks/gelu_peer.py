"""PyTorch's side of GeluBench: F.gelu forward + backward, f32 [2048, 512], eager.

Run: /tmp/peers/bin/python benchmarks/gelu_peer.py THREADS
Prints one line per form: median, min and max milliseconds per call over 30 timed calls.
"""
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
x0 = torch.randn(2048, 512, dtype=torch.float32, generator=torch.Generator().manual_seed(1))
ones = torch.ones_like(x0)
for approximate in ("none", "tanh"):
    times = []
    for i in range(40):
        x = x0.clone().requires_grad_(True)
        t = time.perf_counter()
        F.gelu(x, approximate=approximate).backward(ones)
        times.append((time.perf_counter() - t) * 1e3)
    times = sorted(times[10:])
    print(f"torch {torch.__version__} threads={torch.get_num_threads()} gelu({approximate}) fwd+bwd 2048x512 f32: "
          f"median {times[len(times) // 2]:.3f} ms, min {times[0]:.3f}, max {times[-1]:.3f}")
