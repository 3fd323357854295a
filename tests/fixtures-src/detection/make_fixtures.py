#!/usr/bin/python3
"""Reference values for Neurite.Detection from torchvision (Debian's python3-torchvision 0.14):
box_convert, box_iou, generalized_box_iou, nms and batched_nms on seeded random boxes.
Writes tests/Neurite.Tests/Fixtures/detection/torchvision.json. Run: /usr/bin/python3 tests/fixtures-src/detection/make_fixtures.py
torchvision is not a dependency of Neurite or of its tests; only this script uses it."""
import json, os
import torch, torchvision
from torchvision.ops import box_convert, box_iou, generalized_box_iou, nms, batched_nms

g = torch.Generator().manual_seed(2026)

def boxes(n, scale=100.0, min_size=1.0):
    xy = torch.rand(n, 2, generator=g, dtype=torch.float64) * scale
    wh = torch.rand(n, 2, generator=g, dtype=torch.float64) * scale / 3 + min_size
    return torch.cat([xy, xy + wh], 1)

a, b = boxes(12), boxes(9)
b[0] = a[0]                                  # identical: IoU 1
b[1] = torch.tensor([a[1, 0] + 1, a[1, 1] + 1, a[1, 2] - 1, a[1, 3] - 1], dtype=torch.float64)  # inside
b[2] = torch.tensor([a[2, 2], a[2, 1], a[2, 2] + 5, a[2, 3]], dtype=torch.float64)              # touching: IoU 0
# clustered boxes so that suppression happens at every threshold
centres = torch.rand(8, 2, generator=g, dtype=torch.float64) * 200
pick = torch.randint(0, 8, (300,), generator=g)
jitter = torch.randn(300, 2, generator=g, dtype=torch.float64) * 6
size = torch.rand(300, 2, generator=g, dtype=torch.float64) * 30 + 10
c = centres[pick] + jitter
nms_boxes = torch.cat([c - size / 2, c + size / 2], 1)
scores = torch.rand(300, generator=g, dtype=torch.float64)
classes = torch.randint(0, 5, (300,), generator=g)

out = {
    "torchvision": torchvision.__version__, "torch": torch.__version__,
    "a": a.tolist(), "b": b.tolist(),
    "iou": box_iou(a, b).tolist(),
    "giou": generalized_box_iou(a, b).tolist(),
    "a_cxcywh": box_convert(a, "xyxy", "cxcywh").tolist(),
    "nms_boxes": nms_boxes.tolist(), "nms_scores": scores.tolist(), "nms_classes": classes.tolist(),
    "nms": {str(t): nms(nms_boxes, scores, t).tolist() for t in (0.0, 0.3, 0.5, 0.7, 1.0)},
    "batched_nms": {str(t): batched_nms(nms_boxes, scores, classes, t).tolist() for t in (0.3, 0.5)},
}
path = os.path.join(os.path.dirname(__file__), "..", "..", "Neurite.Tests", "Fixtures", "detection", "torchvision.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", os.path.normpath(path), {k: len(v) for k, v in out["nms"].items()})
