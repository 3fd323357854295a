# Needs Debian's NLTK:  apt-get install -y python3-nltk
"""Reference BLEU scores for Neurite's Bleu, computed with NLTK's nltk.translate.bleu_score.

    /usr/bin/python3 tests/fixtures-src/bleu/make_fixtures.py

writes tests/Neurite.Tests/Fixtures/bleu/cases.json: a list of cases, each with
  name         what the case is about
  hypotheses   a list of token lists
  references   for each hypothesis, a list of token lists
  weights      the n-gram weights (w_1, w_2, ...)
  smoothing    "method0" ... "method7" (NLTK's SmoothingFunction methods) and its
               epsilon / alpha / k
  expected     NLTK's corpus_bleu (for one hypothesis, also sentence_bleu: the same call),
               or null when NLTK raised; then "error" holds the exception's type name.
Hand-picked cases come first, then seeded random ones over a small vocabulary (so n-grams do
overlap). NLTK is needed only to regenerate; Neurite's tests read the JSON.
"""
import json
import math
import os
import random
import warnings

import nltk
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu

warnings.simplefilter("ignore")  # method0 warns for every zero n-gram order

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Neurite.Tests", "Fixtures", "bleu", "cases.json")
UNIFORM4 = [0.25, 0.25, 0.25, 0.25]
METHODS = [f"method{i}" for i in range(8)]

cases = []


def add(name, hypotheses, references, weights=UNIFORM4, smoothing="method0", epsilon=0.1, alpha=5, k=5):
    fn = getattr(SmoothingFunction(epsilon=epsilon, alpha=alpha, k=k), smoothing)
    case = {
        "name": name,
        "hypotheses": hypotheses,
        "references": references,
        "weights": list(weights),
        "smoothing": smoothing,
        "epsilon": epsilon,
        "alpha": alpha,
        "k": k,
    }
    try:
        value = float(corpus_bleu(references, hypotheses, tuple(weights), smoothing_function=fn))
        if len(hypotheses) == 1:
            assert value == float(sentence_bleu(references[0], hypotheses[0], tuple(weights), smoothing_function=fn))
        case["expected"] = value
    except (AssertionError, IndexError, ZeroDivisionError, ValueError) as e:
        case["expected"] = None
        case["error"] = type(e).__name__
    cases.append(case)


def toks(s):
    return s.split()


# ---- hand-picked ----
cat = toks("the cat is on the mat")
cat2 = toks("there is a cat on the mat")
nltk_hyp1 = toks("It is a guide to action which ensures that the military always obeys the commands of the party")
nltk_hyp2 = toks("It is to insure the troops forever hearing the activity guidebook that party direct")
nltk_ref1 = toks("It is a guide to action that ensures that the military will forever heed Party commands")
nltk_ref2 = toks("It is the guiding principle which guarantees the military forces always being under the command of the Party")
nltk_ref3 = toks("It is the practical guide for the army always to heed the directions of the party")
hyp_b = toks("he read the book because he was interested in world history")
ref_b = toks("he was interested in world history because he read the book")

add("exact match", [cat], [[cat]])
add("no overlap at all", [toks("a b c d e")], [[toks("v w x y z")]])
add("empty hypothesis", [[]], [[cat]])
add("empty hypothesis with smoothing", [[]], [[cat]], smoothing="method1")
add("one token hypothesis", [toks("the")], [[cat]])
add("short hypothesis (brevity penalty)", [toks("the cat is")], [[cat]])
add("short hypothesis, smoothed", [toks("the cat is")], [[cat]], smoothing="method1")
add("the the the (clipping)", [toks("the the the the the the the")], [[cat, cat2]])
add("two references, closest length", [toks("the cat sat on the mat")], [[cat, cat2]])
add("equal distance references: shorter wins", [["a"] * 12], [[["a"] * 13, ["a"] * 11]])
add("mteval brevity example", [["a"] * 7], [[["a"] * 11, ["a"] * 8]])
add("hypothesis longer than reference", [toks("the cat is on the mat on the mat")], [[cat]])
add("empty reference sentence", [toks("the cat")], [[[], toks("the dog")]])
add("NLTK docstring sentence", [nltk_hyp1], [[nltk_ref1, nltk_ref2, nltk_ref3]])
add("NLTK docstring no 3/4-gram overlap", [nltk_hyp2], [[nltk_ref1, nltk_ref2, nltk_ref3]])
add("NLTK docstring corpus", [nltk_hyp1, hyp_b], [[nltk_ref1, nltk_ref2, nltk_ref3], [ref_b]])
add("NLTK docstring corpus, custom weights", [nltk_hyp1, hyp_b], [[nltk_ref1, nltk_ref2, nltk_ref3], [ref_b]],
    weights=[0.1, 0.3, 0.5, 0.1])
