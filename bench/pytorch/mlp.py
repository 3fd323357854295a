"""PyTorch reference for Neurite's `mlp` workload (BENCHMARKS.md): 784-256-128-10 ReLU MLP on Fashion-MNIST,
cross-entropy, Adam lr 1e-3, batch 128. Training: one epoch over the 60,000 training images (samples/s);
inference: the 10,000 test images, batch 1000, no grad (samples/s).

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/mlp.py --threads 1
    ... --train-only     one epoch and nothing else (for /usr/bin/time -v max RSS)

As in Neurite.Bench: data loaded and batched (one seeded shuffle) before timing; 30 warm-up steps untimed;
--reps timed epochs (median) on the same model.
"""

import torch
from torch import nn

from common import parser, setup, emit, median_seconds, peak_rss_mb, train_step, time_passes
from mlp_data import load_fashion_mnist

ap = parser(__doc__)
ap.add_argument("--reps", type=int, default=1)
ap.add_argument("--infer-reps", type=int, default=5)
ap.add_argument("--warmup", type=int, default=30)
ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
ap.add_argument("--train-only", action="store_true")
args = ap.parse_args()
setting = setup(args)


xtr, ytr, xte, yte = load_fashion_mnist(args.data)

B, IB = 128, 1000
order = torch.randperm(len(xtr), generator=torch.Generator().manual_seed(0))
batches = [(xtr[order[s:s + B]].contiguous(), ytr[order[s:s + B]].contiguous()) for s in range(0, len(xtr), B)]
test_batches = [(xte[s:s + IB], yte[s:s + IB]) for s in range(0, len(xte), IB)]

model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()


step = train_step(model, opt, loss_fn)
epoch_s, last = time_passes(step, batches, args.warmup, args.reps)
rec = {"workload": "mlp", "train_samples_per_s": len(xtr) / epoch_s}
if not args.train_only:
    model.eval()
    acc = [0.0]

    def infer():
        correct = 0
        with torch.no_grad():
            for x, y in test_batches:
                correct += int((model(x).argmax(1) == y).sum())
        acc[0] = correct / len(xte)

    rec["infer_samples_per_s"] = len(xte) / median_seconds(infer, args.infer_reps)
    rec["test_accuracy"] = acc[0]
emit(rec, setting, final_loss=last, epochs=args.reps, peak_rss_mb=peak_rss_mb())
