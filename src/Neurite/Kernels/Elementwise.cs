using System.Numerics;

namespace Neurite.Kernels;

/// <summary>
/// Drivers that apply an operator struct over strided layouts: one generic driver per arity.
/// Outputs are always contiguous. Dimensions are coalesced first, so contiguous inputs of any
/// shape take a single span call; broadcast inputs take span·scalar inner loops.
/// </summary>
internal static class Elementwise
{
    /// <summary>y = op(x), where <paramref name="y"/> is contiguous with x's shape.</summary>
    public static void Unary<TOp, T>(TOp op, ReadOnlySpan<T> x, Layout lx, Span<T> y)
        where TOp : struct, IUnaryOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length;
        if (n == 0) return;
        int rank = lx.Shape.Length;
        Span<int> shape = stackalloc int[rank], sx = stackalloc int[rank];
        rank = Layout.Coalesce(lx.Shape, lx.Strides, lx.Strides, shape, sx, sx);
        if (rank == 0)
        {
            y[0] = op.Invoke(x[lx.Offset]);
            return;
        }
        shape = shape[..rank];
        int r = rank - 1, inner = shape[r], ix = sx[r];
        Span<int> index = stackalloc int[r + 1];
        int ox = lx.Offset;
        for (int oy = 0; oy < n; oy += inner)
        {
            if (ix == 1) op.Invoke(x.Slice(ox, inner), y.Slice(oy, inner));
            else for (int i = 0; i < inner; i++) y[oy + i] = op.Invoke(x[ox + i * ix]);
            ox = Next(shape, sx, index, ox);
        }
    }

    /// <summary>d = op(a, b), where <paramref name="la"/> and <paramref name="lb"/> already have the output's
    /// shape (broadcast dimensions carry stride 0) and <paramref name="d"/> is contiguous.</summary>
    public static void Binary<TOp, T>(TOp op, ReadOnlySpan<T> a, Layout la, ReadOnlySpan<T> b, Layout lb, Span<T> d)
        where TOp : struct, IBinaryOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = d.Length;
        if (n == 0) return;
        int rank = la.Shape.Length;
        Span<int> shape = stackalloc int[rank], sa = stackalloc int[rank], sb = stackalloc int[rank];
        rank = Layout.Coalesce(la.Shape, la.Strides, lb.Strides, shape, sa, sb);
        if (rank == 0)
        {
            d[0] = op.Invoke(a[la.Offset], b[lb.Offset]);
            return;
        }
        shape = shape[..rank];
        int r = rank - 1, inner = shape[r], ia = sa[r], ib = sb[r];
        Span<int> ixA = stackalloc int[r + 1];
        Span<int> ixB = stackalloc int[r + 1];
        int oa = la.Offset, ob = lb.Offset;
        for (int od = 0; od < n; od += inner)
        {
            var dst = d.Slice(od, inner);
            if (ia == 1 && ib == 1) op.Invoke(a.Slice(oa, inner), b.Slice(ob, inner), dst);
            else if (ia == 1 && ib == 0) op.Invoke(a.Slice(oa, inner), b[ob], dst);
            else if (ia == 0 && ib == 1) op.Invoke(a[oa], b.Slice(ob, inner), dst);
            else for (int i = 0; i < inner; i++) dst[i] = op.Invoke(a[oa + i * ia], b[ob + i * ib]);
            oa = Next(shape, sa, ixA, oa);
            ob = Next(shape, sb, ixB, ob);
        }
    }

    /// <summary>Copies a strided layout into contiguous <paramref name="d"/>, in row-major order.</summary>
    public static void Copy<T>(ReadOnlySpan<T> x, Layout lx, Span<T> d) where T : unmanaged
    {
        int n = d.Length;
        if (n == 0) return;
        int rank = lx.Shape.Length;
        Span<int> shape = stackalloc int[rank], sx = stackalloc int[rank];
        rank = Layout.Coalesce(lx.Shape, lx.Strides, lx.Strides, shape, sx, sx);
        if (rank == 0)
        {
            d[0] = x[lx.Offset];
            return;
        }
        shape = shape[..rank];
        int r = rank - 1, inner = shape[r], ix = sx[r];
        Span<int> index = stackalloc int[r + 1];
        int ox = lx.Offset;
        for (int od = 0; od < n; od += inner)
        {
            if (ix == 1) x.Slice(ox, inner).CopyTo(d.Slice(od, inner));
            else if (ix == 0) d.Slice(od, inner).Fill(x[ox]);
            else for (int i = 0; i < inner; i++) d[od + i] = x[ox + i * ix];
            ox = Next(shape, sx, index, ox);
        }
    }

    /// <summary>Advances an odometer over all dimensions but the last and returns the new storage offset.</summary>
    static int Next(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, Span<int> index, int at)
    {
        for (int k = shape.Length - 2; k >= 0; k--)
        {
            if (++index[k] < shape[k]) return at + strides[k];
            at -= (shape[k] - 1) * strides[k];
            index[k] = 0;
        }
        return at;
    }
}

/// <summary>Copies between two strided layouts of the same shape.</summary>
internal static class StridedCopy
{
    public static void Copy<T>(ReadOnlySpan<T> x, Layout lx, Span<T> d, Layout ld) where T : unmanaged
    {
        int n = 1;
        foreach (int s in lx.Shape) n *= s;
        if (n == 0) return;
        int rank = lx.Shape.Length;
        Span<int> shape = stackalloc int[rank], sx = stackalloc int[rank], sd = stackalloc int[rank];
        rank = Layout.Coalesce(lx.Shape, lx.Strides, ld.Strides, shape, sx, sd);
        if (rank == 0)
        {
            d[ld.Offset] = x[lx.Offset];
            return;
        }
        int r = rank - 1, inner = shape[r], ix = sx[r], id = sd[r];
        Span<int> index = stackalloc int[r + 1];
        int ox = lx.Offset, od = ld.Offset;
        for (int done = 0; done < n; done += inner)
        {
            if (ix == 1 && id == 1) x.Slice(ox, inner).CopyTo(d.Slice(od, inner));
            else for (int i = 0; i < inner; i++) d[od + i * id] = x[ox + i * ix];
            // advance both odometers together
            for (int k = r - 1; k >= 0; k--)
            {
                if (++index[k] < shape[k]) { ox += sx[k]; od += sd[k]; break; }
                ox -= (shape[k] - 1) * sx[k];
                od -= (shape[k] - 1) * sd[k];
                index[k] = 0;
            }
        }
    }
}
