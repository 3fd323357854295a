using Neurite.Kernels;

namespace Neurite;

// The bridge from tensors to kernels: checks dtypes, allocates the output, picks float or double,
// and takes the contiguous fast path before the strided driver.
public sealed partial class Tensor
{
    internal Layout Layout => new(shape, strides, offset);

    internal static void RequireFloat(string op, Tensor t)
    {
        if (!t.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point tensor, got {t.DType.Name()} of shape {Neurite.Shape.Format(t.shape)}");
    }

    internal static void RequireSameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException($"{op}: dtype mismatch, {a.DType.Name()} {Neurite.Shape.Format(a.shape)} and {b.DType.Name()} {Neurite.Shape.Format(b.shape)}");
        RequireFloat(op, a);
    }

    /// <summary>y = op(x) elementwise, without recording.</summary>
    internal static Tensor Map<TOp>(TOp op, Tensor x) where TOp : struct, IUnaryOp
    {
        var y = Uninitialized(x.shape, x.DType);
        if (y.numel == 0) return y; // TensorPrimitives rejects empty spans in some functions (Sigmoid)
        if (x.DType == DType.Float32)
        {
            if (x.contiguous) MapFlat<TOp, float>(op, x, y);
            else Elementwise.Unary<TOp, float>(op, x.Storage<float>(), x.Layout, y.Span<float>());
        }
        else
        {
            if (x.contiguous) MapFlat<TOp, double>(op, x, y);
            else Elementwise.Unary<TOp, double>(op, x.Storage<double>(), x.Layout, y.Span<double>());
        }
        return y;
    }

