"""PyTorch side of the `charlm` comparison (bits per character at equal training time); reference only.

Character-level LSTM language model: Embedding(V, E) -> LSTM(E, H, layers) -> Linear(H, V), cross-entropy over
every step, Adam, gradient clipping by global norm, truncated BPTT. Data: a UTF-8 text file; vocabulary = sorted
set of the characters of the whole file; the last --val-frac (5%) of the characters are held out. The training
stream is cut into B contiguous streams ([steps, B], as in PyTorch's word_language_model example) and read in
windows of --seq characters; the LSTM state is carried from window to window (detached) and reset to zero at
the start of each pass over the training stream.

Every --eval-every seconds of training and at the end (plus once before training, at elapsed_s 0) the held-out
bits per character are measured: the validation stream is cut into --eval-batch contiguous streams (the remainder
dropped), read in --seq windows with the state carried, under torch.no_grad; val_bpc = mean cross-entropy (nats)
over every predicted character / ln 2 (each stream's first character is context only; val_chars says how many
were predicted). elapsed_s is training wall time only (evaluation excluded, reported as eval_s); training stops
at the first step boundary at or after --seconds. One JSON line per evaluation.

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/charlm.py --threads 1 \\
        --text FILE --seconds 600
"""
import math
import os
import time

import numpy as np
import torch
from torch import nn

from common import parser, setup, emit, peak_rss_mb

ap = parser(__doc__)
ap.add_argument("--text", required=True, help="UTF-8 text file")
ap.add_argument("--seconds", type=float, default=60.0, help="training wall time budget (default 60)")
ap.add_argument("--eval-every", type=float, default=30.0, help="seconds of training between evaluations (default 30)")
ap.add_argument("--embedding", type=int, default=64)
ap.add_argument("--hidden", type=int, default=512)
ap.add_argument("--layers", type=int, default=1)
ap.add_argument("--seq", type=int, default=128, help="BPTT window (default 128)")
ap.add_argument("--batch", type=int, default=32)
ap.add_argument("--eval-batch", type=int, default=16, help="validation streams (default 16)")
ap.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate (default 2e-3)")
ap.add_argument("--clip", type=float, default=1.0, help="gradient clipping max norm (default 1.0; 0 = off)")
ap.add_argument("--val-frac", type=float, default=0.05, help="held-out tail fraction (default 0.05)")
args = ap.parse_args()
setting = setup(args)

# --- data -------------------------------------------------------------------------------------------------------
with open(args.text, encoding="utf-8") as f:
    text = f.read()
codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
vocab = np.unique(codes)  # sorted set of the characters (by code point)
ids = torch.from_numpy(np.searchsorted(vocab, codes).astype(np.int64))
V = len(vocab)
n_val = int(len(ids) * args.val_frac)
train_ids, val_ids = ids[:len(ids) - n_val], ids[len(ids) - n_val:]


def batchify(data, bsz):
    """[len] -> [len // bsz, bsz]: bsz contiguous streams, one per column (remainder dropped)."""
    n = data.size(0) // bsz
    return data[:n * bsz].view(bsz, n).t().contiguous()


train_data = batchify(train_ids, args.batch)
val_data = batchify(val_ids, args.eval_batch)
if train_data.size(0) < 2 or val_data.size(0) < 2:
    raise SystemExit(f"text too short: {len(ids)} characters for batch {args.batch} / eval batch {args.eval_batch}")


def get_batch(source, i):
    n = min(args.seq, source.size(0) - 1 - i)
    return source[i:i + n], source[i + 1:i + 1 + n]


# --- model ------------------------------------------------------------------------------------------------------
class CharLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, args.embedding)
        self.lstm = nn.LSTM(args.embedding, args.hidden, args.layers)  # time-first [T, B, E]
        self.out = nn.Linear(args.hidden, V)

    def forward(self, tokens, state):
        h, state = self.lstm(self.emb(tokens), state)
        return self.out(h), state


def zero_state(bsz):
    z = torch.zeros(args.layers, bsz, args.hidden)
    return (z, z.clone())


model = CharLM()
opt = torch.optim.Adam(model.parameters(), lr=args.lr)
loss_fn = nn.CrossEntropyLoss()
sum_loss_fn = nn.CrossEntropyLoss(reduction="sum")


def evaluate():
    model.eval()
    total, count = 0.0, 0
    state = zero_state(args.eval_batch)
    with torch.no_grad():
        for i in range(0, val_data.size(0) - 1, args.seq):
            x, y = get_batch(val_data, i)
            logits, state = model(x, state)
            total += sum_loss_fn(logits.reshape(-1, V), y.reshape(-1)).item()
            count += y.numel()
    model.train()
    return total / count / math.log(2), count


info = dict(embedding=args.embedding, hidden=args.hidden, layers=args.layers, seq=args.seq, batch=args.batch,
            eval_batch=args.eval_batch, lr=args.lr, clip=args.clip, vocab=V, text=os.path.basename(args.text),
            text_chars=len(ids), train_size=len(train_ids), val_size=len(val_ids),
            params=sum(p.numel() for p in model.parameters()))
train_s = eval_s = 0.0
train_chars = steps = passes = 0
recent = []  # training losses (nats) since the last evaluation
wall0 = time.perf_counter()


def report(final=False):
    global eval_s
    t = time.perf_counter()
    bpc, val_chars = evaluate()
    eval_s += time.perf_counter() - t
    train_bpc = sum(recent) / len(recent) / math.log(2) if recent else None  # null before any training
    recent.clear()
    emit({"workload": "charlm", "elapsed_s": train_s, "train_chars": train_chars, "val_bpc": bpc}, setting,
         train_bpc=train_bpc, val_chars=val_chars, steps=steps, passes=passes, eval_s=eval_s,
         wall_s=time.perf_counter() - wall0, final=final, **info, peak_rss_mb=peak_rss_mb())


report()
next_eval = args.eval_every
done = False
while not done:
    state = zero_state(args.batch)
    for i in range(0, train_data.size(0) - 1, args.seq):
        t = time.perf_counter()
        x, y = get_batch(train_data, i)
        state = tuple(s.detach() for s in state)
        logits, state = model(x, state)
        loss = loss_fn(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip > 0:
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        recent.append(loss.item())
        train_s += time.perf_counter() - t
        train_chars += y.numel()
        steps += 1
        if train_s >= args.seconds:
            done = True
            break
        if train_s >= next_eval:
            report()
            next_eval += args.eval_every
    else:
        passes += 1
report(final=True)
