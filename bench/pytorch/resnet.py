"""PyTorch reference for Neurite's `resnet` workload (BENCHMARKS.md): CIFAR-style ResNet-20 (He et al. 2016, §4.2):
conv3×3(3→16)-BN-ReLU, then 3 stages of 3 basic blocks with 16/32/64 channels (stride 2 at the start of stages 2
and 3), global average pool, linear to 10 classes. Shortcuts that change shape are 1×1 conv (stride 2) + BN
(the paper's option B); the others are identity. Random 3×32×32 input (seed 0), batch 64, SGD momentum 0.9
lr 0.1. Training images/s, median over --reps blocks of --steps steps after --warmup untimed steps.

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/resnet.py --threads 2 --profile
"""

import torch
from torch import nn
import torch.nn.functional as F

from common import parser, setup, emit, conv_backend_report, peak_rss_mb, train_step, time_passes

ap = parser(__doc__)
ap.add_argument("--steps", type=int, default=10)
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--warmup", type=int, default=3)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--profile", action="store_true")
args = ap.parse_args()
setting = setup(args)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet20(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(3):
                layers.append(BasicBlock(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.layers(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


model = ResNet20()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
g = torch.Generator().manual_seed(0)
x = torch.randn(args.batch, 3, 32, 32, generator=g)
y = torch.randint(0, 10, (args.batch,), generator=g)
if args.profile:
    conv_backend_report(model, x, "resnet")


step = train_step(model, opt, loss_fn)
pass_s, last = time_passes(step, [(x, y)] * args.steps, args.warmup, args.reps)
emit({"workload": "resnet", "train_images_per_s": args.batch * args.steps / pass_s}, setting,
     final_loss=last, steps=args.steps, reps=args.reps, peak_rss_mb=peak_rss_mb())
