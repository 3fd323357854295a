"""Reference values for Neurite's recurrent layers, computed with PyTorch (Debian's python3-torch), float64.

    /usr/bin/python3 tests/fixtures-src/recurrent/make_fixtures.py

writes tests/Neurite.Tests/Fixtures/recurrent/<case>.safetensors: the module's parameters under PyTorch's names,
"input", optional "h0"/"c0"/"lengths", the outputs ("output", "h_n", "c_n"; cells: "h_1", "c_1"), random upstream
gradients "upstream.<output>" and the gradients "grad.<parameter>", "grad.input", "grad.h0", "grad.c0" of
loss = Σ output·upstream. Variable-length cases run through pack_padded_sequence / pad_packed_sequence, so padded
outputs are 0 and h_n is each sequence's state after its last real step. PyTorch is needed only to regenerate;
Neurite's tests read the files.
"""
import json
import os
import struct

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Neurite.Tests", "Fixtures", "recurrent"))
I, H, T, N = 3, 4, 5, 3
torch.set_default_dtype(torch.float64)


def save(path, tensors, metadata):
    """safetensors by hand: 8-byte little-endian header length, JSON header, raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        a = t.detach().numpy() if isinstance(t, torch.Tensor) else t
        dtype = {np.dtype("float64"): "F64", np.dtype("int64"): "I64"}[a.dtype]
        raw = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype={"F64": "<f8", "I64": "<i8"}[info["dtype"]]).reshape(info["shape"])
    return out, header["__metadata__"]


def make_layer(mode, layers, bidirectional, batch_first):
    kw = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    if mode == "lstm":
        return nn.LSTM(I, H, **kw)
    if mode == "gru":
        return nn.GRU(I, H, **kw)
    return nn.RNN(I, H, nonlinearity=mode[4:], **kw)


def layer_case(name, mode, layers=1, bidirectional=False, batch_first=False, initial=False, lengths=None, seed=0):
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    m = make_layer(mode, layers, bidirectional, batch_first)
    x = torch.randn((N, T, I) if batch_first else (T, N, I), generator=g).requires_grad_()
    d = 2 if bidirectional else 1
    h0 = torch.randn(layers * d, N, H, generator=g).mul(0.5).requires_grad_() if initial else None
    c0 = torch.randn(layers * d, N, H, generator=g).mul(0.5).requires_grad_() if initial and mode == "lstm" else None
    state = None if h0 is None else ((h0, c0) if mode == "lstm" else h0)
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out, st = m(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
    else:
        out, st = m(x, state)
    hn, cn = st if mode == "lstm" else (st, None)
    outs = {"output": out, "h_n": hn}
    if cn is not None:
        outs["c_n"] = cn
    ups = {k: torch.randn(v.shape, generator=g) for k, v in outs.items()}
    if lengths is not None:
        mask = torch.zeros(out.shape[:2])
        for b, L in enumerate(lengths):
            if batch_first:
                mask[b, :L] = 1
            else:
                mask[:L, b] = 1
        ups["output"] = ups["output"] * mask.unsqueeze(-1)
    loss = sum((v * ups[k]).sum() for k, v in outs.items())
    loss.backward()
    tensors = {k: v for k, v in m.state_dict().items()}
    tensors["input"] = x
    if h0 is not None:
        tensors["h0"] = h0
    if c0 is not None:
        tensors["c0"] = c0
    if lengths is not None:
        tensors["lengths"] = np.array(lengths, dtype=np.int64)
    tensors.update(outs)
    tensors.update({"upstream." + k: v for k, v in ups.items()})
    for pname, p in m.named_parameters():
        tensors["grad." + pname] = p.grad
    tensors["grad.input"] = x.grad
    if h0 is not None:
        tensors["grad.h0"] = h0.grad
    if c0 is not None:
        tensors["grad.c0"] = c0.grad
    meta = dict(mode=mode, input_size=I, hidden_size=H, num_layers=layers, bidirectional=str(bidirectional).lower(),
                batch_first=str(batch_first).lower(), has_initial_state=str(initial).lower(),
                has_lengths=str(lengths is not None).lower(), torch_version=torch.__version__)
    write(name, tensors, meta)


def cell_case(name, mode, seed=0):
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    m = {"lstm": lambda: nn.LSTMCell(I, H), "gru": lambda: nn.GRUCell(I, H),
         "rnn_tanh": lambda: nn.RNNCell(I, H, nonlinearity="tanh"), "rnn_relu": lambda: nn.RNNCell(I, H, nonlinearity="relu")}[mode]()
    x = torch.randn(N, I, generator=g).requires_grad_()
    h0 = torch.randn(N, H, generator=g).mul(0.5).requires_grad_()
    c0 = torch.randn(N, H, generator=g).mul(0.5).requires_grad_() if mode == "lstm" else None
    if mode == "lstm":
        h1, c1 = m(x, (h0, c0))
        outs = {"h_1": h1, "c_1": c1}
    else:
        outs = {"h_1": m(x, h0)}
    ups = {k: torch.randn(v.shape, generator=g) for k, v in outs.items()}
    sum((v * ups[k]).sum() for k, v in outs.items()).backward()
    tensors = dict(m.state_dict())
    tensors.update(input=x, h0=h0, **({"c0": c0} if c0 is not None else {}))
    tensors.update(outs)
    tensors.update({"upstream." + k: v for k, v in ups.items()})
    for pname, p in m.named_parameters():
        tensors["grad." + pname] = p.grad
    tensors["grad.input"] = x.grad
    tensors["grad.h0"] = h0.grad
    if c0 is not None:
        tensors["grad.c0"] = c0.grad
    write(name, tensors, dict(mode=mode, input_size=I, hidden_size=H, cell="true", torch_version=torch.__version__))


def write(name, tensors, meta):
    path = os.path.join(OUT, name + ".safetensors")
    save(path, tensors, meta)
    back, _ = load(path)  # round trip through the reader
    for k, v in tensors.items():
        a = v.detach().numpy() if isinstance(v, torch.Tensor) else v
        assert np.array_equal(back[k], a), (name, k)


os.makedirs(OUT, exist_ok=True)
for mode in ["lstm", "gru", "rnn_tanh", "rnn_relu"]:
    layer_case(f"{mode}_single", mode, seed=1)
    layer_case(f"{mode}_stacked_bidirectional_batch_first_initial", mode, layers=2, bidirectional=True, batch_first=True, initial=True, seed=2)
    layer_case(f"{mode}_lengths_bidirectional_initial", mode, bidirectional=True, initial=True, lengths=[5, 2, 4], seed=3)
    cell_case(f"{mode}_cell", mode, seed=4)
layer_case("lstm_stacked_batch_first", "lstm", layers=2, batch_first=True, seed=5)
layer_case("gru_lengths_stacked_batch_first", "gru", layers=2, batch_first=True, lengths=[1, 5, 3], seed=6)
layer_case("lstm_lengths_stacked_bidirectional_initial", "lstm", layers=2, bidirectional=True, initial=True, lengths=[5, 2, 4], seed=7)
total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
print(f"{len(os.listdir(OUT))} fixtures, {total} bytes, torch {torch.__version__}")
