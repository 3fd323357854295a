#!/usr/bin/env bash
# Neurite vs PyTorch CPU, side by side on this machine (BENCHMARKS.md). One command:
#   bench/compare.sh                  every workload that both sides have (gemm, mlp, tiny; lenet, resnet, lstm once
#                                     Neurite.Bench lists them)
#   bench/compare.sh mlp tiny         only these workloads
#   ROUNDS=5 bench/compare.sh gemm    more rounds (default 3)
# Installs PyTorch/numpy/OpenBLAS with apt-get when they are missing (as root), builds Neurite.Bench in Release,
# then runs each workload in ROUNDS rounds, Neurite and PyTorch interleaved (A B A B, the order flipped every other
# round so drift hits both alike). PyTorch runs in all eight settings torch threads 1/2 × OPENBLAS_NUM_THREADS 1/2
# × OMP_WAIT_POLICY default/PASSIVE; the table compares Neurite with PyTorch's best setting that uses at most as many
# threads. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from the environment of the Python commands only
# (they pin OpenBLAS to a Haswell kernel, which halves its speed on this AVX-512 machine).
# Raw JSON lines are kept in $OUT (default bench/pytorch/results/compare-<date>.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1

# --- prerequisites -------------------------------------------------------------------------------------------
need=()
$PY -c 'import torch' 2>/dev/null || need+=(python3-torch)
$PY -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "compare.sh: missing ${need[*]}; run as root or: apt-get install -y ${need[*]}" >&2; exit 1; fi
  echo "installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >&2 || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >&2; }
fi

echo "building Neurite.Bench (Release)" >&2
dotnet build -c Release bench/Neurite.Bench -v q -nologo >/dev/null
BENCH=bench/Neurite.Bench/bin/Release/net10.0/Neurite.Bench

# Workloads Neurite.Bench has: the list its usage message prints.
neurite_list=$( ("$BENCH" help 2>&1 || true) | sed -n "s/.*Workloads: //p" | tr -d ",")
pytorch_list="gemm mlp tiny lenet resnet lstm seq2seq"
wanted=${*:-$pytorch_list}
workloads=()
for w in $wanted; do
  if [[ " $pytorch_list " != *" $w "* ]]; then echo "compare.sh: no PyTorch counterpart for '$w' (have: $pytorch_list)" >&2; continue; fi
  if [[ " $neurite_list " != *" $w "* ]]; then echo "compare.sh: Neurite.Bench has no '$w' yet; skipped" >&2; continue; fi
  workloads+=("$w")
done
[ ${#workloads[@]} -gt 0 ] || { echo "compare.sh: nothing to run" >&2; exit 1; }

mkdir -p bench/pytorch/results
OUT=${OUT:-bench/pytorch/results/compare-$(date +%Y%m%d-%H%M%S).jsonl}
: >"$OUT"

torch_run() { # torch_threads blas_threads wait_policy script args...: one PyTorch process in one setting
  local t=$1 b=$2 w=$3; shift 3
  local policy=(-u OMP_WAIT_POLICY); [ "$w" = default ] || policy=(OMP_WAIT_POLICY="$w")
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${policy[@]}" OPENBLAS_NUM_THREADS="$b" \
    $PY "bench/pytorch/$1" "${@:2}" --threads "$t" >>"$OUT"
}
# Every setting: torch threads 1/2 × BLAS threads 1/2 × OpenMP wait policy default (spinning) / PASSIVE.
# The loop variables are local: a global `w` here overwrote the caller's workload name, so from round 2 on (PyTorch
# first) Neurite.Bench was called with "PASSIVE", failed with its stderr discarded, and set -e ended the script silently.
torch_all() { local t b w; for t in 1 2; do for b in 1 2; do for w in default PASSIVE; do torch_run "$t" "$b" "$w" "$@"; done; done; done; }

max_rss() { # workload label command...: max RSS (MB) of a process, from /usr/bin/time -v, as a JSON line
  local workload=$1 label=$2; shift 2
  local f; f=$(mktemp)
  /usr/bin/time -v -o "$f" "$@" >/dev/null 2>&1 || echo "compare.sh: '$*' failed" >&2
  local kb; kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$f"); rm -f "$f"
  [ -n "$kb" ] || return 0
  echo "{\"workload\":\"${workload}_memory\",\"impl\":\"$label\",\"threads\":1,\"max_rss_mb\":$((kb / 1024))}" >>"$OUT"
}

neurite() { # workload: Neurite at 1 and 2 threads
  case $1 in
    tiny) "$BENCH" tiny --threads 1,2 2>/dev/null >>"$OUT" ;;   # not DOTNET_PROCESSOR_COUNT=1: it also changes how the runtime itself behaves
    gemm) "$BENCH" gemm --threads 1,2 2>/dev/null >>"$OUT" ;;
    mlp)
      "$BENCH" mlp --threads 1,2 2>/dev/null >>"$OUT"
      max_rss mlp neurite "$BENCH" mlp --threads 1 --train-only ;;
    lenet)
      "$BENCH" lenet --threads 1,2 2>/dev/null >>"$OUT"
      max_rss lenet neurite "$BENCH" lenet --threads 1 --train-only ;;
    *) "$BENCH" "$1" --threads 1,2 2>/dev/null >>"$OUT" || { echo "compare.sh: Neurite.Bench $1 failed" >&2; exit 1; } ;;
  esac
}
pytorch() { # workload: PyTorch in all four settings
  case $1 in
    mlp)
      torch_all mlp.py
      max_rss mlp pytorch env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 $PY bench/pytorch/mlp.py --threads 1 --train-only ;;
    lenet)
      torch_all lenet.py
      max_rss lenet pytorch env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 $PY bench/pytorch/lenet.py --threads 1 --train-only ;;
    *) torch_all "$1.py" ;;
  esac
}

for r in $(seq "$ROUNDS"); do
  for w in "${workloads[@]}"; do
    echo "round $r/$ROUNDS: $w" >&2
    if (( r % 2 )); then neurite "$w"; pytorch "$w"; else pytorch "$w"; neurite "$w"; fi
  done
done

echo "raw results: $OUT" >&2
$PY bench/pytorch/summarize.py "$OUT"
