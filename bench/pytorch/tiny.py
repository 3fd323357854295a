"""PyTorch reference for Neurite's `tiny` and `tinyop` workloads (BENCHMARKS.md); reference only.

Run with Debian's PyTorch: /usr/bin/python3 bench/pytorch/tiny.py [--threads N]   (a bare N also works)
Prints one JSON line per case, the same shape as `dotnet run -c Release --project bench/Neurite.Bench -- tiny`.
"""
import statistics
import sys
import time

import torch

from common import parser, setup, emit as emit_record

if len(sys.argv) == 2 and sys.argv[1].isdigit():
    sys.argv[1:] = ["--threads", sys.argv[1]]
setting = setup(parser(__doc__).parse_args())


def median_us(body, inner, reps=21):
    for _ in range(inner):
        body()
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(inner):
            body()
        samples.append((time.perf_counter() - t) / inner * 1e6)
    return statistics.median(samples)


def emit(case, us, workload="tiny"):
    emit_record({"workload": workload, "case": case}, setting, median_us=round(us, 3))


# (a) one-sample forward of a 4-16-3 tanh MLP, no grad
w1, b1 = torch.rand(4, 16) - 0.5, torch.rand(16) - 0.5
w2, b2 = torch.rand(16, 3) - 0.5, torch.rand(3) - 0.5
x = torch.rand(1, 4) * 2 - 1


def forward():
    with torch.no_grad():
        return (x @ w1 + b1).tanh() @ w2 + b2


emit("forward", median_us(forward, 2000))

# (b) one training step of a 2-16-16-2 ReLU MLP, batch 32: the same ops as Neurite's (MatMul, Add, Relu,
# LogSoftmax + Gather cross-entropy, backward, in-place SGD, grads set to none)
params = [(torch.rand(*s) - 0.5).requires_grad_() for s in [(2, 16), (16,), (16, 16), (16,), (16, 2), (2,)]]
xb = torch.rand(32, 2) * 2 - 1
target = (xb[:, 0] * xb[:, 1] < 0).long().unsqueeze(1)


def step():
    p = params
    h = (xb @ p[0] + p[1]).relu()
    h = (h @ p[2] + p[3]).relu()
    logits = h @ p[4] + p[5]
    loss = -logits.log_softmax(1).gather(1, target).mean()
    loss.backward()
    with torch.no_grad():
        for w in p:
            w.add_(w.grad, alpha=-0.05)
            w.grad = None
    return loss.item()


emit("train_step", median_us(step, 200))

# tinyop: add two 4-element tensors, forward + backward
a = torch.tensor([1.0, 2, 3, 4], requires_grad=True)
b = torch.tensor([5.0, 6, 7, 8], requires_grad=True)
ones = torch.ones(4)
emit("add4_fwd_bwd", median_us(lambda: (a + b).backward(ones), 5000), "tinyop")
