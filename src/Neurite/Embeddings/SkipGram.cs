using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;

namespace Neurite.Embeddings;

/// <summary>Options of <see cref="SkipGram"/>, word2vec's defaults except <see cref="Threads"/> (1: deterministic).</summary>
/// <param name="Dim">Vector length D.</param>
/// <param name="Window">Largest distance to a context word; each centre word draws its window uniformly from 1..Window.</param>
/// <param name="Negatives">Noise words per (word, context) pair, drawn from unigram^0.75.</param>
/// <param name="MinCount">Words seen fewer times are dropped from the corpus (used when the corpus is built from text).</param>
/// <param name="Subsample">t of the frequent-word subsampling (0: off).</param>
/// <param name="Epochs">Passes over the corpus.</param>
/// <param name="LearningRate">Starting learning rate, decayed linearly to LearningRate·10⁻⁴ over all epochs.</param>
/// <param name="Threads">Hogwild worker threads; more than 1 is faster but not reproducible.</param>
/// <param name="Seed">Seeds the initialisation and every worker's random numbers.</param>
public sealed record SkipGramOptions(int Dim = 100, int Window = 5, int Negatives = 5, int MinCount = 5, double Subsample = 1e-4,
    int Epochs = 5, double LearningRate = 0.025, int Threads = 1, ulong Seed = 1)
{
    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public SkipGramOptions Validate()
    {
        Check(nameof(Dim), Dim, 1, 10_000);
        Check(nameof(Window), Window, 1, 1000);
        Check(nameof(Negatives), Negatives, 1, 1000);
        Check(nameof(MinCount), MinCount, 1, int.MaxValue);
        Check(nameof(Epochs), Epochs, 1, 100_000);
        Check(nameof(Threads), Threads, 1, 1024);
        if (!(Subsample >= 0 && Subsample < 1)) throw new ArgumentOutOfRangeException(nameof(Subsample), Subsample, "SkipGramOptions: Subsample must be in [0, 1) (0: off)");
        if (!(LearningRate > 0 && LearningRate <= 10)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "SkipGramOptions: LearningRate must be in (0, 10]");
        return this;
    }

    internal static void Check(string name, int value, int min, int max)
    {
        if (value < min || value > max) throw new ArgumentOutOfRangeException(name, value, $"{name} must be in {min}…{max}");
    }

    /// <summary>Every option on one line, e.g. <c>dim 100, window 5, negatives 5, …</c> (invariant culture), for a file's metadata.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"dim {Dim}, window {Window}, negatives {Negatives}, min-count {MinCount}, subsample {Subsample}, epochs {Epochs}, lr {LearningRate}, threads {Threads}, seed {Seed}");
}

/// <summary>
/// Skip-gram with negative sampling (Mikolov et al. 2013, "Distributed Representations of Words and Phrases"), as
/// word2vec's <c>-cbow 0</c> trains it: the input vector of a context word c predicts the centre word w,
/// maximising log σ(v′_w·v_c) + Σ over k noise words n of log σ(−v′_n·v_c).
/// </summary>
/// <remarks>
/// <para>Per sentence: frequent words are dropped with word2vec's rule, keep(w) = √(t/f) + t/f with f = count / tokens
/// (the paper writes discard = 1 − √(t/f); word2vec's variant keeps a little more), then for each position a window b
/// is drawn uniformly from 1..Window and every word within b is a context.</para>
/// <para>Per (w, c) pair, with η the learning rate and σ computed exactly:
/// g = η·(label − σ(v′_x·v_c)) for x = w (label 1) and the noise words (label 0, drawn by an <see cref="AliasTable"/>
/// over count^0.75, skipping w itself); e += g·v′_x; v′_x += g·v_c; and after all of them v_c += e.
/// η = LearningRate·(1 − done / (Epochs·tokens + 1)), at least LearningRate·10⁻⁴, where done counts the tokens
/// of all workers (updated every 10,000 tokens).</para>
/// <para>Input vectors start uniform in ±0.5/D, output vectors at zero; the result is the input vectors.
/// Threads &gt; 1 split the sentences into equal parts and update the shared matrices without locks (Hogwild, as
/// word2vec does): faster, but the outcome depends on the timing. With one thread and a seed, the same corpus
/// gives the same vectors bit for bit.</para>
/// <code>
/// var corpus = EmbeddingCorpus.FromText(Corpora.KingJamesBible(), minCount: 5);
/// var run = SkipGram.Train(corpus, new SkipGramOptions(Dim: 100, Epochs: 3, Threads: 2));
/// run.Vectors.Nearest("god", 5);
/// </code>
/// </remarks>
public static class SkipGram
{
    const int LearningRateEvery = 10_000;

