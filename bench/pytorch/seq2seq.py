"""PyTorch reference for Neurite's `seq2seq` workload: teacher-forced training of an encoder-decoder with attention.
Source and target vocabularies of 32, embedding 64, a one-layer LSTM encoder of 128 over 20 source tokens, an
LSTMCell decoder of 128 over 12 target tokens with additive (Bahdanau) attention v^T tanh(W1 h + W2 s + b) and input
feeding (h~ = tanh(Wc [c; h] + b) joins the next step's input), a linear layer to the vocabulary, cross-entropy over
every target step, Adam lr 1e-3, batch 64. Random tokens (seed 0). The same model as Neurite's Seq2SeqModel (decoder
input <s> then the target shifted right). Training target tokens/s (batch x 12 per step), median over --reps blocks
of --steps steps after --warmup untimed steps.

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/seq2seq.py --threads 1
"""

import torch
from torch import nn

from common import parser, setup, emit, train_step, time_passes

ap = parser(__doc__)
ap.add_argument("--steps", type=int, default=10)
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--warmup", type=int, default=3)
ap.add_argument("--profile", action="store_true", help="print the top ops of one training step (torch.profiler)")
args = ap.parse_args()
setting = setup(args)

V, E, H, S, T, B = 32, 64, 128, 20, 12, 64
START = 2


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb = nn.Embedding(V, E)
        self.tgt_emb = nn.Embedding(V, E)
        self.encoder = nn.LSTM(E, H, batch_first=True)
        self.decoder = nn.LSTMCell(E + H, H)
        self.w_encoder = nn.Linear(H, H, bias=False)
        self.w_decoder = nn.Linear(H, H)
        self.v = nn.Linear(H, 1, bias=False)
        self.combine = nn.Linear(2 * H, H)
        self.out = nn.Linear(H, V)

    def forward(self, src, dec_in):
        enc, (h, c) = self.encoder(self.src_emb(src))          # [B, S, H]
        h, c = h[0], c[0]
        keys = self.w_encoder(enc)                              # [B, S, H], once per batch
        feed = torch.zeros(src.shape[0], H)
        emb = self.tgt_emb(dec_in)                              # [B, T, E]
        outs = []
        for t in range(dec_in.shape[1]):
            h, c = self.decoder(torch.cat([emb[:, t], feed], 1), (h, c))
            scores = self.v(torch.tanh(keys + self.w_decoder(h).unsqueeze(1))).squeeze(2)   # [B, S]
            weights = torch.softmax(scores, 1)
            context = torch.bmm(weights.unsqueeze(1), enc).squeeze(1)                      # [B, H]
            feed = torch.tanh(self.combine(torch.cat([context, h], 1)))
            outs.append(feed)
        return self.out(torch.stack(outs, 1))                  # [B, T, V]


model = Seq2Seq()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
g = torch.Generator().manual_seed(0)
src = torch.randint(4, V, (B, S), generator=g)
tgt = torch.randint(4, V, (B, T), generator=g)
dec_in = torch.cat([torch.full((B, 1), START), tgt[:, :-1]], 1)

step = train_step(model, opt, lambda logits, target: loss_fn(logits.reshape(-1, V), target.reshape(-1)))
batch = ((src, dec_in), tgt)
model_forward = model.forward
model.forward = lambda xs: model_forward(*xs)
if args.profile:
    from torch.profiler import profile
    for _ in range(3):
        step(*batch)
    with profile() as prof:
        for _ in range(5):
            step(*batch)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15))
pass_s, last = time_passes(step, [batch] * args.steps, args.warmup, args.reps)
emit({"workload": "seq2seq", "train_tokens_per_s": B * T * args.steps / pass_s}, setting,
     final_loss=last, steps=args.steps, reps=args.reps)
