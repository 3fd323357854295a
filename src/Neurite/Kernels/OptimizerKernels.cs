using System.Numerics;

namespace Neurite.Kernels;

/// <summary>Stateless update kernels of the optimisers, vectorised over spans (the state lives in the optimiser).</summary>
internal static class OptimizerKernels
{
    /// <summary>
    /// One Adam step in place: m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − a·m/(√v·s + ε), where
    /// a = η/(1 − β₁ᵗ) and s = 1/√(1 − β₂ᵗ) fold in the bias correction. With <paramref name="l2"/> ≠ 0 the
    /// gradient first gets l2·w added (Adam's L2 form); <paramref name="decay"/> ≠ 1 multiplies w first (AdamW).
    /// </summary>
    public static void Adam<T>(Span<T> w, ReadOnlySpan<T> g, Span<T> m, Span<T> v, T beta1, T beta2, T a, T s, T eps, T l2, T decay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = w.Length, i = 0;
        if (g.Length != n || m.Length != n || v.Length != n) throw new ArgumentException("adam: span lengths differ");
        T c1 = T.One - beta1, c2 = T.One - beta2;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<T>.Count;
            var vb1 = new Vector<T>(beta1); var vb2 = new Vector<T>(beta2);
            var vc1 = new Vector<T>(c1); var vc2 = new Vector<T>(c2);
            var va = new Vector<T>(a); var vs = new Vector<T>(s); var veps = new Vector<T>(eps);
            var vl2 = new Vector<T>(l2); var vdecay = new Vector<T>(decay);
            for (; i <= n - width; i += width)
            {
                var wi = new Vector<T>(w.Slice(i, width)) * vdecay;
                var gi = new Vector<T>(g.Slice(i, width)) + vl2 * wi;
                var mi = vb1 * new Vector<T>(m.Slice(i, width)) + vc1 * gi;
                var vi = vb2 * new Vector<T>(v.Slice(i, width)) + vc2 * gi * gi;
                mi.CopyTo(m.Slice(i, width));
                vi.CopyTo(v.Slice(i, width));
                (wi - va * mi / (Vector.SquareRoot(vi) * vs + veps)).CopyTo(w.Slice(i, width));
            }
        }
        for (; i < n; i++)
        {
            T wi = w[i] * decay;
            T gi = g[i] + l2 * wi;
            m[i] = beta1 * m[i] + c1 * gi;
            v[i] = beta2 * v[i] + c2 * gi * gi;
            w[i] = wi - a * m[i] / (T.Sqrt(v[i]) * s + eps);
        }
    }

    /// <summary>
    /// One SGD step with momentum in place: g ← g + λw; b ← μb + g (b = g on the first step);
    /// w ← w − η·(g + μb) for Nesterov, else w ← w − η·b.
    /// </summary>
    public static void SgdMomentum<T>(Span<T> w, ReadOnlySpan<T> g, Span<T> b, T lr, T momentum, T weightDecay, bool first, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = w.Length, i = 0;
        if (g.Length != n || b.Length != n) throw new ArgumentException("sgd: span lengths differ");
        T keep = first ? T.Zero : momentum;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<T>.Count;
            var vlr = new Vector<T>(lr); var vmu = new Vector<T>(momentum); var vkeep = new Vector<T>(keep); var vwd = new Vector<T>(weightDecay);
            for (; i <= n - width; i += width)
            {
                var wi = new Vector<T>(w.Slice(i, width));
                var gi = new Vector<T>(g.Slice(i, width)) + vwd * wi;
                var bi = vkeep * new Vector<T>(b.Slice(i, width)) + gi;
                bi.CopyTo(b.Slice(i, width));
                (wi - vlr * (nesterov ? gi + vmu * bi : bi)).CopyTo(w.Slice(i, width));
            }
        }
        for (; i < n; i++)
        {
            T gi = g[i] + weightDecay * w[i];
            b[i] = keep * b[i] + gi;
            w[i] -= lr * (nesterov ? gi + momentum * b[i] : b[i]);
        }
    }

    /// <summary>Plain SGD in place: w ← w − η·(g + λw).</summary>
    public static void Sgd<T>(Span<T> w, ReadOnlySpan<T> g, T lr, T weightDecay) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = w.Length, i = 0;
        if (g.Length != n) throw new ArgumentException("sgd: span lengths differ");
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<T>.Count;
            var vlr = new Vector<T>(lr); var vwd = new Vector<T>(weightDecay);
            for (; i <= n - width; i += width)
            {
                var wi = new Vector<T>(w.Slice(i, width));
                (wi - vlr * (new Vector<T>(g.Slice(i, width)) + vwd * wi)).CopyTo(w.Slice(i, width));
            }
        }
        for (; i < n; i++) w[i] -= lr * (g[i] + weightDecay * w[i]);
    }
}