    /// <summary>Trains skip-gram vectors on <paramref name="corpus"/> as described above.</summary>
    /// <param name="corpus">The corpus, with its vocabulary and counts.</param>
    /// <param name="options">The options, validated first.</param>
    /// <param name="cancel">Checked by the workers as they go; training then stops with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public static EmbeddingRun Train(EmbeddingCorpus corpus, SkipGramOptions options, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var o = options.Validate();
        var clock = Stopwatch.StartNew();
        int v = corpus.Words.Count, d = o.Dim;
        long total = corpus.Tokens.Length;

        var rng = new Generator(o.Seed);
        var input = new float[(long)v * d];
        for (int i = 0; i < input.Length; i++) input[i] = (rng.NextFloat() - 0.5f) / d;
        var output = new float[(long)v * d];

        var noise = new double[v];
        var keep = new float[v];
        for (int i = 0; i < v; i++)
        {
            noise[i] = Math.Pow(corpus.Counts[i], 0.75);
            double tf = o.Subsample * total / corpus.Counts[i];
            keep[i] = o.Subsample == 0 ? 1 : (float)Math.Min(1, Math.Sqrt(tf) + tf);
        }
        var table = new AliasTable(noise);

        var shared = new Shared(corpus, o, input, output, keep, table, total, cancel);
        int threads = Math.Min(o.Threads, corpus.SentenceCount);
        if (threads == 1) shared.Work(0, 1);
        else
        {
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => shared.Work(t, threads)) { IsBackground = true }).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
        }
        cancel.ThrowIfCancellationRequested();
        var vectors = new WordVectors(corpus.Words, input, d, corpus.Counts, "skipgram", o.ToString());
        return new EmbeddingRun(vectors, total * o.Epochs, clock.Elapsed,
            string.Create(CultureInfo.InvariantCulture, $"{threads} thread(s), noise words by alias table, subsampling t = {o.Subsample}"));
    }

    sealed class Shared(EmbeddingCorpus corpus, SkipGramOptions o, float[] input, float[] output, float[] keep, AliasTable table, long total, CancellationToken cancel)
    {
        long done;  // tokens processed by all workers, for the learning rate

        public void Work(int thread, int threads)
        {
            int d = o.Dim;
            var rng = new Generator(o.Seed * 0x9E3779B97F4A7C15UL + (ulong)thread + 1);
            var sentence = new List<int>(1024);
            var error = new float[d];
            int sentences = corpus.SentenceCount;
            int first = (int)((long)sentences * thread / threads), last = (int)((long)sentences * (thread + 1) / threads);
            long local = 0;
            double lr = o.LearningRate, end = (double)o.Epochs * total + 1;
            for (int epoch = 0; epoch < o.Epochs; epoch++)
            {
                for (int s = first; s < last; s++)
                {
                    if (local >= LearningRateEvery)
                    {
                        long all = Interlocked.Add(ref done, local);
                        local = 0;
                        lr = Math.Max(o.LearningRate * (1 - all / end), o.LearningRate * 1e-4);
                        if (cancel.IsCancellationRequested) return;
                    }
                    sentence.Clear();
                    for (int i = corpus.SentenceStarts[s]; i < corpus.SentenceStarts[s + 1]; i++)
                    {
                        int w = corpus.Tokens[i];
                        local++;
                        if (keep[w] < 1 && rng.NextFloat() >= keep[w]) continue;
                        sentence.Add(w);
                    }
                    Sentence(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sentence), (float)lr, rng, error);
                }
            }
            Interlocked.Add(ref done, local);
        }

        void Sentence(ReadOnlySpan<int> words, float lr, Generator rng, float[] error)
        {
            int d = o.Dim;
            for (int pos = 0; pos < words.Length; pos++)
            {
                int w = words[pos];
                int b = 1 + rng.NextInt(o.Window);  // the dynamic window, uniform in 1..Window
                for (int c = Math.Max(0, pos - b); c <= Math.Min(words.Length - 1, pos + b); c++)
                {
                    if (c == pos) continue;
                    var vc = input.AsSpan(words[c] * d, d);
                    Array.Clear(error);
                    for (int k = 0; k <= o.Negatives; k++)
                    {
                        int x;
                        float label;
                        if (k == 0) { x = w; label = 1; }
                        else
                        {
                            x = table.Sample(rng.NextUInt64());
                            if (x == w) continue;
                            label = 0;
                        }
                        var vx = output.AsSpan(x * d, d);
                        float f = TensorPrimitives.Dot(vc, vx);
                        float g = lr * (label - 1 / (1 + MathF.Exp(-f)));  // ∂/∂f log σ(±f), times η
                        TensorPrimitives.MultiplyAdd(vx, g, error, error);   // e += g·v′_x
                        TensorPrimitives.MultiplyAdd(vc, g, vx, vx);         // v′_x += g·v_c
                    }
                    TensorPrimitives.Add(vc, error, vc);                     // v_c += e
                }
            }
        }
    }
}
