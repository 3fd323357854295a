"""PyTorch reference for Neurite's `lenet` workload (BENCHMARKS.md): LeNet-5 on 1×28×28 Fashion-MNIST images,
conv(1→6, 5×5, pad 2)-ReLU-maxpool 2 - conv(6→16, 5×5)-ReLU-maxpool 2 - 400-120-84-10 with ReLU;
SGD momentum 0.9, lr 0.01, batch 64. Training images/s over --train-steps steps (default: one epoch, 938 steps);
inference images/s over the 10,000 test images (batch 1000, no grad).

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/lenet.py --threads 2
    ... --profile      also print which convolution kernels ran (oneDNN/mkldnn or not)
    ... --train-only   one epoch (938 steps) and nothing else: no warm-up, timing or inference (for /usr/bin/time -v max RSS)
"""

import torch
from torch import nn

from common import parser, setup, emit, median_seconds, conv_backend_report, peak_rss_mb, train_step, time_passes
from mlp_data import load_fashion_mnist

ap = parser(__doc__)
ap.add_argument("--train-steps", type=int, default=0, help="timed steps; 0 = one epoch")
ap.add_argument("--reps", type=int, default=1)
ap.add_argument("--infer-reps", type=int, default=5)
ap.add_argument("--warmup", type=int, default=20)
ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
ap.add_argument("--profile", action="store_true")
ap.add_argument("--train-only", action="store_true", help="one epoch and nothing else (for /usr/bin/time -v max RSS)")
args = ap.parse_args()
setting = setup(args)

xtr, ytr, xte, yte = load_fashion_mnist(args.data, images=True)
B, IB = 64, 1000
order = torch.randperm(len(xtr), generator=torch.Generator().manual_seed(0))
batches = [(xtr[order[s:s + B]].contiguous(), ytr[order[s:s + B]].contiguous()) for s in range(0, len(xtr), B)]
if args.train_steps:
    batches = [batches[i % len(batches)] for i in range(args.train_steps)]
test_batches = [(xte[s:s + IB], yte[s:s + IB]) for s in range(0, len(xte), IB)]

model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()

if args.profile:
    conv_backend_report(model, batches[0][0], "lenet")


step = train_step(model, opt, loss_fn)
if args.train_only:
    for x, y in batches:
        last = step(x, y)
    emit({"workload": "lenet", "train_only": True}, setting, final_loss=last, peak_rss_mb=peak_rss_mb())
    raise SystemExit(0)
epoch_s, last = time_passes(step, batches, args.warmup, args.reps)
samples = sum(len(x) for x, _ in batches)
model.eval()
acc = [0.0]


def infer():
    correct = 0
    with torch.no_grad():
        for x, y in test_batches:
            correct += int((model(x).argmax(1) == y).sum())
    acc[0] = correct / len(xte)


rate = len(xte) / median_seconds(infer, args.infer_reps)
emit({"workload": "lenet", "train_images_per_s": samples / epoch_s, "infer_images_per_s": rate},
     setting, test_accuracy=acc[0], final_loss=last, train_steps=len(batches), peak_rss_mb=peak_rss_mb())
