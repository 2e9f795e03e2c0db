"""Peers on the perf table's workloads, one process per (library, threads). The project's own copy of
../shared/bench/peers.py (with tbench.py), run by benchmarks/side-by-side; extend it here when a JMH workload is added.
usage: python peers.py torch|numpy THREADS [sections...]  -> JSON lines {"name", "med_s", "min_s", "max_s"[, "gflops"]}
sections: mm elem mlp tiny compile bf16 func linalg sortscan conv adam cnn epoch   (torch)   mm mlp elem linalg (numpy)
Run numpy with OPENBLAS_NUM_THREADS=THREADS (and OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE unset); torch sets its own thread count."""
import os, sys, json, time, statistics
sys.path.insert(0, os.path.dirname(__file__))
from tbench import bench

lib, threads = sys.argv[1], int(sys.argv[2])
sections = set(sys.argv[3:]) or {"mm", "elem", "mlp", "tiny"}

def emit(name, r, **extra):
    d = {"lib": lib, "threads": threads, "name": name, "med_s": r["med"], "min_s": r["min"], "max_s": r["max"]}
    d.update(extra)
    print(json.dumps(d), flush=True)

def gemm_rows(mm, mk, Ns, tag):
    for N in Ns:
        A, B, C = mk(N), mk(N), mk(N)
        r = bench(lambda: mm(A, B, C), repeat=5, min_time=0.3)
        emit(f"gemm_{tag}_{N}", r, gflops=2 * N**3 / r["med"] / 1e9)

# GemmBench.Shapes: m x k x n and the form (NT: B stored n x k; TN: A stored k x m); "b32x" = 32 items
GEMM_SHAPES = ["64x784x256NT", "256x64x784TN", "64x256x10NT", "64x10x256NN", "b32x64x64x64NN"]

def gemm_shapes(rand, mm, t):
    for shape in GEMM_SHAPES:
        s, batch = (shape.split("x", 1)[1], int(shape[1:shape.index("x")])) if shape.startswith("b") else (shape, 0)
        m, k, n = (int(v) for v in s[:-2].split("x"))
        lead = (batch,) if batch else ()
        A = t(rand(lead + (k, m))) if s[-2] == "T" else rand(lead + (m, k))
        B = t(rand(lead + (n, k))) if s[-1] == "T" else rand(lead + (k, n))
        C = rand(lead + (m, n))
        r = bench(lambda: mm(A, B, C), repeat=5, min_time=0.3)
        emit(f"gemm_{shape}", r, gflops=2 * max(batch, 1) * m * n * k / r["med"] / 1e9)

