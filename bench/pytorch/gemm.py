"""PyTorch (`@`) and numpy (OpenBLAS) SGEMM throughput, the same JSON lines as `Neurite.Bench gemm`:
C = A·B for square n, GFLOP/s = 2n³ / median time.

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/pytorch/gemm.py --threads 1 --n 256,2048
    ... --impl pytorch|numpy|both (default both)
"""
import time

import numpy as np
import torch

from common import parser, setup, emit

ap = parser(__doc__)
ap.add_argument("--n", default="256,512,1024,2048")
ap.add_argument("--impl", default="both", choices=["pytorch", "numpy", "both"])
args = ap.parse_args()
setting = setup(args)


def measure(mm):
    """mm(inner) runs `inner` products; returns the median seconds per product (about 1 s of timed work)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.3:
        mm()
    t0 = time.perf_counter(); mm(); one = max(time.perf_counter() - t0, 1e-7)
    count = int(min(max(1.0 / one, 5), 200))
    times = []
    for _ in range(count):
        t0 = time.perf_counter(); mm(); times.append(time.perf_counter() - t0)
    times.sort()
    return times[count // 2], count


rng = np.random.default_rng(0)
for n in map(int, args.n.split(",")):
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    flops = 2.0 * n ** 3
    inner = int(min(max(2e6 / flops, 1), 100_000))
    impls = ["pytorch", "numpy"] if args.impl == "both" else [args.impl]
    for impl in impls:
        if impl == "pytorch":
            A, Bt, C = torch.from_numpy(a), torch.from_numpy(b), torch.empty(n, n)
            def mm():
                for _ in range(inner):
                    torch.matmul(A, Bt, out=C)
        else:
            C = np.empty((n, n), np.float32)
            def mm():
                for _ in range(inner):
                    np.matmul(a, b, out=C)
        med, count = measure(mm)
        med /= inner
        emit({"workload": "gemm", "impl": impl, "n": n}, setting,
             gflops=round(flops / med / 1e9, 1), median_ms=round(med * 1e3, 4), reps=count)
