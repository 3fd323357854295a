using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Neurite.Embeddings;

/// <summary>Options of <see cref="GloVe"/>, the reference implementation's defaults except <see cref="Threads"/> (1: deterministic).</summary>
/// <param name="Dim">Vector length D.</param>
/// <param name="Window">Context words up to this distance on either side count, weighted 1/distance.</param>
/// <param name="MinCount">Words seen fewer times are dropped from the corpus (used when the corpus is built from text).</param>
/// <param name="Epochs">Passes over the non-zero co-occurrences, shuffled each time.</param>
/// <param name="LearningRate">AdaGrad's η.</param>
/// <param name="XMax">x_max of the weighting f(x) = min(1, (x / x_max)^α).</param>
/// <param name="Alpha">α of the weighting.</param>
/// <param name="Threads">Hogwild worker threads; more than 1 is faster but not reproducible.</param>
/// <param name="Seed">Seeds the initialisation and the shuffles.</param>
public sealed record GloVeOptions(int Dim = 100, int Window = 10, int MinCount = 5, int Epochs = 25, double LearningRate = 0.05,
    double XMax = 100, double Alpha = 0.75, int Threads = 1, ulong Seed = 1)
{
    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public GloVeOptions Validate()
    {
        SkipGramOptions.Check(nameof(Dim), Dim, 1, 10_000);
        SkipGramOptions.Check(nameof(Window), Window, 1, 1000);
        SkipGramOptions.Check(nameof(MinCount), MinCount, 1, int.MaxValue);
        SkipGramOptions.Check(nameof(Epochs), Epochs, 1, 100_000);
        SkipGramOptions.Check(nameof(Threads), Threads, 1, 1024);
        if (!(LearningRate > 0 && LearningRate <= 10)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "GloVeOptions: LearningRate must be in (0, 10]");
        if (!(XMax > 0 && double.IsFinite(XMax))) throw new ArgumentOutOfRangeException(nameof(XMax), XMax, "GloVeOptions: XMax must be positive");
        if (!(Alpha > 0 && Alpha <= 10)) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "GloVeOptions: Alpha must be in (0, 10]");
        return this;
    }

    /// <summary>Every option on one line, e.g. <c>dim 100, window 10, min-count 5, …</c> (invariant culture), for a file's metadata.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"dim {Dim}, window {Window}, min-count {MinCount}, epochs {Epochs}, lr {LearningRate}, x-max {XMax}, alpha {Alpha}, threads {Threads}, seed {Seed}");
}

/// <summary>
/// GloVe (Pennington, Socher &amp; Manning 2014): vectors whose dot products fit the logarithm of co-occurrence counts,
/// J = Σ over X_ij &gt; 0 of f(X_ij)·(w_i·w̃_j + b_i + b̃_j − log X_ij)², f(x) = min(1, (x / x_max)^α).
/// </summary>
/// <remarks>
/// <para>Counts: within each sentence, a word at distance d ≤ Window adds 1/d to X_ij and X_ji (the reference's
/// symmetric window), kept sparse in a dictionary keyed by i·V + j, then as three arrays.</para>
/// <para>Training, per non-zero entry in a fresh shuffled order each epoch, with AdaGrad like the reference code
/// (accumulators G start at 1): δ = f(X)·(w_i·w̃_j + b_i + b̃_j − log X); g_w = η·δ·w̃_j, g_w̃ = η·δ·w_i;
/// w_i −= g_w / √G_w, G_w += g_w² (and likewise for w̃_j and both biases, whose gradient is η·δ).
/// Vectors and biases start uniform in ±0.5/D. The result is W + W̃. Threads &gt; 1 split each epoch's entries and
/// update without locks (Hogwild, as the reference does); with one thread and a seed the result is reproducible.</para>
/// </remarks>
public static class GloVe
{
    /// <summary>Counts the co-occurrences of <paramref name="corpus"/> and fits the vectors (W + W̃) as described above.</summary>
    /// <param name="corpus">The corpus, with its vocabulary.</param>
    /// <param name="options">The options, validated first.</param>
    /// <param name="cancel">Checked before each epoch; training then stops with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public static EmbeddingRun Train(EmbeddingCorpus corpus, GloVeOptions options, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var o = options.Validate();
        var clock = Stopwatch.StartNew();
        var (rows, cols, values) = Cooccurrences(corpus, o.Window);
        var counting = clock.Elapsed;