if lib == "torch":
    import torch, torch.nn as nn, torch.nn.functional as F
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if "mm" in sections:
        for dt, tag, Ns in [(torch.float32, "f32", [64, 128, 256, 512, 1024]), (torch.float64, "f64", [512])]:
            gemm_rows(lambda A, B, C: torch.mm(A, B, out=C), lambda N: torch.rand(N, N, dtype=dt), Ns, tag)
        gemm_shapes(lambda s: torch.rand(*s), lambda A, B, C: torch.bmm(A, B, out=C) if A.dim() == 3 else torch.mm(A, B, out=C),
                    lambda x: x.transpose(-1, -2))
    if "bf16" in sections:  # AMX through oneDNN where the CPU has it: a ceiling Java cannot reach today
        gemm_rows(lambda A, B, C: torch.mm(A, B, out=C), lambda N: torch.rand(N, N, dtype=torch.bfloat16), [512, 1024], "bf16")
    if "elem" in sections:
        n = 1_000_000
        a, b, c = torch.rand(n), torch.rand(n), torch.empty(n)
        emit("add_1e6_out", bench(lambda: torch.add(a, b, out=c)))
        emit("sum_1e6", bench(lambda: a.sum()))
        emit("dot_1e6", bench(lambda: torch.dot(a, b)))
        m = 100_000
        x, y = torch.rand(m), torch.empty(m)
        emit("exp_1e5_out", bench(lambda: torch.exp(x, out=y)))
        emit("tanh_1e5_out", bench(lambda: torch.tanh(x, out=y)))
        s = torch.randn(256, 1000); so = torch.empty(256, 1000)
        emit("softmax_256x1000", bench(lambda: torch.softmax(s, 1)))
    if "sortscan" in sections:  # SortScanBench's workloads, f32, eager, no autograd
        g = torch.Generator().manual_seed(3)
        m = torch.rand(1000, 1000, generator=g)
        emit("cumsum_1000x1000_dim1", bench(lambda: torch.cumsum(m, 1)))
        emit("cumsum_1000x1000_dim0", bench(lambda: torch.cumsum(m, 0)))
        emit("sort_1000x1000_dim1", bench(lambda: torch.sort(m, dim=1, stable=True)))
        emit("topk10_1000x1000_dim1", bench(lambda: torch.topk(m, 10, 1)))
        t = torch.rand(64, 256, 64, generator=g)
        emit("sum_dims02_64x256x64", bench(lambda: t.sum((0, 2))))
        emit("amax_dims12_64x256x64", bench(lambda: t.amax((1, 2))))
    def mlp(sizes, bs, loss):
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2: layers.append(nn.ReLU())
        m = nn.Sequential(*layers)
        x = torch.randn(bs, sizes[0])
        y = torch.randint(0, sizes[-1], (bs,)) if loss == "ce" else torch.randn(bs, sizes[-1])
        lf = F.cross_entropy if loss == "ce" else F.mse_loss
        return m, x, y, lf
    cases = [("mlp_784_256_10_b64", [784, 256, 10], 64, "ce"), ("mlp_2_16_16_1_b32", [2, 16, 16, 1], 32, "mse")]
    if "mlp" in sections:
        for name, sizes, bs, loss in cases:
            m, x, y, lf = mlp(sizes, bs, loss)
            opt = torch.optim.SGD(m.parameters(), lr=0.01)
            def step():
                opt.zero_grad(); l = lf(m(x), y); l.backward(); opt.step()
            emit(f"{name}_step_eager", bench(step, repeat=7))
    if "compile" in sections:
        for name, sizes, bs, loss in cases:
            m, x, y, lf = mlp(sizes, bs, loss)
            opt = torch.optim.SGD(m.parameters(), lr=0.01)
            def step():
                opt.zero_grad(); l = lf(m(x), y); l.backward(); opt.step()
            try:
                cstep = torch.compile(step)
                t0 = time.perf_counter(); cstep(); first = time.perf_counter() - t0
                emit(f"{name}_step_compiled", bench(cstep, repeat=7), first_call_s=first)
            except Exception as e:
                print(json.dumps({"lib": lib, "name": f"{name}_step_compiled", "error": repr(e)[:300]}), flush=True)
    if "func" in sections:  # FuncBench: torch.func.hessian (jacfwd(jacrev), vmapped) of a 100-parameter f64 function
        from torch.func import hessian, jacrev
        W = torch.randn(50, 100, dtype=torch.float64) * 0.1
        x = torch.randn(100, dtype=torch.float64)
        def f(v): return torch.tanh(W @ v).square().sum() + (torch.sin(v) * v).sum()
        emit("hessian_100_f64", bench(lambda: hessian(f)(x), repeat=7))
        emit("jacrev_jacrev_100_f64", bench(lambda: jacrev(jacrev(f))(x), repeat=7))
    if "conv" in sections:  # conv2d forward + backward (input and weight gradients), no bias: ConvBench's layers
        for name, (n, c, oc, hw, k, pad) in {"lenet1": (64, 1, 6, 28, 5, 0), "lenet2": (64, 6, 16, 14, 5, 0),
                                             "resnet": (8, 64, 64, 56, 3, 1)}.items():
            x = torch.randn(n, c, hw, hw, requires_grad=True)
            w = (torch.randn(oc, c, k, k) * 0.1).requires_grad_()
            o = hw + 2 * pad - k + 1
            g = torch.randn(n, oc, o, o)
            def step():
                x.grad = None; w.grad = None
                F.conv2d(x, w, padding=pad).backward(g)
            emit(f"conv2d_{name}_fwd_bwd", bench(step, repeat=5), gflops=3 * 2 * n * oc * o * o * c * k * k / bench(step, repeat=3)["med"] / 1e9)
    if "adam" in sections:  # TrainBench.adamStep*: Adam.step() over a 784-1024-256-10 MLP's parameters (1,068,810 floats), grads fixed
        for impl, kw in [("forloop", {"foreach": False}), ("foreach", {"foreach": True}), ("fused", {"fused": True})]:
            m = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 256), nn.ReLU(), nn.Linear(256, 10))
            for p in m.parameters(): p.grad = torch.randn_like(p) * 1e-2
            opt = torch.optim.Adam(m.parameters(), lr=1e-3, **kw)
            emit(f"adam_step_1m_{impl}", bench(opt.step, repeat=7))
    if "cnn" in sections:  # TrainBench.cnnStep*: the Fashion-MNIST demo's CNN, batch 64, cross-entropy, Adam 1e-3 (an epoch: 937 steps)
        torch.manual_seed(0)
        m = nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)
        x = torch.rand(64, 784); y = torch.arange(64) % 10
        def cnn_step():
            opt.zero_grad(); l = F.cross_entropy(m(x), y); l.backward(); opt.step()
        emit("cnn_fashion_b64_step_eager", bench(cnn_step, repeat=7))
        if "compile" in sections:
            try:
                cstep = torch.compile(cnn_step)
                t0 = time.perf_counter(); cstep(); first = time.perf_counter() - t0
                emit("cnn_fashion_b64_step_compiled", bench(cstep, repeat=7), first_call_s=first)
            except Exception as e:
                print(json.dumps({"lib": lib, "name": "cnn_fashion_b64_step_compiled", "error": repr(e)[:300]}), flush=True)
    if "epoch" in sections:  # the FashionMnist demo's epoch (60 000 images, batch 64, shuffled, drop_last, Adam 1e-3), MLP and CNN, one run each
        import gzip
        data = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
        def idx(name):
            with gzip.open(os.path.join(data, name)) as f: b = f.read()
            rank = b[3]; shape = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
            return torch.frombuffer(bytearray(b[4 + 4 * rank:]), dtype=torch.uint8).reshape(shape)
        xs = idx("train-images-idx3-ubyte.gz").reshape(-1, 784).float() / 255; ys = idx("train-labels-idx1-ubyte.gz").long()
        xt = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784).float() / 255; yt = idx("t10k-labels-idx1-ubyte.gz").long()
        models = {"mlp": lambda: nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)),
                  "cnn": lambda: nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                               nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 10))}
        for name, make in models.items():
            torch.manual_seed(0)
            m = make(); opt = torch.optim.Adam(m.parameters(), lr=1e-3)
            loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xs, ys), batch_size=64, shuffle=True, drop_last=True)
            t0 = time.perf_counter()
            for xb, yb in loader:
                opt.zero_grad(); l = F.cross_entropy(m(xb), yb); l.backward(); opt.step()
            dt = time.perf_counter() - t0
            with torch.no_grad(): acc = (m(xt).argmax(1) == yt).float().mean().item()
            emit(f"{name}_fashion_epoch", {"med": dt, "min": dt, "max": dt}, samples_per_s=len(loader) * 64 / dt, test_accuracy=acc)
    if "tiny" in sections:
        def tutorial():
            x = torch.ones(2, 2, requires_grad=True); y = x + 2; z = y * y * 3; o = z.mean(); o.backward()
        emit("tutorial_step", bench(tutorial, repeat=9))
        x0 = torch.ones(2, 2, requires_grad=True); y0 = torch.ones(2, 2)
        emit("recorded_add_2x2", bench(lambda: x0 + y0, repeat=9))

