"""Prints the side-by-side table from the files benchmarks/side-by-side wrote (JMH JSON, peers' JSON lines).
usage: side_by_side_table.py OUTDIR THREADS CPU CACHES FLAGS JDK CORES [JSON_OUT]"""
import glob, json, os, sys

out, threads, cpu, caches, flags, jdk, cores = sys.argv[1:8]
json_out = sys.argv[8] if len(sys.argv) > 8 else None
threads = [int(t) for t in threads.split(",")]


def jmh_rows():
    rows = []
    for f in sorted(glob.glob(os.path.join(out, "jmh-*.json"))):
        try:
            rows += json.load(open(f))
        except ValueError:
            pass
    return rows


def find(rows, bench, **params):
    for r in rows:
        if not r["benchmark"].endswith(bench):
            continue
        p = r.get("params", {})
        if all(str(p.get(k)) == str(v) for k, v in params.items()):
            return r
    return None


def jmh_time_us(r):
    """Median-free summary of an AverageTime result in us: score and the iteration range."""
    m = r["primaryMetric"]
    raw = [x for fork in m["rawData"] for x in fork]
    scale = {"us/op": 1, "ns/op": 1e-3, "ms/op": 1e3}[m["scoreUnit"]]
    return m["score"] * scale, min(raw) * scale, max(raw) * scale


def jmh_gflops(r):
    m = r["secondaryMetrics"]["gflops"]
    raw = [x for fork in m["rawData"] for x in fork]
    return m["score"], min(raw), max(raw)


def peers(lib, t):
    d = {}
    f = os.path.join(out, f"{lib}-{t}.jsonl")
    if os.path.exists(f):
        for line in open(f):
            try:
                j = json.loads(line)
            except ValueError:
                continue
            d[j.get("name")] = j
    return d


def missing(lib, t):
    f = os.path.join(out, f"{lib}-{t}.missing")
    return open(f).read().strip() if os.path.exists(f) else None


rows = jmh_rows()
table = []  # (workload, unit, simd (score, lo, hi), {lib: (value, lo, hi)}, higher_is_better)
for t in threads:
    tp, np_ = peers("torch", t), peers("numpy", t)
    for n in [64, 128, 256, 512, 1024]:
        r = find(rows, "GemmBench.f32", n=n, threads=t)
        if r:
            table.append((f"f32 GEMM N={n}, {t} thr", "GFLOP/s", jmh_gflops(r), {"torch": tp.get(f"gemm_f32_{n}"), "numpy": np_.get(f"gemm_f32_{n}")}, True))
    for shape in ["64x784x256NT", "256x64x784TN", "64x256x10NT", "64x10x256NN", "b32x64x64x64NN"]:
        r = find(rows, "GemmBench.Shapes.shape", shape=shape, threads=t)
        if r:
            table.append((f"f32 GEMM {shape}, {t} thr", "GFLOP/s", jmh_gflops(r), {"torch": tp.get(f"gemm_{shape}"), "numpy": np_.get(f"gemm_{shape}")}, True))
    r = find(rows, "GemmBench.f64", n=512, threads=t)
    if r:
        table.append((f"f64 GEMM N=512, {t} thr", "GFLOP/s", jmh_gflops(r), {"torch": tp.get("gemm_f64_512"), "numpy": np_.get("gemm_f64_512")}, True))
    if t == 1:
        for op, name in [("EXP", "exp"), ("TANH", "tanh")]:
            r = find(rows, "VectorMathBench.unaryPlain", op=op, inputs="typical")
            b = find(rows, "VectorMathBench.unaryJdkLanewise", op=op, inputs="typical")
            if r:
                table.append((f"{name} 1e5 f32, 1 thr", "us", jmh_time_us(r), {"torch": tp.get(f"{name}_1e5_out"), "numpy": np_.get(f"{name}_1e5_out")}, False))
            if b:
                table.append((f"  {name}: JDK lanewise (old)", "us", jmh_time_us(b), {"torch": tp.get(f"{name}_1e5_out"), "numpy": np_.get(f"{name}_1e5_out")}, False))
        r = find(rows, "VectorMathBench.softmax256x1000Plain", inputs="typical")
        b = find(rows, "VectorMathBench.softmax256x1000JdkLanewise", inputs="typical")
        if r:
            table.append(("softmax rows 256x1000, 1 thr", "us", jmh_time_us(r), {"torch": tp.get("softmax_256x1000"), "numpy": None}, False))
        if b:
            table.append(("  softmax: JDK lanewise (old)", "us", jmh_time_us(b), {"torch": tp.get("softmax_256x1000"), "numpy": None}, False))
    for op, name in [("EXP", "exp"), ("TANH", "tanh")]:
        r = find(rows, "VectorMathBench.unaryFacade", op=op, inputs="typical", threads=t)
        if r:
            table.append((f"{name} 1e5 f32, {t} thr (facade)", "us", jmh_time_us(r), {"torch": tp.get(f"{name}_1e5_out"), "numpy": np_.get(f"{name}_1e5_out")}, False))
    r = find(rows, "VectorMathBench.softmax256x1000Facade", inputs="typical", threads=t)
    if r:
        table.append((f"softmax rows 256x1000, {t} thr (facade)", "us", jmh_time_us(r), {"torch": tp.get("softmax_256x1000"), "numpy": None}, False))
    for bench, peer, label, params in [("ElementwiseBench.addVector", "add_1e6_out", "add", {"n": 1000000}),
                                        ("ReductionBench.sumVector", "sum_1e6", "sum", {"n": 1000000}),
                                        ("ReductionBench.dotVector", "dot_1e6", "dot", {"n": 1000000})]:
        r = find(rows, bench, threads=t, **params)
        if r:
            table.append((f"{label} 1e6 f32, {t} thr", "us", jmh_time_us(r), {"torch": tp.get(peer), "numpy": np_.get(peer)}, False))


