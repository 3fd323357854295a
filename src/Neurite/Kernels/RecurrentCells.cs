using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Neurite.Kernels;

/// <summary>
/// The fused element-wise part of one recurrent step, one batch row at a time (a row of gates is a few KB and
/// stays in L1 across the passes): the gate non-linearities, the cell update and the output, and their
/// backward. Gate layouts are PyTorch's: LSTM [i | f | g | o], GRU [r | z | n], each <c>h</c> wide.
/// </summary>
/// <remarks>
/// Forward overwrites the gate pre-activations with the activated gates, which is what backward needs. Backward
/// writes the gradient of the gate pre-activations: <c>dx</c> for the input projection (and the input-side
/// biases) and <c>dhp</c> for the recurrent projection; they are the same row except in the GRU, whose new-gate
/// recurrent term is scaled by r.
/// </remarks>
internal static class RecurrentCells
{
    // ---- LSTM: i, f, o = σ(·), g = tanh(·); c' = f·c + i·g; h' = o·tanh(c') --------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LstmForward<T>(Span<T> gates, ReadOnlySpan<T> c, Span<T> cNew, Span<T> hNew, int h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Sigmoid<T>(gates[..(2 * h)], gates[..(2 * h)]);
        TensorPrimitives.Tanh<T>(gates.Slice(2 * h, h), gates.Slice(2 * h, h));
        TensorPrimitives.Sigmoid<T>(gates.Slice(3 * h, h), gates.Slice(3 * h, h));
        ReadOnlySpan<T> i = gates[..h], f = gates.Slice(h, h), g = gates.Slice(2 * h, h), o = gates.Slice(3 * h, h);
        int k = 0;
        if (Vector.IsHardwareAccelerated)
            for (; k <= h - Vector<T>.Count; k += Vector<T>.Count)
                (Vec(f, k) * Vec(c, k) + Vec(i, k) * Vec(g, k)).CopyTo(cNew[k..]);
        for (; k < h; k++) cNew[k] = f[k] * c[k] + i[k] * g[k];
        TensorPrimitives.Tanh<T>(cNew, hNew);
        TensorPrimitives.Multiply<T>(hNew, o, hNew);
    }

    /// <summary>
    /// Backward of <see cref="LstmForward{T}"/> for one row: <paramref name="dh"/> and <paramref name="dc"/> hold
    /// ∂L/∂h' and ∂L/∂c' and are replaced by ∂L/∂c (dc) — dh is left for the caller, who adds the recurrent GEMM
    /// into a fresh row. <paramref name="tanhC"/> is scratch of h elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LstmBackward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> c, ReadOnlySpan<T> cNew, ReadOnlySpan<T> dh, Span<T> dc,
        Span<T> dGates, Span<T> tanhC, int h) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Tanh<T>(cNew, tanhC);
        ReadOnlySpan<T> i = gates[..h], f = gates.Slice(h, h), g = gates.Slice(2 * h, h), o = gates.Slice(3 * h, h);
        Span<T> di = dGates[..h], df = dGates.Slice(h, h), dg = dGates.Slice(2 * h, h), dO = dGates.Slice(3 * h, h);
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<T>.One;
            for (; k <= h - Vector<T>.Count; k += Vector<T>.Count)
            {
                var vdh = Vec(dh, k);
                var tc = Vec(tanhC, k);
                var vo = Vec(o, k);
                var vdc = Vec(dc, k) + vdh * vo * (one - tc * tc);
                var vi = Vec(i, k);
                var vf = Vec(f, k);
                var vg = Vec(g, k);
                (vdc * vg * vi * (one - vi)).CopyTo(di[k..]);
                (vdc * Vec(c, k) * vf * (one - vf)).CopyTo(df[k..]);
                (vdc * vi * (one - vg * vg)).CopyTo(dg[k..]);
                (vdh * tc * vo * (one - vo)).CopyTo(dO[k..]);
                (vdc * vf).CopyTo(dc[k..]);
            }
        }
        for (; k < h; k++)
        {
            T tc = tanhC[k], dck = dc[k] + dh[k] * o[k] * (T.One - tc * tc);
            di[k] = dck * g[k] * i[k] * (T.One - i[k]);
            df[k] = dck * c[k] * f[k] * (T.One - f[k]);
            dg[k] = dck * i[k] * (T.One - g[k] * g[k]);
            dO[k] = dh[k] * tc * o[k] * (T.One - o[k]);
            dc[k] = dck * f[k];
        }
    }

    // ---- GRU: r, z = σ(x_rz + h_rz); n = tanh(x_n + r·h_n); h' = (1 − z)·n + z·h ---------------------------------

    /// <summary>One GRU row: <paramref name="gates"/> holds the input projection x·Wᵢₕᵀ + bᵢₕ [r|z|n] and becomes the
    /// activated gates; <paramref name="hp"/> is h·Wₕₕᵀ + bₕₕ; its n part is kept in <paramref name="hn"/> for backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GruForward<T>(Span<T> gates, ReadOnlySpan<T> hp, ReadOnlySpan<T> hPrev, Span<T> hn, Span<T> hNew, int h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rz = gates[..(2 * h)];
        TensorPrimitives.Add<T>(rz, hp[..(2 * h)], rz);
        TensorPrimitives.Sigmoid<T>(rz, rz);
        hp.Slice(2 * h, h).CopyTo(hn);
        Span<T> n = gates.Slice(2 * h, h);
        ReadOnlySpan<T> r = gates[..h];
        TensorPrimitives.FusedMultiplyAdd<T>(r, hn, n, n);
        TensorPrimitives.Tanh<T>(n, n);
        ReadOnlySpan<T> z = gates.Slice(h, h);
        int k = 0;
        if (Vector.IsHardwareAccelerated)
            for (; k <= h - Vector<T>.Count; k += Vector<T>.Count)
            {
                var vn = Vec(n, k);
                (vn + Vec(z, k) * (Vec(hPrev, k) - vn)).CopyTo(hNew[k..]);
            }
        for (; k < h; k++) hNew[k] = n[k] + z[k] * (hPrev[k] - n[k]);
    }

    /// <summary>Backward of one GRU row: from ∂L/∂h' (<paramref name="dh"/>) the gradients of the input-side
    /// pre-activations (<paramref name="dx"/>), of the recurrent-side ones (<paramref name="dhp"/>), and the direct
    /// part z·∂L/∂h' of ∂L/∂h (<paramref name="dhPrev"/>, overwritten).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GruBackward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> hn, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dh,
        Span<T> dx, Span<T> dhp, Span<T> dhPrev, int h) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> r = gates[..h], z = gates.Slice(h, h), n = gates.Slice(2 * h, h);
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<T>.One;
            for (; k <= h - Vector<T>.Count; k += Vector<T>.Count)
            {
                var vdh = Vec(dh, k);
                var vz = Vec(z, k);
                var vn = Vec(n, k);
                var vr = Vec(r, k);
                var vhn = Vec(hn, k);
                var dan = vdh * (one - vz) * (one - vn * vn);
                var dar = dan * vhn * vr * (one - vr);
                var daz = vdh * (Vec(hPrev, k) - vn) * vz * (one - vz);
                dar.CopyTo(dx[k..]);
                daz.CopyTo(dx[(h + k)..]);
                dan.CopyTo(dx[(2 * h + k)..]);
                dar.CopyTo(dhp[k..]);
                daz.CopyTo(dhp[(h + k)..]);
                (dan * vr).CopyTo(dhp[(2 * h + k)..]);
                (vdh * vz).CopyTo(dhPrev[k..]);
            }
        }
        for (; k < h; k++)
        {
            T dan = dh[k] * (T.One - z[k]) * (T.One - n[k] * n[k]);
            T dar = dan * hn[k] * r[k] * (T.One - r[k]);
            T daz = dh[k] * (hPrev[k] - n[k]) * z[k] * (T.One - z[k]);
            dx[k] = dar; dx[h + k] = daz; dx[2 * h + k] = dan;
            dhp[k] = dar; dhp[h + k] = daz; dhp[2 * h + k] = dan * r[k];
            dhPrev[k] = dh[k] * z[k];
        }
    }

    // ---- Elman RNN: h' = tanh(a) or relu(a), a = x·Wᵢₕᵀ + h·Wₕₕᵀ + b ---------------------------------------------

    public static void RnnForward<T>(ReadOnlySpan<T> a, Span<T> hNew, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (relu) TensorPrimitives.Max<T>(a, T.Zero, hNew);
        else TensorPrimitives.Tanh<T>(a, hNew);
    }

    /// <summary>∂L/∂a from ∂L/∂h' and the output h': (1 − h'²)·dh for tanh, [h' &gt; 0]·dh for ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RnnBackward<T>(ReadOnlySpan<T> hNew, ReadOnlySpan<T> dh, Span<T> da, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0, h = hNew.Length;
        if (Vector.IsHardwareAccelerated)
            for (; k <= h - Vector<T>.Count; k += Vector<T>.Count)
            {
                var y = Vec(hNew, k);
                var d = relu ? Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<T>.Zero), Vec(dh, k), Vector<T>.Zero) : Vec(dh, k) * (Vector<T>.One - y * y);
                d.CopyTo(da[k..]);
            }
        for (; k < h; k++) da[k] = relu ? (hNew[k] > T.Zero ? dh[k] : T.Zero) : dh[k] * (T.One - hNew[k] * hNew[k]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<T> Vec<T>(ReadOnlySpan<T> s, int k) where T : unmanaged => new(s[k..]);
}