if lib == "numpy":
    import numpy as np
    f32 = np.float32
    rng = np.random.default_rng(0)
    if "mm" in sections:
        for dt, tag, Ns in [(np.float32, "f32", [64, 128, 256, 512, 1024]), (np.float64, "f64", [512])]:
            gemm_rows(lambda A, B, C: np.matmul(A, B, out=C), lambda N: rng.random((N, N)).astype(dt), Ns, tag)
        gemm_shapes(lambda s: rng.random(s).astype(f32), lambda A, B, C: np.matmul(A, B, out=C), lambda x: x.swapaxes(-1, -2))
    if "elem" in sections:
        n = 1_000_000
        a, b, c = rng.random(n, dtype=f32), rng.random(n, dtype=f32), np.empty(n, f32)
        emit("add_1e6_out", bench(lambda: np.add(a, b, out=c)))
        emit("sum_1e6", bench(lambda: a.sum()))
        emit("dot_1e6", bench(lambda: np.dot(a, b)))
        m = 100_000
        x, y = rng.random(m, dtype=f32), np.empty(m, f32)
        emit("exp_1e5_out", bench(lambda: np.exp(x, out=y)))
        emit("tanh_1e5_out", bench(lambda: np.tanh(x, out=y)))
    if "mlp" in sections:
        def mk(i, o): return (rng.standard_normal((o, i)) * 0.05).astype(f32), np.zeros(o, f32)
        P = dict(zip(["W1", "b1"], mk(784, 256))); P.update(zip(["W2", "b2"], mk(256, 10)))
        x = rng.standard_normal((64, 784)).astype(f32); y = rng.integers(0, 10, 64); lr = f32(0.01); rows = np.arange(64)
        def step_big():
            W1, b1, W2, b2 = P["W1"], P["b1"], P["W2"], P["b2"]
            h = x @ W1.T; h += b1; np.maximum(h, 0, out=h)
            z = h @ W2.T; z += b2
            z -= z.max(1, keepdims=True); e = np.exp(z); p = e / e.sum(1, keepdims=True)
            loss = -np.log(p[rows, y]).mean()
            p[rows, y] -= 1; p /= 64
            gW2 = p.T @ h; gb2 = p.sum(0)
            gh = p @ W2; gh *= (h > 0)
            gW1 = gh.T @ x; gb1 = gh.sum(0)
            W1 -= lr * gW1; b1 -= lr * gb1; W2 -= lr * gW2; b2 -= lr * gb2
            return loss
        emit("mlp_784_256_10_b64_step_hand", bench(step_big, repeat=7))

