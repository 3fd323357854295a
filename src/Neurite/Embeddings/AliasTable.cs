namespace Neurite.Embeddings;

/// <summary>
/// Draws i with probability wᵢ / Σw in O(1) (Vose's alias method): a uniform column, then the column's own index or
/// its alias. Skip-gram's noise distribution, unigram counts^0.75, in V entries instead of word2vec's 10⁸-entry table.
/// </summary>
sealed class AliasTable
{
    readonly float[] keep;
    readonly int[] alias;

    public AliasTable(ReadOnlySpan<double> weights)
    {
        int n = weights.Length;
        keep = new float[n];
        alias = new int[n];
        double sum = 0;
        foreach (double w in weights) sum += w;
        var scaled = new double[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = 0; i < n; i++)
        {
            scaled[i] = weights[i] / sum * n;
            (scaled[i] < 1 ? small : large).Push(i);
        }
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            keep[s] = (float)scaled[s];
            alias[s] = l;
            scaled[l] -= 1 - scaled[s];
            (scaled[l] < 1 ? small : large).Push(l);
        }
        foreach (int i in large) { keep[i] = 1; alias[i] = i; }
        foreach (int i in small) { keep[i] = 1; alias[i] = i; }  // rounding leftovers
    }

    /// <summary>One draw from 64 random bits: the high 32 pick the column, the low 24 decide column or alias.</summary>
    public int Sample(ulong bits)
    {
        int i = (int)(((bits >> 32) * (ulong)keep.Length) >> 32);
        float u = (uint)(bits & 0xFFFFFF) * (1f / (1 << 24));
        return u < keep[i] ? i : alias[i];
    }
}
