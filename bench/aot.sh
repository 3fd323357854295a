#!/usr/bin/env bash
# Native AOT against the JIT on this machine: the same Neurite.Bench workloads built three ways, run in interleaved
# rounds (the order rotated every round so drift hits all alike), medians per build and thread count.
#   bench/aot.sh                    lenet and mlp training and inference, 1 and 2 threads
#   ROUNDS=7 bench/aot.sh lenet     more rounds, one workload
# Builds: "jit" (dotnet build), "aot-v3" (the default Native AOT publish: x86-64-v3 = AVX2+FMA, see
# Directory.Build.props) and "aot-v4" (-p:IlcInstructionSet=x86-64-v4: AVX-512). Needs clang and zlib1g-dev.
# Raw JSON lines go to $OUT (default bench/results/aot-<date>.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
workloads=${*:-lenet mlp}
OUT=${OUT:-bench/results/aot-$(date +%Y%m%d-%H%M%S).jsonl}
mkdir -p "$(dirname "$OUT")" && : >"$OUT"
command -v clang >/dev/null || { echo "aot.sh: Native AOT needs clang and zlib1g-dev (apt-get install clang zlib1g-dev)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "building jit, aot-v3, aot-v4 (Release)" >&2
dotnet build -c Release bench/Neurite.Bench -v q -nologo >/dev/null
cp -r bench/Neurite.Bench/bin/Release/net10.0 "$tmp/jit"
dotnet publish -c Release bench/Neurite.Bench -r linux-x64 -p:PublishAot=true -o "$tmp/aot-v3" -v q -nologo >/dev/null
dotnet publish -c Release bench/Neurite.Bench -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=x86-64-v4 -o "$tmp/aot-v4" -v q -nologo >/dev/null
builds=(jit aot-v3 aot-v4)

for r in $(seq 1 "$ROUNDS"); do
  for w in $workloads; do
    for k in 0 1 2; do
      b=${builds[$(( (k + r) % 3 ))]}
      echo "round $r/$ROUNDS $w $b" >&2
      "$tmp/$b/Neurite.Bench" "$w" --threads 1,2 2>/dev/null | sed "s/^{/{\"build\":\"$b\",/" >>"$OUT"
    done
  done
done

python3 - "$OUT" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = [k for k in ("train_samples_per_s", "train_images_per_s", "infer_samples_per_s", "infer_images_per_s") if any(k in r for r in rows)]
print(f"{'workload':10} {'threads':>7} {'metric':22} {'jit':>10} {'aot-v3':>10} {'aot-v4':>10} {'v3/jit':>7} {'v4/jit':>7}")
for w in sorted({r["workload"] for r in rows}):
    for t in sorted({r["threads"] for r in rows if r["workload"] == w}):
        for k in keys:
            med = {}
            for b in ("jit", "aot-v3", "aot-v4"):
                v = [r[k] for r in rows if r["workload"] == w and r["threads"] == t and r["build"] == b and k in r]
                if v: med[b] = statistics.median(v)
            if len(med) == 3:
                print(f"{w:10} {t:>7} {k:22} {med['jit']:10.0f} {med['aot-v3']:10.0f} {med['aot-v4']:10.0f} {med['aot-v3']/med['jit']:7.2f} {med['aot-v4']/med['jit']:7.2f}")
PY
echo "raw: $OUT" >&2
