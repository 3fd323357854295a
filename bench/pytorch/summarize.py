"""Summarises the JSON lines of bench/compare.sh: medians over rounds, PyTorch's best setting per thread budget,
ratios. Usage: summarize.py results.jsonl [--markdown]

Ratio = Neurite speed / PyTorch speed (> 1: Neurite is faster). For throughputs that is Neurite / PyTorch; for
times per call (tiny, µs) it is PyTorch µs / Neurite µs. "threads" is the budget: Neurite runs with that many
threads, PyTorch's best setting among torch threads × OPENBLAS_NUM_THREADS with both ≤ the budget ("best" rows:
each side's best over all its settings).
"""
import json
import statistics
import sys
from collections import defaultdict

path = sys.argv[1]
markdown = "--markdown" in sys.argv
rows = [json.loads(l) for l in open(path) if l.strip().startswith("{")]

METRICS = {  # workload -> [(json key, label, higher is better)]
    "gemm": [("gflops", "GFLOP/s", True)],
    "mlp": [("train_samples_per_s", "train samples/s", True), ("infer_samples_per_s", "infer samples/s", True)],
    "tiny": [("median_us", "µs/call", False)],
    "lenet": [("train_images_per_s", "train images/s", True), ("infer_images_per_s", "infer images/s", True)],
    "resnet": [("train_images_per_s", "train images/s", True)],
    "lstm": [("train_tokens_per_s", "train tokens/s", True)],
    "seq2seq": [("train_tokens_per_s", "train target tokens/s", True)],
}

# samples[(workload, variant, key)][impl][setting] -> list over rounds
samples = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
memory = defaultdict(lambda: defaultdict(list))  # memory[workload][impl] -> max RSS over rounds
extras = defaultdict(list)
for r in rows:
    w = r["workload"]
    if w in ("mlp_memory", "lenet_memory"):
        memory[w.removesuffix("_memory")][r["impl"]].append(r["max_rss_mb"])
        continue
    if w not in METRICS:
        continue
    variant = f'n={r["n"]}' if w == "gemm" else r.get("case", "")
    impl = r["impl"]
    setting = (r.get("torch_threads", r["threads"]), r.get("blas_threads", r["threads"]), r.get("wait_policy", "PASSIVE")) if impl != "neurite" else (r["threads"], r["threads"], "")
    for key, _, _ in METRICS[w]:
        if key in r:
            samples[(w, variant, key)][impl][setting].append(r[key])
    if impl == "neurite" and w == "mlp":
        for k in ("gc0_per_step", "gc1_per_step", "gc2_per_step", "alloc_bytes_per_step", "peak_working_set_mb", "test_accuracy"):
            if k in r:
                extras[(r["threads"], k)].append(r[k])


def med(xs):
    return statistics.median(xs) if xs else None


def best(settings, budget, higher):
    cands = {s: med(v) for s, v in settings.items() if max(s[0], s[1]) <= budget and v}
    if not cands:
        return None, None
    s = (max if higher else min)(cands, key=cands.get)
    return cands[s], s


def fmt(v):
    if v is None:
        return "—"
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"


table = []
for (w, variant, key), impls in samples.items():
    label, higher = next((l, h) for k, l, h in METRICS[w] if k == key)
    metric = f"{label} {variant}".strip()
    neu = impls.get("neurite", {})
    for ref in [i for i in impls if i != "neurite"]:
        for budget in (1, 2, "best"):
            b = 99 if budget == "best" else budget
            if budget == "best":
                n_val, n_set = best(neu, b, higher)
            else:  # thread-for-thread: Neurite at exactly this many threads
                n_val, n_set = med(neu.get((budget, budget, ""), [])), (budget, budget, "")
            p_val, p_set = best(impls[ref], b, higher)
            if n_val is None and p_val is None:
                continue
            ratio = None
            if n_val and p_val:
                ratio = n_val / p_val if higher else p_val / n_val
            setting = f"torch {p_set[0]}/BLAS {p_set[1]}/{p_set[2]}" if p_set and ref == "pytorch" else f"BLAS {p_set[1]}" if p_set else ""
            nthreads = f" (Neurite {n_set[0]})" if budget == "best" and n_set else ""
            table.append((w, metric + ("" if ref == "pytorch" else f" [{ref}]"), str(budget), fmt(n_val), fmt(p_val),
                          setting + nthreads, "—" if ratio is None else f"{ratio:.2f}"))

head = ("workload", "metric", "threads", "Neurite", "PyTorch (best setting)", "PyTorch setting", "ratio N/P (speed)")
if markdown:
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(" --- " for _ in head) + "|")
    for t in table:
        print("| " + " | ".join(t) + " |")
else:
    widths = [max(len(str(x[i])) for x in table + [head]) for i in range(len(head))]
    for t in [head] + table:
        print("  ".join(str(c).rjust(widths[i]) if i >= 3 else str(c).ljust(widths[i]) for i, c in enumerate(t)))

# Every PyTorch setting, for the record (medians over rounds).
print()
print("PyTorch by setting (medians over rounds):" if not markdown else "\nPyTorch by setting (medians over rounds):\n")
lines = []
for (w, variant, key), impls in samples.items():
    for ref, settings in impls.items():
        if ref == "neurite":
            continue
        vals = ", ".join(f"t{s[0]}/b{s[1]}/{s[2]}: {fmt(med(v))}" for s, v in sorted(settings.items()))
        lines.append(f"{w} {key} {variant} [{ref}]: {vals}".replace("  ", " "))
for l in lines:
    print(("- " if markdown else "  ") + l)

if memory or extras:
    print()
    for w, by_impl in memory.items():
        m = {k: med(v) for k, v in by_impl.items()}
        s = f"{w} training-epoch process, max RSS (/usr/bin/time -v, 1 thread, medians): Neurite {fmt(m.get('neurite'))} MB, PyTorch {fmt(m.get('pytorch'))} MB"
        if m.get("neurite") and m.get("pytorch"):
            s += f", ratio {m['neurite'] / m['pytorch']:.2f}"
        print(("- " if markdown else "") + s)
    for t in (1, 2):
        e = {k: med(v) for (tt, k), v in extras.items() if tt == t}
        if e:
            print(("- " if markdown else "") + f"Neurite mlp at {t} thread(s): " + ", ".join(
                f"{k} {e[k]:.4g}" for k in ("gc0_per_step", "gc1_per_step", "gc2_per_step", "alloc_bytes_per_step", "peak_working_set_mb", "test_accuracy") if k in e))
