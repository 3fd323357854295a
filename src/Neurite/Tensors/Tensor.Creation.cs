namespace Neurite;

public sealed partial class Tensor
{
    // Large arrays come from StoragePool when it holds one of the right length (recycled gradients).
    static Array Allocate(DType dtype, int n)
    {
        var pooled = StoragePool.Take(dtype, n);
        if (pooled is not null) Array.Clear(pooled);
        else AllocationBudget.Charge(dtype, n);
        var array = pooled ?? dtype switch
        {
            DType.Float32 => new float[n],
            DType.Float64 => new double[n],
            _ => new long[n],
        };
        StoragePool.Allocated(array);
        return array;
    }

    // Outputs that a kernel overwrites completely skip the zeroing (large activations, every step).
    static Array AllocateUninitialized(DType dtype, int n)
    {
        var array = StoragePool.Take(dtype, n) ?? Charged(dtype, n) switch
        {
            DType.Float32 => GC.AllocateUninitializedArray<float>(n),
            DType.Float64 => GC.AllocateUninitializedArray<double>(n),
            _ => GC.AllocateUninitializedArray<long>(n),
        };
        StoragePool.Allocated(array);
        return array;
    }

    static DType Charged(DType dtype, int n)
    {
        AllocationBudget.Charge(dtype, n);
        return dtype;
    }

