"""Shared helpers for the PyTorch reference benchmarks (reference only, never a Neurite dependency).

Every script takes `--threads N` (torch.set_num_threads; default 1). OpenBLAS's own pool is set by the
environment (OPENBLAS_NUM_THREADS, default 1 here) before Python starts; both are written into each JSON line
as "torch_threads" and "blas_threads", and "threads" is the larger of the two (the cores the setting may use).
"""
import argparse
import json
import os
import statistics
import time

import torch


def parser(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    return ap


def setup(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    blas = int(os.environ.get("OPENBLAS_NUM_THREADS", "0") or 0)
    return {"torch_threads": torch.get_num_threads(), "blas_threads": blas,
            "wait_policy": os.environ.get("OMP_WAIT_POLICY", "default"),
            "threads": max(torch.get_num_threads(), blas)}


def emit(record, setting, **extra):
    rec = {"workload": record.pop("workload"), "impl": record.pop("impl", "pytorch")}
    rec.update(setting)
    rec.update(record)
    rec.update(extra)
    print(json.dumps({k: (round(v, 6 if abs(v) < 1 else 3 if abs(v) < 100 else 1) if isinstance(v, float) else v) for k, v in rec.items()},
                     separators=(",", ":")), flush=True)


def median_seconds(body, reps, warmup=1):
    for _ in range(warmup):
        body()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        body()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def train_step(model, opt, loss_fn):
    """A training-step function (x, y) -> loss: forward, loss, zero_grad, backward, step."""
    def step(x, y):
        loss = loss_fn(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def time_passes(step, batches, warmup, reps):
    """`warmup` untimed steps, then `reps` timed passes over `batches`: (median seconds per pass, last loss)."""
    for i in range(warmup):
        step(*batches[i % len(batches)])
    last = [0.0]

    def one_pass():
        for x, y in batches:
            last[0] = step(x, y)

    return median_seconds(one_pass, reps, warmup=0), last[0]


def peak_rss_mb():
    """Peak resident set of this process (VmHWM), MB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def conv_backend_report(model, x, label):
    """Profiles one forward+backward and says which convolution kernels ran (oneDNN/mkldnn or not)."""
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        out = model(x)
        out.float().sum().backward()
    names = sorted({e.key for e in prof.key_averages() if "conv" in e.key.lower()})
    mkldnn = [n for n in names if "mkldnn" in n.lower()]
    print(json.dumps({"workload": label, "impl": "pytorch", "conv_ops": names, "uses_mkldnn": bool(mkldnn),
                      "mkldnn_available": torch.backends.mkldnn.is_available()}), flush=True)
