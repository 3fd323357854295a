#!/usr/bin/env python3
"""numpy (OpenBLAS) SGEMM throughput, the same JSON lines as `Neurite.Bench gemm`.

Usage: gemm_numpy.py [--n 256,1024] [--shape m,n,k] [--ta] [--tb]
The thread count is OpenBLAS's own: set OPENBLAS_NUM_THREADS (it is reported as "threads").
"""
import argparse, json, os, time
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--n", default="256,512,1024,2048")
ap.add_argument("--shape", default=None)
ap.add_argument("--ta", action="store_true")
ap.add_argument("--tb", action="store_true")
args = ap.parse_args()
threads = int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count() or 1))
shapes = [tuple(int(x) for x in args.shape.split(","))] if args.shape else [(n, n, n) for n in map(int, args.n.split(","))]
rng = np.random.default_rng(0)
for m, n, k in shapes:
    a = rng.uniform(-1, 1, (k, m) if args.ta else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if args.tb else (k, n)).astype(np.float32)
    c = np.empty((m, n), np.float32)
    A = a.T if args.ta else a
    B = b.T if args.tb else b
    flops = 2.0 * m * n * k
    inner = int(min(max(2e6 / flops, 1), 100_000))
    def once():
        for _ in range(inner):
            np.matmul(A, B, out=c)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.3:
        once()
    t0 = time.perf_counter(); once(); one = max(time.perf_counter() - t0, 1e-7)
    count = int(min(max(1.0 / one, 5), 200))
    times = []
    for _ in range(count):
        t0 = time.perf_counter(); once(); times.append((time.perf_counter() - t0) / inner)
    times.sort()
    med = times[count // 2]
    rec = {"workload": "gemm", "impl": "numpy"}
    rec.update({"n": n} if args.shape is None else {"m": m, "n": n, "k": k})
    rec.update({"threads": threads, "gflops": round(flops / med / 1e9, 1), "median_ms": round(med * 1e3, 4), "reps": count})
    print(json.dumps(rec, separators=(",", ":")), flush=True)