add("BLEU-2 (bigram weights)", [nltk_hyp1, hyp_b], [[nltk_ref1, nltk_ref2, nltk_ref3], [ref_b]], weights=[0.5, 0.5])
add("BLEU-2 on a short sentence", [toks("the cat on mat")], [[cat]], weights=[0.5, 0.5])
add("BLEU-1", [toks("the cat on mat")], [[cat]], weights=[1.0])
add("BLEU-5", [nltk_hyp1], [[nltk_ref1, nltk_ref2, nltk_ref3]], weights=[0.2] * 5)
add("BLEU-3 uneven weights", [nltk_hyp2], [[nltk_ref1, nltk_ref2]], weights=[0.333, 0.333, 0.334])
add("weights not summing to 1", [nltk_hyp1], [[nltk_ref1]], weights=[0.5, 0.5, 0.5, 0.5])
add("zero weight on a zero order", [toks("the cat sat")], [[cat]], weights=[0.5, 0.5, 0.0, 0.0])
add("corpus with an empty hypothesis", [cat, [], toks("on the mat")], [[cat], [cat2], [cat2]])
add("corpus with an empty hypothesis, smoothed", [cat, [], toks("on the mat")], [[cat], [cat2], [cat2]],
    smoothing="method3")
add("corpus where all hypotheses are empty", [[], []], [[cat], [cat2]])
for m in METHODS:
    add(f"NLTK docstring sentence, {m}", [nltk_hyp1], [[nltk_ref1]], smoothing=m)
    add(f"no 3/4-gram overlap, {m}", [nltk_hyp2], [[nltk_ref1, nltk_ref2, nltk_ref3]], smoothing=m)
    add(f"short hypothesis, {m}", [toks("the cat sat")], [[cat]], smoothing=m)
    add(f"corpus, {m}", [nltk_hyp1, hyp_b, toks("the cat sat")], [[nltk_ref1, nltk_ref2], [ref_b], [cat, cat2]],
        smoothing=m)
add("method1, epsilon 0.01", [nltk_hyp2], [[nltk_ref1]], smoothing="method1", epsilon=0.01)
add("method4, k 3", [nltk_hyp2], [[nltk_ref1]], smoothing="method4", k=3)
add("method4, one-token corpus (orders left at 0 drop out)", [toks("cat")], [[cat]], smoothing="method4")
add("method6, alpha 2", [nltk_hyp1], [[nltk_ref1, nltk_ref2]], smoothing="method6", alpha=2)
add("method6, BLEU-2 (too few orders)", [nltk_hyp1], [[nltk_ref1]], weights=[0.5, 0.5], smoothing="method6")
add("method7, k 2, BLEU-2", [toks("the cat sat")], [[cat]], weights=[0.5, 0.5], smoothing="method7", k=2)
add("method5, BLEU-2 (uses the 5-gram precision)", [nltk_hyp1], [[nltk_ref1]], weights=[0.5, 0.5],
    smoothing="method5")

# ---- seeded random ----
rng = random.Random(20240601)
wide, narrow = toks("a b c d e f g h"), toks("a b c")  # method6 needs trigram matches: the narrow vocabulary


def sentence(lo, hi, vocab):
    return [rng.choice(vocab) for _ in range(rng.randint(lo, hi))]


for i in range(24):
    vocab = narrow if i % 8 == 6 else wide
    n = rng.randint(1, 4)
    hyps = [sentence(0 if i % 10 == 9 else 1, 14, vocab) for _ in range(n)]
    refs = [[sentence(1, 16, vocab) for _ in range(rng.randint(1, 3))] for _ in range(n)]
    weights = UNIFORM4 if i % 4 else rng.choice([[0.5, 0.5], [1 / 3] * 3, [0.1, 0.2, 0.3, 0.4], [0.2] * 5])
    add(f"random {i}", hyps, refs, weights=weights, smoothing=METHODS[i % 8])

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf-8") as f:
    json.dump({"nltk": nltk.__version__, "cases": cases}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"{len(cases)} cases ({sum(c['expected'] is None for c in cases)} where NLTK raises) -> {os.path.normpath(OUT)}")
