#!/usr/bin/env bash
# Neurite SGEMM vs numpy/OpenBLAS on this machine, interleaved (A B A B …) so that noise from other
# processes hits both alike. Prints one row per (size, threads) with the median GFLOP/s of each and the ratio.
#   bench/compare-gemm.sh                 square n = 256…2048, threads 1 and 2, 3 rounds
#   ROUNDS=5 SIZES=1024 THREADS=1 bench/compare-gemm.sh
#   SHAPES="128,256,784 128,10,128" bench/compare-gemm.sh   non-square m,n,k cases
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-256,512,1024,2048}
THREADS=${THREADS:-"1 2"}
SHAPES=${SHAPES:-}
dotnet build -c Release bench/Neurite.Bench -v q -nologo >/dev/null
BENCH=bench/Neurite.Bench/bin/Release/net10.0/Neurite.Bench
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in $(seq "$ROUNDS"); do
  for t in $THREADS; do
    if [ -z "$SHAPES" ]; then
      "$BENCH" gemm --n "$SIZES" --threads "$t" 2>/dev/null >>"$out"
      # OpenBLAS is told the thread count; the variables that pin its core type are dropped for numpy only.
      OPENBLAS_NUM_THREADS=$t env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/gemm_numpy.py --n "$SIZES" >>"$out"
    else
      for s in $SHAPES; do
        "$BENCH" gemm --shape "$s" --threads "$t" 2>/dev/null >>"$out"
        OPENBLAS_NUM_THREADS=$t env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/gemm_numpy.py --shape "$s" >>"$out"
      done
    fi
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    size = f'{r["m"]}x{r["n"]}x{r["k"]}' if "m" in r else str(r["n"])
    rows.setdefault((size, r["threads"]), {}).setdefault(r["impl"], []).append(r["gflops"])
print(f'{"size":>14} {"threads":>7} {"neurite GF/s":>13} {"openblas GF/s":>14} {"ratio":>6}   (medians of rounds)')
for (size, t), v in rows.items():
    a, b = statistics.median(v.get("neurite", [0])), statistics.median(v.get("numpy", [0]))
    print(f'{size:>14} {t:>7} {a:>13.1f} {b:>14.1f} {a / b if b else 0:>6.2f}')
PY
