"""PyTorch reference for Neurite's `lstm` workload (BENCHMARKS.md): character language model, vocab 96,
embedding 64, one LSTM layer of 256, sequence 64, batch 32, linear to the vocabulary, cross-entropy over every
step, Adam lr 1e-3. Random tokens (seed 0). Training tokens/s (batch × sequence per step), median over --reps
blocks of --steps steps after --warmup untimed steps.

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/lstm.py --threads 1
"""

import torch
from torch import nn

from common import parser, setup, emit, peak_rss_mb, train_step, time_passes

ap = parser(__doc__)
ap.add_argument("--steps", type=int, default=20)
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--warmup", type=int, default=3)
args = ap.parse_args()
setting = setup(args)

V, E, H, T, B = 96, 64, 256, 64, 32


class CharLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.lstm = nn.LSTM(E, H, batch_first=True)
        self.out = nn.Linear(H, V)

    def forward(self, tokens):
        h, _ = self.lstm(self.emb(tokens))
        return self.out(h)


model = CharLM()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
g = torch.Generator().manual_seed(0)
seq = torch.randint(0, V, (B, T + 1), generator=g)
x, y = seq[:, :-1], seq[:, 1:]


# cross-entropy over every step: logits [B, T, V] against targets [B, T]
step = train_step(model, opt, lambda logits, target: loss_fn(logits.reshape(-1, V), target.reshape(-1)))
pass_s, last = time_passes(step, [(x, y)] * args.steps, args.warmup, args.reps)
emit({"workload": "lstm", "train_tokens_per_s": B * T * args.steps / pass_s}, setting,
     final_loss=last, steps=args.steps, reps=args.reps, peak_rss_mb=peak_rss_mb())