        int v = corpus.Words.Count, d = o.Dim;
        var rng = new Generator(o.Seed);
        var m = new Model(v, d, rng);
        int n = rows.Length;
        var order = new int[n];
        var weight = new float[n];
        var logX = new float[n];
        for (int e = 0; e < n; e++)
        {
            order[e] = e;
            weight[e] = (float)Math.Min(1, Math.Pow(values[e] / o.XMax, o.Alpha));
            logX[e] = (float)Math.Log(values[e]);
        }
        double cost = 0;
        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            rng.Shuffle(order.AsSpan());
            int threads = Math.Max(1, Math.Min(o.Threads, n / 1000));
            var parts = new double[threads];
            void Part(int t)
            {
                int first = (int)((long)n * t / threads), last = (int)((long)n * (t + 1) / threads);
                double sum = 0;
                for (int k = first; k < last; k++)
                {
                    int e = order[k];
                    sum += m.Update(rows[e], cols[e], weight[e], logX[e], (float)o.LearningRate);
                }
                parts[t] = sum;
            }
            if (threads == 1) Part(0);
            else
            {
                var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => Part(t)) { IsBackground = true }).ToList();
                workers.ForEach(w => w.Start());
                workers.ForEach(w => w.Join());
            }
            cost = parts.Sum() / n;
        }
        double trainSeconds = (clock.Elapsed - counting).TotalSeconds;
        var result = new float[(long)v * d];
        TensorPrimitives.Add(m.W, m.WContext, result);
        var vectors = new WordVectors(corpus.Words, result, d, corpus.Counts, "glove", o.ToString());
        return new EmbeddingRun(vectors, corpus.Tokens.Length, clock.Elapsed, string.Create(CultureInfo.InvariantCulture,
            $"{n:N0} non-zero co-occurrences counted in {counting.TotalSeconds:F1} s; {o.Epochs} epoch(s) of AdaGrad in {trainSeconds:F1} s ({(double)n * o.Epochs / Math.Max(trainSeconds, 1e-9):N0} updates/s), final cost {cost:F4} (mean ½·f·δ²)"));
    }

    /// <summary>The non-zero X_ij as (row, column, value) arrays, in first-seen order.</summary>
    internal static (int[] Rows, int[] Cols, double[] Values) Cooccurrences(EmbeddingCorpus corpus, int window)
    {
        long v = corpus.Words.Count;
        var counts = new Dictionary<long, double>();
        var tokens = corpus.Tokens;
        for (int s = 0; s < corpus.SentenceCount; s++)
        {
            int start = corpus.SentenceStarts[s], end = corpus.SentenceStarts[s + 1];
            for (int i = start; i < end; i++)
                for (int j = Math.Max(start, i - window); j < i; j++)
                {
                    double inc = 1.0 / (i - j);
                    CollectionsMarshal.GetValueRefOrAddDefault(counts, tokens[i] * v + tokens[j], out _) += inc;
                    CollectionsMarshal.GetValueRefOrAddDefault(counts, tokens[j] * v + tokens[i], out _) += inc;
                }
        }
        var rows = new int[counts.Count];
        var cols = new int[counts.Count];
        var values = new double[counts.Count];
        int k = 0;
        foreach (var (key, value) in counts)
        {
            rows[k] = (int)(key / v);
            cols[k] = (int)(key % v);
            values[k++] = value;
        }
        return (rows, cols, values);
    }

    sealed class Model
    {
        public readonly float[] W, WContext, B, BContext, GW, GWContext, GB, GBContext;
        readonly int d;

        public Model(int v, int d, Generator rng)
        {
            this.d = d;
            W = Init(v * d); WContext = Init(v * d); B = Init(v); BContext = Init(v);
            GW = Ones(v * d); GWContext = Ones(v * d); GB = Ones(v); GBContext = Ones(v);
            float[] Init(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (rng.NextFloat() - 0.5f) / d; return a; }
            static float[] Ones(int n) { var a = new float[n]; Array.Fill(a, 1f); return a; }
        }

        /// <summary>One AdaGrad step on X_ij; returns ½·f·δ² before the step.</summary>
        public double Update(int i, int j, float f, float logX, float lr)
        {
            var wi = W.AsSpan(i * d, d);
            var wj = WContext.AsSpan(j * d, d);
            float diff = TensorPrimitives.Dot(wi, wj) + B[i] + BContext[j] - logX;
            float fdiff = f * diff;
            if (!float.IsFinite(fdiff)) return 0;  // as the reference: skip an entry that overflowed
            double cost = 0.5 * fdiff * diff;
            fdiff *= lr;
            var gi = GW.AsSpan(i * d, d);
            var gj = GWContext.AsSpan(j * d, d);
            int k = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var scale = new Vector<float>(fdiff);
                for (; k <= d - Vector<float>.Count; k += Vector<float>.Count)
                {
                    var vi = new Vector<float>(wi[k..]);
                    var vj = new Vector<float>(wj[k..]);
                    var vgi = new Vector<float>(gi[k..]);
                    var vgj = new Vector<float>(gj[k..]);
                    var t1 = scale * vj;  // ∂J/∂w_i · η
                    var t2 = scale * vi;  // ∂J/∂w̃_j · η
                    (vi - t1 / Vector.SquareRoot(vgi)).CopyTo(wi[k..]);
                    (vj - t2 / Vector.SquareRoot(vgj)).CopyTo(wj[k..]);
                    (vgi + t1 * t1).CopyTo(gi[k..]);
                    (vgj + t2 * t2).CopyTo(gj[k..]);
                }
            }
            for (; k < d; k++)
            {
                float t1 = fdiff * wj[k], t2 = fdiff * wi[k];
                wi[k] -= t1 / MathF.Sqrt(gi[k]);
                wj[k] -= t2 / MathF.Sqrt(gj[k]);
                gi[k] += t1 * t1;
                gj[k] += t2 * t2;
            }
            B[i] -= fdiff / MathF.Sqrt(GB[i]);
            BContext[j] -= fdiff / MathF.Sqrt(GBContext[j]);
            GB[i] += fdiff * fdiff;
            GBContext[j] += fdiff * fdiff;
            return cost;
        }
    }
}
