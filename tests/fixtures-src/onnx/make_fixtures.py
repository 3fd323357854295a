"""ONNX models exported by PyTorch, with a seeded input and PyTorch's output, for Neurite's ONNX import tests.

    /usr/bin/python3 tests/fixtures-src/onnx/make_fixtures.py

writes, for each case, tests/Neurite.Tests/Fixtures/onnx/<case>.onnx (torch.onnx.export, opset 17, the batch axis
dynamic) and <case>.safetensors holding "input" (float32, or int64 token ids) and "output" (float32: the model's
output in eval mode). Debian's python3-torch (1.13) is needed only to regenerate; Neurite's tests read the files.
"""
import json
import os
import struct

import numpy as np
import torch
from torch import nn

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Neurite.Tests", "Fixtures", "onnx"))
OPSET = 17


def save(path, tensors):
    """safetensors by hand: 8-byte little-endian header length, JSON header, raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().numpy())
        dtype = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}[a.dtype]
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4), nn.Softmax(dim=1))

    def forward(self, x):
        return self.net(x)


class Cnn(nn.Module):
    """Conv+BN (folded into the conv by the exporter), then a grouped strided conv and a BN after the ReLU
    (which cannot be folded, so BatchNormalization stays in the graph)."""
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), nn.ReLU(), nn.BatchNorm2d(6),
            nn.Flatten(), nn.Linear(6 * 2 * 2, 5))

    def forward(self, x):
        return self.features(x)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(2, 4, 3, padding=1)
        self.conv1 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=2, dilation=2)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(4, 3)

    def forward(self, x):
        x = torch.relu(self.stem(x))
        y = self.conv2(torch.relu(self.bn1(self.conv1(x))))
        x = torch.relu(x + y)
        x = self.gap(self.pool(x))
        return torch.log_softmax(self.head(torch.flatten(x, 1)), dim=1)


class LstmModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(5, 6, num_layers=2, batch_first=True)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y)


class GruModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(5, 6, bidirectional=True, batch_first=True)
        self.head = nn.Linear(12, 3)

    def forward(self, x):
        y, _ = self.rnn(x)
        return torch.tanh(self.head(y))


class EmbeddingModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 6)
        self.head = nn.Linear(6, 3)

    def forward(self, ids):
        return torch.sigmoid(self.head(self.embed(ids).mean(dim=1)))


class LayerNormGelu(nn.Module):
    """What exported transformer blocks contain: LayerNorm and the erf form of GELU."""
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 12)
        self.norm = nn.LayerNorm(12)
        self.fc2 = nn.Linear(12, 6)

    def forward(self, x):
        return self.fc2(nn.functional.gelu(self.norm(self.fc1(x))))


def randomize_batch_norm(model, g):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm)):
            with torch.no_grad():
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
                    m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)


def case(name, model, x, seed):
    g = torch.Generator().manual_seed(seed)
    randomize_batch_norm(model, g)
    model.eval()
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, (x,), os.path.join(OUT, name + ".onnx"), opset_version=OPSET,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    save(os.path.join(OUT, name + ".safetensors"), {"input": x, "output": y})
    print(name, tuple(x.shape), "->", tuple(y.shape))


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [
        ("mlp", Mlp, lambda g: torch.randn(3, 8, generator=g)),
        ("cnn", Cnn, lambda g: torch.randn(2, 1, 8, 8, generator=g)),
        ("residual", Residual, lambda g: torch.randn(2, 2, 7, 7, generator=g)),
        ("lstm", LstmModel, lambda g: torch.randn(2, 4, 5, generator=g)),
        ("gru", GruModel, lambda g: torch.randn(3, 4, 5, generator=g)),
        ("embedding", EmbeddingModel, lambda g: torch.randint(0, 20, (2, 5), generator=g)),
        ("layernorm_gelu", LayerNormGelu, lambda g: torch.randn(2, 3, 6, generator=g)),
    ]
    for seed, (name, make, data) in enumerate(cases):
        torch.manual_seed(seed)
        model = make()
        case(name, model, data(torch.Generator().manual_seed(100 + seed)), seed)


if __name__ == "__main__":
    main()