def peer_value(p, unit):
    if p is None:
        return None
    if unit == "GFLOP/s":
        f = p["gflops"] * p["med_s"]  # GFLOP per call
        return p["gflops"], f / p["max_s"], f / p["min_s"]
    return p["med_s"] * 1e6, p["min_s"] * 1e6, p["max_s"] * 1e6


def cell(v):
    if v is None:
        return "—"
    s, lo, hi = v
    return f"{s:.1f} ({lo:.1f}–{hi:.1f})" if s < 100 else f"{s:.0f} ({lo:.0f}–{hi:.0f})"


def ratio(simd, peer, higher):
    if peer is None:
        return "—"
    return f"{simd[0] / peer[0]:.2f}x" if higher else f"{peer[0] / simd[0]:.2f}x"


print(f"CPU: {cpu}; {cores} cores; caches (cpu0): {caches}; flags: {flags}")
print(f"JDK: {jdk}")
for lib in ("torch", "numpy"):
    for t in threads:
        m = missing(lib, t)
        if m:
            print(f"{lib}, {t} thread(s): skipped ({m})")
print("ratios: simdgrad / peer for GFLOP/s, peer time / simdgrad time for us; > 1 means simdgrad is faster."
      " Values: JMH score (iteration range); peers: median (min–max of repeats).")
print()
print("| workload | unit | simdgrad | PyTorch | ratio | NumPy | ratio |")
print("| --- | --- | --- | --- | --- | --- | --- |")
dump = []
for name, unit, simd, ps, higher in table:
    tv, nv = peer_value(ps["torch"], unit), peer_value(ps["numpy"], unit)
    print(f"| {name} | {unit} | {cell(simd)} | {cell(tv)} | {ratio(simd, tv, higher)} | {cell(nv)} | {ratio(simd, nv, higher)} |")
    dump.append({"workload": name, "unit": unit, "simdgrad": simd, "torch": tv, "numpy": nv})
if json_out:
    json.dump({"cpu": cpu, "caches": caches, "jdk": jdk, "rows": dump}, open(json_out, "w"), indent=1)