    static int[] CheckShape(string op, int[] shape)
    {
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"{op}: negative dimension in shape {Neurite.Shape.Format(shape)}");
        return (int[])shape.Clone();
    }

    /// <summary>A new zero-filled contiguous tensor that shares the given shape array (internal: the caller guarantees it is never mutated).</summary>
    internal static Tensor Empty(int[] shape, DType dtype) => new(Allocate(dtype, Neurite.Shape.NumEl(shape)), dtype, shape);

    /// <summary>A new contiguous tensor whose contents are garbage: only for outputs a kernel overwrites entirely.</summary>
    internal static Tensor Uninitialized(int[] shape, DType dtype) => new(AllocateUninitialized(dtype, Neurite.Shape.NumEl(shape)), dtype, shape);

    internal static Tensor Empty(int[] shape, int[] strides, DType dtype) => new(Allocate(dtype, Neurite.Shape.NumEl(shape)), dtype, shape, strides, 0);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(shape, DType.Float32);

    /// <summary>A contiguous tensor of zeros of the given shape and dtype (<c>torch.zeros</c>).</summary>
    /// <exception cref="ArgumentException">A negative dimension.</exception>
    public static Tensor Zeros(int[] shape, DType dtype) => Empty(CheckShape("zeros", shape), dtype);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1.0, DType.Float32);

    /// <summary>A contiguous tensor of ones of the given shape and dtype (<c>torch.ones</c>).</summary>
    /// <exception cref="ArgumentException">A negative dimension.</exception>
    public static Tensor Ones(int[] shape, DType dtype) => Full(shape, 1.0, dtype);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32)
    {
        var t = Empty(CheckShape("full", shape), dtype);
        t.FillRaw(value);
        return t;
    }

    /// <summary>Zeros of <paramref name="t"/>'s shape and dtype, contiguous and without gradient (<c>torch.zeros_like</c>).</summary>
    public static Tensor ZerosLike(Tensor t) => Empty(t.shape, t.DType);

    /// <summary>Ones of <paramref name="t"/>'s shape and dtype, contiguous and without gradient (<c>torch.ones_like</c>).</summary>
    public static Tensor OnesLike(Tensor t) => Full(t.shape, 1.0, t.DType);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32)
    {
        var t = Empty(Neurite.Shape.Scalar, dtype);
        t.FillRaw(value);
        return t;
    }

    /// <summary>Values start, start+step, … below end (like <c>torch.arange</c>).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0 || double.IsNaN(step)) throw new ArgumentException("arange: step must be non-zero");
        long n = (long)Math.Ceiling((end - start) / step);
        if (n < 0) n = 0;
        if (n > int.MaxValue) throw new ArgumentException($"arange: {n} elements is too many");
        var t = Empty([(int)n], dtype);
        for (int i = 0; i < n; i++) t.SetFlat(i, start + i * step);
        return t;
    }

    /// <summary>0, 1, … below <paramref name="end"/> (<c>torch.arange(end)</c>): <c>Arange(4)</c> is [0, 1, 2, 3].</summary>
    public static Tensor Arange(double end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        if (steps < 0) throw new ArgumentException($"linspace: steps must be non-negative, got {steps}");
        var t = Empty([steps], dtype);
        for (int i = 0; i < steps; i++)
            t.SetFlat(i, steps == 1 ? start : start + (end - start) * i / (steps - 1));
        return t;
    }

    /// <summary>An n×m matrix with ones on the diagonal.</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var t = Zeros([n, cols], dtype);
        for (int i = 0; i < Math.Min(n, cols); i++) t.SetFlat(i * cols + i, 1);
        return t;
    }

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(int[] shape, Generator? generator = null, DType dtype = DType.Float32) => Uniform(shape, 0, 1, generator, dtype);

    /// <summary>Float32 uniform samples in [0, 1) from <see cref="Generator.Default"/> (<c>torch.rand</c>).</summary>
    public static Tensor Rand(params int[] shape) => Uniform(shape, 0, 1);

    /// <summary>Uniform samples in [low, high).</summary>
    public static Tensor Uniform(int[] shape, double low, double high, Generator? generator = null, DType dtype = DType.Float32)
    {
        var g = generator ?? Generator.Default;
        var t = Empty(CheckShape("uniform", shape), dtype);
        if (dtype == DType.Float32)
        {
            var s = t.Span<float>();
            float lo = (float)low, width = (float)(high - low);
            for (int i = 0; i < s.Length; i++) s[i] = lo + width * g.NextFloat();
        }
        else
        {
            for (int i = 0; i < t.numel; i++) t.SetFlat(i, low + (high - low) * g.NextDouble());
        }
        return t;
    }

    /// <summary>Standard normal samples.</summary>
    public static Tensor Randn(int[] shape, Generator? generator = null, DType dtype = DType.Float32) => Normal(shape, 0, 1, generator, dtype);

    /// <summary>Float32 standard normal samples from <see cref="Generator.Default"/> (<c>torch.randn</c>).</summary>
    public static Tensor Randn(params int[] shape) => Normal(shape, 0, 1);

    /// <summary>Normal samples with the given mean and standard deviation.</summary>
    public static Tensor Normal(int[] shape, double mean, double std, Generator? generator = null, DType dtype = DType.Float32)
    {
        var g = generator ?? Generator.Default;
        var t = Empty(CheckShape("normal", shape), dtype);
        for (int i = 0; i < t.numel; i++) t.SetFlat(i, mean + std * g.NextNormal());
        return t;
    }

    /// <summary>Random integers in [low, high) as an <see cref="DType.Int64"/> tensor.</summary>
    public static Tensor RandInt(int low, int high, int[] shape, Generator? generator = null)
    {
        if (high <= low) throw new ArgumentException($"randint: high ({high}) must be greater than low ({low})");
        var g = generator ?? Generator.Default;
        var t = Empty(CheckShape("randint", shape), DType.Int64);
        var s = t.Span<long>();
        for (int i = 0; i < s.Length; i++) s[i] = low + g.NextInt(high - low);
        return t;
    }

    // ---- from C# arrays -------------------------------------------------------------------------

    /// <summary>A tensor over a copy of <paramref name="values"/>, with the given shape (default: 1-D).</summary>
    public static Tensor FromArray(float[] values, params int[] shape) => FromData((float[])values.Clone(), DType.Float32, shape);

    /// <summary>A <see cref="DType.Float64"/> tensor over a copy of <paramref name="values"/>, with the given shape (default: 1-D).</summary>
    /// <exception cref="ShapeException">The shape does not hold exactly <c>values.Length</c> elements.</exception>
    public static Tensor FromArray(double[] values, params int[] shape) => FromData((double[])values.Clone(), DType.Float64, shape);

    /// <summary>An <see cref="DType.Int64"/> tensor over a copy of <paramref name="values"/>, with the given shape (default: 1-D).</summary>
    /// <exception cref="ShapeException">The shape does not hold exactly <c>values.Length</c> elements.</exception>
    public static Tensor FromArray(long[] values, params int[] shape) => FromData((long[])values.Clone(), DType.Int64, shape);

    /// <summary>An <see cref="DType.Int64"/> tensor of <paramref name="values"/> widened to long (class labels, indices), with the given shape (default: 1-D).</summary>
    /// <exception cref="ShapeException">The shape does not hold exactly <c>values.Length</c> elements.</exception>
    public static Tensor FromArray(int[] values, params int[] shape) => FromData(Array.ConvertAll(values, v => (long)v), DType.Int64, shape);

    /// <summary>A matrix from a C# 2-D array.</summary>
    public static Tensor FromArray(float[,] values)
    {
        var flat = new float[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(float));
        return new Tensor(flat, DType.Float32, [values.GetLength(0), values.GetLength(1)]);
    }

    /// <summary>A <see cref="DType.Float64"/> matrix [rows, columns] from a copy of a C# 2-D array.</summary>
    public static Tensor FromArray(double[,] values)
    {
        var flat = new double[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(double));
        return new Tensor(flat, DType.Float64, [values.GetLength(0), values.GetLength(1)]);
    }

    /// <summary>Shorthand for a float32 vector: <c>Tensor.Of(1, 2, 3)</c>.</summary>
    public static Tensor Of(params float[] values) => FromArray(values);

    static Tensor FromData(Array data, DType dtype, int[] shape)
    {
        int[] s = shape.Length == 0 ? [data.Length] : CheckShape("from_array", shape);
        int n = Neurite.Shape.NumEl(s);
        if (n != data.Length)
            throw new ShapeException($"from_array: {data.Length} values cannot fill shape {Neurite.Shape.Format(s)} ({n} elements)");
        return new Tensor(data, dtype, s);
    }

    /// <summary>Wraps <paramref name="values"/> without copying; the tensor and the array share memory.</summary>
    public static Tensor Wrap(float[] values, params int[] shape) => FromData(values, DType.Float32, shape);

    // ---- raw helpers ----------------------------------------------------------------------------

    void FillRaw(double value)
    {
        switch (DType)
        {
            case DType.Float32: Span<float>().Fill((float)value); break;
            case DType.Float64: Span<double>().Fill(value); break;
            default: Span<long>().Fill((long)value); break;
        }
    }

    void SetFlat(int i, double value)
    {
        switch (DType)
        {
            case DType.Float32: Storage<float>()[offset + i] = (float)value; break;
            case DType.Float64: Storage<double>()[offset + i] = value; break;
            default: Storage<long>()[offset + i] = (long)value; break;
        }
    }
}