    /// <summary>y = op(x) over contiguous x, split across threads when large (see <see cref="Chunks"/>).</summary>
    static void MapFlat<TOp, T>(TOp op, Tensor x, Tensor y) where TOp : struct, IUnaryOp where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int parts = Chunks.Parts(x.numel);
        if (parts == 1) op.Invoke<T>(x.Span<T>(), y.Span<T>());
        else MapSplit<TOp, T>(op, x, y, parts);
    }

    // The split paths live in their own methods: a lambda's captured parameters would otherwise make
    // every call of the caller allocate a closure, small tensors included.
    static void MapSplit<TOp, T>(TOp op, Tensor x, Tensor y, int parts) where TOp : struct, IUnaryOp where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Chunks.For(x.numel, parts, (s, len) => op.Invoke<T>(x.Span<T>().Slice(s, len), y.Span<T>().Slice(s, len)));

    static void ZipSplit<TOp, T>(TOp op, Tensor a, Tensor b, Tensor d, int parts) where TOp : struct, IBinaryOp where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Chunks.For(d.numel, parts, (s, len) => op.Invoke(a.Span<T>().Slice(s, len), b.Span<T>().Slice(s, len), d.Span<T>().Slice(s, len)));

    /// <summary>d = op(a, b) elementwise with broadcasting, without recording.</summary>
    internal static Tensor Zip<TOp>(TOp op, Tensor a, Tensor b, string name) where TOp : struct, IBinaryOp
    {
        RequireSameDType(name, a, b);
        int[] outShape = Neurite.Shape.Broadcast(name, a.shape, b.shape);
        var d = Uninitialized(outShape, a.DType);
        if (d.numel == 0) return d;
        if (a.DType == DType.Float32) Zip<TOp, float>(op, a, b, d);
        else Zip<TOp, double>(op, a, b, d);
        return d;
    }

    static void Zip<TOp, T>(TOp op, Tensor a, Tensor b, Tensor d) where TOp : struct, IBinaryOp where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var dst = d.Span<T>();
        bool sameA = a.numel == d.numel, sameB = b.numel == d.numel;
        if (a.contiguous && b.contiguous && sameA && sameB)
        {
            int parts = Chunks.Parts(d.numel);
            if (parts == 1) op.Invoke(a.Span<T>(), b.Span<T>(), dst);
            else ZipSplit<TOp, T>(op, a, b, d, parts);
        }
        else if (a.contiguous && sameA && b.numel == 1)
            op.Invoke(a.Span<T>(), b.Storage<T>()[b.offset], dst);
        else if (b.contiguous && sameB && a.numel == 1)
            op.Invoke(a.Storage<T>()[a.offset], b.Span<T>(), dst);
        else if (a.contiguous && sameA && b.contiguous && IsTrailingRow(b, d))
        {
            // b repeats along the leading dimensions (a bias row): one span·span call per row, no strided driver
            var row = b.Span<T>();
            var src = a.Span<T>();
            for (int at = 0; at < dst.Length; at += row.Length) op.Invoke(src.Slice(at, row.Length), row, dst.Slice(at, row.Length));
        }
        else
            Elementwise.Binary(op,
                a.Storage<T>(), new Layout(d.shape, Neurite.Shape.BroadcastStrides(a.shape, a.strides, d.shape), a.offset),
                b.Storage<T>(), new Layout(d.shape, Neurite.Shape.BroadcastStrides(b.shape, b.strides, d.shape), b.offset),
                dst);
    }

    /// <summary>True when <paramref name="b"/>'s shape, without leading 1s, is the trailing part of <paramref name="d"/>'s.</summary>
    static bool IsTrailingRow(Tensor b, Tensor d)
    {
        if (b.numel == 0 || d.numel % b.numel != 0) return false;
        int lead = 0;
        while (lead < b.shape.Length && b.shape[lead] == 1) lead++;
        int k = b.shape.Length - lead;
        if (k > d.shape.Length) return false;
        for (int i = 0; i < k; i++)
            if (b.shape[lead + i] != d.shape[d.shape.Length - k + i]) return false;
        return true;
    }

    /// <summary>This tensor's elements in a new contiguous tensor (or this tensor if already contiguous).</summary>
    public Tensor Contiguous() => contiguous ? this : Clone();

    /// <summary>A contiguous copy, recorded by autograd (the gradient passes through unchanged).</summary>
    public Tensor Clone()
    {
        // A contiguous tensor shares its stride array with the copy and copies as one block.
        var y = contiguous ? Empty(shape, strides, DType) : Empty(shape, DType);
        if (contiguous) Array.Copy(data, offset, y.data, 0, numel);
        else switch (DType)
        {
            case DType.Float32: Elementwise.Copy(Storage<float>(), Layout, y.Span<float>()); break;
            case DType.Float64: Elementwise.Copy(Storage<double>(), Layout, y.Span<double>()); break;
            default: Elementwise.Copy(Storage<long>(), Layout, y.Span<long>()); break;
        }
        if (Autograd.Tracks(this))
            Autograd.Record(y, "clone", this, static (n, g) => Node.Flow(n.A!, g));
        return y;
    }

    /// <summary>A copy converted to <paramref name="dtype"/> (float32, float64, int64 by truncation).
    /// Between floating types the gradient flows back, converted.</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var src = Contiguous();
        var y = Empty(shape, dtype);
        int n = numel;
        switch (DType, dtype)
        {
            case (DType.Float32, DType.Float64): { var s = src.Span<float>(); var d = y.Span<double>(); for (int i = 0; i < n; i++) d[i] = s[i]; break; }
            case (DType.Float64, DType.Float32): { var s = src.Span<double>(); var d = y.Span<float>(); for (int i = 0; i < n; i++) d[i] = (float)s[i]; break; }
            case (DType.Float32, DType.Int64): { var s = src.Span<float>(); var d = y.Span<long>(); for (int i = 0; i < n; i++) d[i] = (long)s[i]; break; }
            case (DType.Float64, DType.Int64): { var s = src.Span<double>(); var d = y.Span<long>(); for (int i = 0; i < n; i++) d[i] = (long)s[i]; break; }
            case (DType.Int64, DType.Float32): { var s = src.Span<long>(); var d = y.Span<float>(); for (int i = 0; i < n; i++) d[i] = s[i]; break; }
            default: { var s = src.Span<long>(); var d = y.Span<double>(); for (int i = 0; i < n; i++) d[i] = s[i]; break; }
        }
        if (dtype.IsFloatingPoint() && Autograd.Tracks(this))
            Autograd.Record(y, "to", this, static (n, g) => Node.Flow(n.A!, g.To(n.A!.DType)));
        return y;
    }

    /// <summary>this += other (broadcast to this tensor's shape), in place and unrecorded: for
    /// gradient accumulation and optimisers. This tensor must be contiguous.</summary>
    internal void AddInPlace(Tensor other)
    {
        if (!contiguous) throw new InvalidOperationException("internal: AddInPlace on a non-contiguous tensor");
        var sum = other.contiguous && other.numel == numel && other.DType == DType ? other : Zip(new Kernels.Operators.AddOp(), Zeros(shape, DType), other, "add_");
        if (DType == DType.Float32) System.Numerics.Tensors.TensorPrimitives.Add(Span<float>(), sum.Span<float>(), Span<float>());
        else System.Numerics.Tensors.TensorPrimitives.Add(Span<double>(), sum.Span<double>(), Span<double>());
    }

    /// <summary>Copies <paramref name="source"/>'s values into this tensor in place, without recording
    /// (like <c>tensor.copy_()</c> under no_grad). Shapes must match; dtypes are converted.</summary>
    public void CopyFrom(Tensor source)
    {
        if (!Neurite.Shape.Equal(shape, source.shape))
            throw new ShapeException($"copy_: cannot copy a tensor of shape {Neurite.Shape.Format(source.shape)} into one of shape {Neurite.Shape.Format(shape)}");
        var src = source.To(DType).Contiguous();
        if (contiguous)
        {
            switch (DType)
            {
                case DType.Float32: src.Span<float>().CopyTo(Span<float>()); break;
                case DType.Float64: src.Span<double>().CopyTo(Span<double>()); break;
                default: src.Span<long>().CopyTo(Span<long>()); break;
            }
            return;
        }
        CopyFromUnrecorded(src);
    }
}
