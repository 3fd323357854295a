using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Neurite.Kernels;

/// <summary>
/// Batch normalisation over x[N, C, S] (S = H·W for images) per channel c, fused into one kernel per pass and
/// split over <see cref="Threads.Count"/> threads by channels. With mean μ and inverse deviation r = 1/√(σ² + ε):
/// <code>
/// forward    x̂ = (x − μ)·r,   y = γ·x̂ + β                       (one multiply-add per element)
/// backward   ∂β = Σ dy,   ∂γ = Σ dy·x̂
///            training (μ, σ² of the batch):  dx = γ·r·(dy − ∂β/M − x̂·∂γ/M),  M = N·S
///            evaluation (running μ, σ²):     dx = γ·r·dy
/// </code>
/// Statistics are accumulated in double; the variance is the biased one, two-pass (Σ(x − μ)²).
/// </summary>
internal static unsafe class BatchNorm
{
    /// <summary>Elements below which the kernel runs on the calling thread.</summary>
    const long ParallelElements = 1 << 16;

    enum Kind { Stats, Normalize, Backward }

    /// <summary>mean[c] and biased variance[c] of x[N, C, S] over N and S.</summary>
    public static void Stats<T>(T* x, int n, int c, int s, double* mean, double* variance) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new Job<T>(Kind.Stats, x, null, null, null, n, c, s, mean, variance, null, null, null, false));

    /// <summary>y = γ·(x − mean)·invStd + β per channel; γ and β may be null (1 and 0).</summary>
    public static void Normalize<T>(T* x, T* y, int n, int c, int s, double* mean, double* invStd, T* gamma, T* beta) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new Job<T>(Kind.Normalize, x, y, null, null, n, c, s, mean, invStd, gamma, beta, null, false));

    /// <summary>
    /// dx (overwritten, may be null), dγ[c] and dβ[c] (overwritten, as double) from dy and x; <paramref name="training"/>
    /// selects the batch-statistics formula (μ and σ² depend on x) or the running-statistics one.
    /// </summary>
    public static void Backward<T>(T* x, T* dy, T* dx, int n, int c, int s, double* mean, double* invStd, T* gamma, double* dGamma, double* dBeta, bool training) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new Job<T>(Kind.Backward, x, dx, dy, dGamma, n, c, s, mean, invStd, gamma, null, dBeta, training));

    static void Run<T>(Job<T> job) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int parts = (long)job.N * job.C * job.S >= ParallelElements ? Math.Min(Threads.Count, job.C) : 1;
        if (parts == 1) job.Channels(0, job.C);
        else Threads.For(parts, job with { Parts = parts }, static (part, j) =>
            j.Channels((int)((long)j.C * part / j.Parts), (int)((long)j.C * (part + 1) / j.Parts)));
    }

    readonly struct Job<T>(Kind kind, T* x, T* y, T* dy, double* dGamma, int n, int c, int s, double* mean, double* second, T* gamma, T* beta, double* dBeta, bool training)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly Kind Kind = kind;
        public readonly T* X = x, Y = y, DY = dy, Gamma = gamma, Beta = beta;   // Y is dx in backward
        public readonly double* Mean = mean, Second = second, DGamma = dGamma, DBeta = dBeta; // Second: variance (Stats) or 1/σ
        public readonly int N = n, C = c, S = s;
        public readonly bool Training = training;
        public int Parts { get; init; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Channels(int c0, int c1)
        {
            for (int ch = c0; ch < c1; ch++)
            {
                if (Kind == Kind.Stats) ChannelStats(ch);
                else if (Kind == Kind.Normalize) ChannelNormalize(ch);
                else ChannelBackward(ch);
            }
        }

        Span<T> Row(T* p, int i, int ch) => new(p + ((long)i * C + ch) * S, S);

        void ChannelStats(int ch)
        {
            double sum = 0;
            for (int i = 0; i < N; i++) sum += double.CreateTruncating(TensorPrimitives.Sum<T>(Row(X, i, ch)));
            double mean = sum / ((double)N * S);
            double squares = 0;
            for (int i = 0; i < N; i++) squares += SquaredDeviations(Row(X, i, ch), T.CreateTruncating(mean));
            Mean[ch] = mean;
            Second[ch] = squares / ((double)N * S);
        }

        void ChannelNormalize(int ch)
        {
            double scale = (Gamma == null ? 1 : double.CreateTruncating(Gamma[ch])) * Second[ch];
            double shift = (Beta == null ? 0 : double.CreateTruncating(Beta[ch])) - Mean[ch] * scale;
            T a = T.CreateTruncating(scale), b = T.CreateTruncating(shift);
            for (int i = 0; i < N; i++) Affine(Row(X, i, ch), a, b, Row(Y, i, ch));
        }

        void ChannelBackward(int ch)
        {
            double sdy = 0, sdyx = 0;
            for (int i = 0; i < N; i++)
            {
                var dy = Row(DY, i, ch);
                sdy += double.CreateTruncating(TensorPrimitives.Sum<T>(dy));
                sdyx += double.CreateTruncating(TensorPrimitives.Dot<T>(dy, Row(X, i, ch)));
            }
            double mean = Mean[ch], r = Second[ch], gamma = Gamma == null ? 1 : double.CreateTruncating(Gamma[ch]);
            double sdyxhat = r * (sdyx - mean * sdy);   // Σ dy·x̂ = r·(Σ dy·x − μ·Σ dy)
            if (DGamma != null) DGamma[ch] = sdyxhat;
            if (DBeta != null) DBeta[ch] = sdy;
            if (Y == null) return;
            double k = gamma * r, m = (double)N * S;
            // training: dx = k·(dy − sdy/M − (x − μ)·r·sdyxhat/M) = k·dy + k2·x + k3
            double k2 = Training ? -k * r * sdyxhat / m : 0;
            double k3 = Training ? -k * sdy / m + k * r * mean * sdyxhat / m : 0;
            T tk = T.CreateTruncating(k), tk2 = T.CreateTruncating(k2), tk3 = T.CreateTruncating(k3);
            for (int i = 0; i < N; i++)
            {
                var dx = Row(Y, i, ch);
                Affine(Row(X, i, ch), tk2, tk3, dx);
                TensorPrimitives.MultiplyAdd(Row(DY, i, ch), tk, dx, dx);
            }
        }

        /// <summary>y = a·x + b, vectorised (TensorPrimitives has no span·scalar + scalar form).</summary>
        static void Affine(ReadOnlySpan<T> x, T a, T b, Span<T> y)
        {
            Vector<T> va = new(a), vb = new(b);
            int i = 0;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(x.Slice(i)) * va + vb).CopyTo(y.Slice(i));
            for (; i < x.Length; i++) y[i] = x[i] * a + b;
        }

        /// <summary>Σ (x − m)², vectorised.</summary>
        static double SquaredDeviations(ReadOnlySpan<T> x, T m)
        {
            var vm = new Vector<T>(m);
            var acc = Vector<T>.Zero;
            int i = 0;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var d = new Vector<T>(x.Slice(i)) - vm;
                acc += d * d;
            }
            double sum = double.CreateTruncating(Vector.Sum(acc));
            for (; i < x.Length; i++) { double d = double.CreateTruncating(x[i] - m); sum += d * d; }
            return sum;
        }
    }
}
