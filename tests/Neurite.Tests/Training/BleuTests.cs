using System.Text.Json;
using Neurite.Training;

namespace Neurite.Tests.Training;

/// <summary>
/// BLEU equal to NLTK's corpus_bleu / sentence_bleu (NLTK 3.8) on the cases tests/fixtures-src/bleu/make_fixtures.py
/// computed with Debian's python3-nltk (NLTK is not needed to run these tests), plus hand-computed scores and the
/// argument checks.
/// </summary>
public class BleuTests
{
    // ---- against NLTK ----

    sealed record Case(string Name, string[][] Hypotheses, string[][][] References, double[] Weights,
        BleuSmoothing Smoothing, double? Expected, string? Error);

    static readonly Lazy<Case[]> cases = new(LoadCases);

    static Case[] LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(), "cases.json")));
        return [.. doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("name").GetString()!,
            c.GetProperty("hypotheses").Deserialize<string[][]>()!,
            c.GetProperty("references").Deserialize<string[][][]>()!,
            c.GetProperty("weights").Deserialize<double[]>()!,
            Smoothing(c),
            c.GetProperty("expected").ValueKind == JsonValueKind.Null ? null : c.GetProperty("expected").GetDouble(),
            c.TryGetProperty("error", out var e) ? e.GetString() : null))];
    }

    // The fixture names NLTK's methods; parsed here, once, at the edge.
    static BleuSmoothing Smoothing(JsonElement c)
    {
        double epsilon = c.GetProperty("epsilon").GetDouble(), alpha = c.GetProperty("alpha").GetDouble(), k = c.GetProperty("k").GetDouble();
        return c.GetProperty("smoothing").GetString() switch
        {
            "method0" => BleuSmoothing.Method0(),
            "method1" => BleuSmoothing.Method1(epsilon),
            "method2" => BleuSmoothing.Method2(),
            "method3" => BleuSmoothing.Method3(),
            "method4" => BleuSmoothing.Method4(k),
            "method5" => BleuSmoothing.Method5(),
            "method6" => BleuSmoothing.Method6(alpha),
            "method7" => BleuSmoothing.Method7(k),
            var other => throw new InvalidDataException("unknown smoothing " + other),
        };
    }

    static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Neurite.Tests", "Fixtures", "bleu");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Neurite.Tests/Fixtures/bleu not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> CaseNames() => new(cases.Value.Select(c => c.Name));

    [Fact]
    public void The_fixture_covers_every_kind_of_case()
    {
        var all = cases.Value;
        Assert.True(all.Length >= 40, $"only {all.Length} cases");
        Assert.Equal(all.Length, all.Select(c => c.Name).Distinct().Count());
        for (int m = 0; m <= 7; m++)
            Assert.Contains(all, c => c.Smoothing.ToString()!.StartsWith($"method{m} ", StringComparison.Ordinal) && c.Expected is not null);
        Assert.Contains(all, c => c.Expected == 1.0);                                          // exact match
        Assert.Contains(all, c => c.Expected == 0.0);                                          // no overlap
        Assert.Contains(all, c => c.Hypotheses.Any(h => h.Length == 0));                       // empty hypothesis
        Assert.Contains(all, c => c.References.Any(r => r.Length >= 3));                       // several references
        Assert.Contains(all, c => c.Hypotheses.Length >= 3);                                   // corpora
        Assert.Contains(all, c => c.Weights.SequenceEqual([0.5, 0.5]));                        // BLEU-2
        Assert.Contains(all, c => c.Weights.Length == 5);                                      // BLEU-5
        Assert.Contains(all, c => c.Error is not null);                                        // where NLTK fails
    }

    [Theory, MemberData(nameof(CaseNames))]
    public void Matches_NLTK(string name)
    {
        var c = cases.Value.Single(c => c.Name == name);
        if (c.Expected is not double expected)
        {
            // NLTK raises (method6 without trigram matches or with fewer than 3 orders): we throw a clear error.
            var e = Assert.Throws<ArgumentException>(() => Bleu.Corpus(c.Hypotheses, c.References, c.Weights, c.Smoothing));
            Assert.Equal("smoothing", e.ParamName);
            Assert.Contains("method6", e.Message);
            return;
        }
        double ours = Bleu.Corpus(c.Hypotheses, c.References, c.Weights, c.Smoothing);
        Assert.True(Math.Abs(ours - expected) <= 1e-9, $"{name}: ours {ours:R}, NLTK {expected:R}");
        // Tighter than asked: also relative, so the ~1e-77 scores of unsmoothed zero orders are checked too.
        Assert.True(Math.Abs(ours - expected) <= 1e-12 * Math.Abs(expected), $"{name}: ours {ours:R}, NLTK {expected:R} (relative)");
        if (c.Hypotheses.Length == 1)
            Assert.Equal(ours, Bleu.Sentence(c.Hypotheses[0], c.References[0], c.Weights, c.Smoothing));
    }

    // ---- hand-computed ----

    static string[] T(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Identical_sentences_score_1_and_disjoint_ones_0()
    {
        Assert.Equal(1.0, Bleu.Sentence(T("a b c d e"), [T("a b c d e")]));
        Assert.Equal(0.0, Bleu.Sentence(T("a b c d e"), [T("v w x y z")]));
        Assert.Equal(0.0, Bleu.Sentence(T("a b c d e"), [T("v w x y z")], smoothing: BleuSmoothing.Method1()));  // no unigram: 0 always
    }

    [Fact]
    public void Clipping_counts_a_word_at_most_as_often_as_one_reference_has_it()
    {
        // "the ×7" against "the cat is on the mat" (2 × the) and "there is a cat on the mat" (1 × the):
        // unigram precision = min(7, max(2, 1)) / 7 = 2/7; BLEU-1, c = 7 = r → BP = 1.
        double s = Bleu.Sentence(T("the the the the the the the"), [T("the cat is on the mat"), T("there is a cat on the mat")], weights: [1.0]);
        Assert.Equal(2.0 / 7, s, 15);
    }

    [Fact]
    public void BLEU_2_with_the_brevity_penalty()
    {
        // hyp "the cat on mat" (c = 4) vs "the cat is on the mat" (r = 6):
        // p1 = 4/4 (the, cat, on, mat all occur), p2 = 1/3 ("the cat" yes; "cat on", "on mat" no);
        // BP = exp(1 − 6/4) = e^−0.5; BLEU-2 = e^−0.5 · (1 · 1/3)^½.
        double s = Bleu.Sentence(T("the cat on mat"), [T("the cat is on the mat")], weights: [0.5, 0.5]);
        Assert.Equal(Math.Exp(-0.5) * Math.Sqrt(1.0 / 3), s, 15);
    }

    [Fact]
    public void The_closest_reference_length_wins_and_ties_go_to_the_shorter()
    {
        // c = 12; references of 13 and 11 are equally close → r = 11 < c → BP = 1; every n-gram of "a×12" matches.
        string[] a12 = [.. Enumerable.Repeat("a", 12)];
        Assert.Equal(1.0, Bleu.Sentence(a12, [[.. Enumerable.Repeat("a", 13)], [.. Enumerable.Repeat("a", 11)]]));
        // c = 7; references of 11 and 8 → r = 8: BP = exp(1 − 8/7) (the mteval-v13a example, 0.8668…).
        string[] a7 = [.. Enumerable.Repeat("a", 7)];
        Assert.Equal(Math.Exp(1 - 8.0 / 7), Bleu.Sentence(a7, [[.. Enumerable.Repeat("a", 11)], [.. Enumerable.Repeat("a", 8)]]), 15);
    }

    [Fact]
    public void Corpus_BLEU_sums_counts_before_dividing()
    {
        // BLEU-1 of ["a b", "c"] against ["a x", "c"]: matches 1 + 1 over 2 + 1 unigrams = 2/3, c = r = 3.
        // The mean of the sentence scores would be (1/2 + 1) / 2 = 3/4.
        string[][] hyps = [T("a b"), T("c")];
        string[][][] refs = [[T("a x")], [T("c")]];
        Assert.Equal(2.0 / 3, Bleu.Corpus(hyps, refs, weights: [1.0]), 15);
        Assert.Equal(2.0 / 3, Bleu.Corpus(["a b", "c"], ["a x", "c"], weights: [1.0]), 15);   // the whitespace helper
    }

    [Fact]
    public void The_whitespace_helper_splits_on_runs_of_white_space_only()
    {
        double tokens = Bleu.Corpus([T("The cat , sat"), T("on the mat")], [[T("The cat , sat")], [T("on a mat")]]);
        Assert.Equal(tokens, Bleu.Corpus(["  The cat ,\tsat\n", "on the  mat"], ["The cat , sat", "on a mat"]));
        Assert.NotEqual(1.0, Bleu.Corpus(["The cat"], ["the cat"]));   // case-sensitive: no lower-casing
    }

    [Fact]
    public void An_empty_hypothesis_scores_0_and_counts_as_misses_in_a_corpus()
    {
        // As NLTK: BLEU of an empty sentence is 0 (no unigram match), smoothed or not.
        Assert.Equal(0.0, Bleu.Sentence([], [T("the cat")]));
        Assert.Equal(0.0, Bleu.Sentence([], [T("the cat")], smoothing: BleuSmoothing.Method3()));
        // In a corpus it adds 1 to each order's n-gram count: BLEU-1 of ["a b", ""] vs ["a b", "c"] is
        // p1 = 2 / (2 + 1), c = 2, r = 2 + 1 = 3 → BP = exp(1 − 3/2).
        Assert.Equal(Math.Exp(-0.5) * 2.0 / 3, Bleu.Corpus([T("a b"), []], [[T("a b")], [T("c")]], weights: [1.0]), 15);
    }

    [Fact]
    public void Method1_adds_epsilon_matches_to_orders_without_any()
    {
        // "a b c" vs "a b d": p1 = 2/3, p2 = 1/2, p3 = 0 → ε/1 = 0.1; BLEU-3 = (2/3 · 1/2 · 0.1)^⅓, BP = 1 (c = r).
        double s = Bleu.Sentence(T("a b c"), [T("a b d")], weights: [1.0 / 3, 1.0 / 3, 1.0 / 3], smoothing: BleuSmoothing.Method1());
        Assert.Equal(Math.Cbrt(2.0 / 3 * 0.5 * 0.1), s, 14);
    }

    [Fact]
    public void Smoothing_methods_show_their_parameters()
    {
        Assert.Equal("method1 (epsilon 0.1)", BleuSmoothing.Method1().ToString());
        Assert.Equal("method6 (alpha 2)", BleuSmoothing.Method6(alpha: 2).ToString());
        Assert.Throws<ArgumentOutOfRangeException>("epsilon", () => BleuSmoothing.Method1(0));
        Assert.Throws<ArgumentOutOfRangeException>("k", () => BleuSmoothing.Method4(double.NaN));
    }

    // ---- bad input ----

    [Fact]
    public void Bad_arguments_name_the_argument()
    {
        string[][] one = [T("a b")];
        string[][][] oneRef = [[T("a b")]];
        AssertArgument("hypotheses", "no hypotheses", () => Bleu.Corpus([], Array.Empty<string[][]>()));
        AssertArgument("references", "2 hypotheses but 1 reference lists", () => Bleu.Corpus([T("a"), T("b")], oneRef));
        AssertArgument("references", "hypotheses[0] has no references", () => Bleu.Corpus(one, [[]]));
        AssertArgument("references", "hypotheses[0] has no references", () => Bleu.Sentence(T("a"), []));
        AssertArgument("references", "2 hypotheses but 1 references", () => Bleu.Corpus(["a", "b"], ["a"]));
        AssertArgument("weights", "weights is empty", () => Bleu.Corpus(one, oneRef, weights: []));
        AssertArgument("weights", "weights[1] (for 2-grams) is -0.5", () => Bleu.Corpus(one, oneRef, weights: [1.5, -0.5]));
        AssertArgument("weights", "weights[0] (for 1-grams) is NaN", () => Bleu.Corpus(one, oneRef, weights: [double.NaN]));
        AssertArgument("weights", "the weights sum to 0", () => Bleu.Corpus(one, oneRef, weights: [0.0, 0.0]));
        AssertArgument("references", "references[0][1][0] is a null token", () => Bleu.Corpus(one, [[T("a"), [null!]]]));
        Assert.Throws<ArgumentNullException>("hypotheses", () => Bleu.Corpus((string[][])null!, oneRef));
    }

    static void AssertArgument(string parameter, string words, Action call)
    {
        var e = Assert.Throws<ArgumentException>(call);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(words, e.Message);
    }
}