# linear algebra (LinalgBench's shapes): f64, n = 64, 256, 1024; solve has one right-hand column
if "linalg" in sections:
    if lib == "torch":
        import torch
        def mk(n):
            g = torch.Generator().manual_seed(7)
            m = torch.randn(n, n, generator=g, dtype=torch.float64)
            return m @ m.T + n * torch.eye(n, dtype=torch.float64), torch.randn(n, n, generator=g, dtype=torch.float64), torch.randn(n, 1, generator=g, dtype=torch.float64)
        la = torch.linalg
    else:
        import numpy as np
        def mk(n):
            rng = np.random.default_rng(7)
            m = rng.standard_normal((n, n))
            return m @ m.T + n * np.eye(n), rng.standard_normal((n, n)), rng.standard_normal((n, 1))
        la = np.linalg
    for n in [64, 256, 1024]:
        spd, a, b = mk(n)
        rep, mt = (3, 0.5) if n == 1024 else (5, 0.3)
        emit(f"cholesky_f64_{n}", bench(lambda: la.cholesky(spd), repeat=rep, min_time=mt))
        emit(f"solve_f64_{n}", bench(lambda: la.solve(a, b), repeat=rep, min_time=mt))
        emit(f"qr_f64_{n}", bench(lambda: la.qr(a), repeat=rep, min_time=mt))
        emit(f"eigh_f64_{n}", bench(lambda: la.eigh(spd), repeat=rep, min_time=mt))
        emit(f"svd_f64_{n}", bench(lambda: la.svd(a, full_matrices=False), repeat=rep, min_time=mt))
