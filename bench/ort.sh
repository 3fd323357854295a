#!/usr/bin/env bash
# Inference against ONNX Runtime (bench/Neurite.Bench/OrtBench.cs): MLP, LeNet-5 and ResNet-20 exported by Neurite to
# ONNX, served by ONNX Runtime's CPU provider (graph optimisations on; at 2 threads both spin settings, the faster kept)
# and by Neurite itself, interleaved rounds, batch 1 (latency) and batch 64 (throughput); outputs checked within 1e-4.
#   bench/ort.sh                        all models, threads 1 and 2, 5 rounds
#   bench/ort.sh --models resnet --rounds 9
# Raw JSON lines go to $OUT (default bench/results/ort-<date>.jsonl); a markdown table is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/ort-$(date +%Y%m%d-%H%M%S).jsonl}
mkdir -p "$(dirname "$OUT")"
dotnet build -c Release bench/Neurite.Bench -v q -nologo >/dev/null
bench/Neurite.Bench/bin/Release/net10.0/Neurite.Bench ort "$@" >"$OUT"
python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| model | threads | batch | Neurite median µs (p99) | ONNX Runtime median µs (p99) | ORT setting | Neurite / ORT throughput |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['model']} | {r['threads']} | {r['batch']} | {r['neurite_median_us']:,.1f} ({r['neurite_p99_us']:,.1f}) | "
          f"{r['ort_median_us']:,.1f} ({r['ort_p99_us']:,.1f}) | {r['ort_setting']} | {r['ratio']:.2f} |")
PY
echo "raw: $OUT" >&2
