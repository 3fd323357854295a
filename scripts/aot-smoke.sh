#!/usr/bin/env bash
# Publishes the neurite command with Native AOT and runs it as a user would: train (with a checkpoint and a history),
# save, eval, predict, info, a bad option. Fails on any trim/AOT warning (warnings are errors in this repo), on a
# non-zero exit or on a missing output. Prints the binary's size and its start-up time (median of 9 runs of --version).
# Needs clang and zlib1g-dev (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish src/Neurite.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$out/bin" -v q -nologo
bin="$out/bin/Neurite.Cli"
cd "$out"
"$bin" train --dataset iris --epochs 15 --plain -o iris --checkpoint ck --history history.json >train.txt
grep -q "test: loss" train.txt && [ -s iris.safetensors ] && [ -s history.json ] && [ -s ck ] || { echo "aot-smoke: train did not write its outputs" >&2; cat train.txt >&2; exit 1; }
"$bin" eval -m iris.safetensors | grep -q "accuracy" || { echo "aot-smoke: eval failed" >&2; exit 1; }
printf 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n' >rows.csv
"$bin" predict -m iris.safetensors -i rows.csv -o predictions.csv
[ "$(wc -l <predictions.csv)" = 3 ] || { echo "aot-smoke: predict wrote $(wc -l <predictions.csv) lines, expected 3" >&2; cat predictions.csv >&2; exit 1; }
"$bin" info | grep -q "models:"
set +e; "$bin" train --epochs -1 >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 2 ] || { echo "aot-smoke: a bad option exited $rc, expected 2" >&2; exit 1; }
size=$(stat -c %s "$bin")
times=$(for i in $(seq 9); do s=$(date +%s%N); "$bin" --version >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); done | sort -n)
median=$(echo "$times" | sed -n 5p)
echo "aot-smoke: passed; binary $((size / 1024 / 1024)) MiB ($size bytes), start-up (--version) median ${median} µs"
