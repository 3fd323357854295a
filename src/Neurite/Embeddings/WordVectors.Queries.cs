using System.Numerics.Tensors;

namespace Neurite.Embeddings;

/// <summary>A word and its similarity to a query (cosine, or 3CosMul's score).</summary>
public readonly record struct Neighbour(string Word, double Similarity)
{
    /// <summary>The word and its score to three decimals: <c>king 0.712</c>.</summary>
    public override string ToString() => FormattableString.Invariant($"{Word} {Similarity:F3}");
}

/// <summary>How <see cref="WordVectors.Analogy"/> scores a candidate x for a : b :: c : x.</summary>
public enum AnalogyMethod
{
    /// <summary>3CosAdd (Mikolov et al. 2013): argmax cos(x, b − a + c) on unit vectors
    /// = argmax cos(x, b) − cos(x, a) + cos(x, c).</summary>
    Add,

    /// <summary>3CosMul (Levy &amp; Goldberg 2014): argmax cos′(x, b)·cos′(x, c) / (cos′(x, a) + ε), with
    /// cos′ = (cos + 1) / 2 in [0, 1] and ε = 0.001.</summary>
    Mul,
}

public sealed partial class WordVectors
{
    /// <summary>3CosMul's ε, keeping the division finite when cos′(x, a) = 0.</summary>
    public const double MulEpsilon = 0.001;

    /// <summary>The <paramref name="k"/> words most similar to <paramref name="word"/> by cosine, the word itself left out.</summary>
    /// <exception cref="UnknownWordException">The word is not in the vocabulary (the message suggests close spellings).</exception>
    public Neighbour[] Nearest(string word, int k = 10) => Nearest(Row(IdOf(word)), k, [word]);

    /// <summary>The <paramref name="k"/> words whose vectors have the largest cosine with <paramref name="vector"/>,
    /// leaving out <paramref name="exclude"/>; best first, ties in id order.</summary>
    public Neighbour[] Nearest(ReadOnlySpan<float> vector, int k = 10, IEnumerable<string>? exclude = null)
    {
        CheckK(k);
        if (vector.Length != Dim) throw new ArgumentException($"WordVectors.Nearest: the vector has {vector.Length} values, the words have {Dim}");
        var skip = Excluded(exclude);
        var query = vector.ToArray();
        float norm = TensorPrimitives.Norm(query);
        if (norm > 0) TensorPrimitives.Divide(query, norm, query);
        var cos = Cosines(query);
        return Top(cos, k, skip);
    }

    /// <summary>
    /// Solves a : b :: c : ? (e.g. man : king :: woman : queen): the <paramref name="k"/> best words by
    /// <paramref name="method"/>, leaving out a, b and c.
    /// </summary>
    /// <exception cref="ArgumentException">Two of a, b, c are the same word.</exception>
    /// <exception cref="UnknownWordException">A word is not in the vocabulary.</exception>
    public Neighbour[] Analogy(string a, string b, string c, int k = 5, AnalogyMethod method = AnalogyMethod.Add)
    {
        CheckK(k);
        if (a == b || a == c || b == c)
            throw new ArgumentException($"WordVectors.Analogy: {a} : {b} :: {c} : ? repeats a word; the three words must differ");
        int ia = IdOf(a), ib = IdOf(b), ic = IdOf(c);
        var u = Unit();
        var ua = u.AsSpan(ia * Dim, Dim);
        var ub = u.AsSpan(ib * Dim, Dim);
        var uc = u.AsSpan(ic * Dim, Dim);
        double[] score;
        if (method == AnalogyMethod.Add)
        {
            var target = new float[Dim];
            TensorPrimitives.Subtract(ub, ua, target);
            TensorPrimitives.Add(target, uc, target);
            float norm = TensorPrimitives.Norm(target);
            if (norm > 0) TensorPrimitives.Divide(target, norm, target);
            score = Cosines(target);
        }
        else
        {
            double[] ca = Cosines(ua), cb = Cosines(ub), cc = Cosines(uc);
            score = new double[words.Length];
            for (int i = 0; i < score.Length; i++)
                score[i] = (cb[i] + 1) / 2 * ((cc[i] + 1) / 2) / ((ca[i] + 1) / 2 + MulEpsilon);
        }
        return Top(score, k, new HashSet<int> { ia, ib, ic });
    }

    /// <summary>Up to <paramref name="count"/> words closest to <paramref name="word"/> by edit distance (Levenshtein),
    /// ties broken by corpus count, then id.</summary>
    public string[] Suggest(string word, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(word);
        return Enumerable.Range(0, words.Length)
            .Select(i => (i, d: EditDistance(word, words[i])))
            .OrderBy(x => x.d).ThenByDescending(x => counts?[x.i] ?? 0).ThenBy(x => x.i)
            .Take(count).Select(x => words[x.i]).ToArray();
    }

    static int EditDistance(string s, string t)
    {
        var prev = new int[t.Length + 1];
        var cur = new int[t.Length + 1];
        for (int j = 0; j <= t.Length; j++) prev[j] = j;
        for (int i = 1; i <= s.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= t.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (s[i - 1] == t[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[t.Length];
    }

    static void CheckK(int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "WordVectors: k (how many words to return) must be at least 1");
    }

    HashSet<int> Excluded(IEnumerable<string>? exclude)
    {
        var skip = new HashSet<int>();
        if (exclude is null) return skip;
        foreach (var w in exclude) skip.Add(IdOf(w));
        return skip;
    }

    /// <summary>cos(row i, <paramref name="unitQuery"/>) for every word i (zero vectors: 0).</summary>
    double[] Cosines(ReadOnlySpan<float> unitQuery)
    {
        var u = Unit();
        var result = new double[words.Length];
        for (int i = 0; i < result.Length; i++) result[i] = TensorPrimitives.Dot(u.AsSpan(i * Dim, Dim), unitQuery);
        return result;
    }

    Neighbour[] Top(double[] score, int k, HashSet<int> skip) => Enumerable.Range(0, words.Length)
        .Where(i => !skip.Contains(i))
        .OrderByDescending(i => score[i]).ThenBy(i => i)
        .Take(k).Select(i => new Neighbour(words[i], score[i])).ToArray();

    float[] Unit()
    {
        if (unit is { } done) return done;
        var u = (float[])vectors.Clone();
        for (int i = 0; i < words.Length; i++)
        {
            var row = u.AsSpan(i * Dim, Dim);
            float norm = TensorPrimitives.Norm(row);
            if (norm > 0) TensorPrimitives.Divide(row, norm, row);
        }
        return unit = u;
    }
}
