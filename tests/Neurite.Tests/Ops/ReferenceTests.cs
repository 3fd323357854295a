using static Neurite.Tests.Check;

namespace Neurite.Tests.Ops;

// Elementwise and reduction drivers against a plain loop over the element indexer, for random
// shapes with broadcast dimensions and random layouts (transposed, sliced, expanded).
public class ReferenceTests
{
    // one per test (xunit makes a new instance for each), so every test sees the same numbers in any order
    readonly Generator Rng = new(2024);

    int[] RandomShape(int rank)
    {
        var s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = 1 + Rng.NextInt(4);
        return s;
    }

    /// <summary>A tensor of <paramref name="shape"/> with a random layout: contiguous, a transposed copy
    /// viewed back, a strided slice, or an expanded size-1 dimension.</summary>
    Tensor RandomLayout(int[] shape, DType dtype)
    {
        int kind = shape.Length == 0 ? 0 : Rng.NextInt(4);
        switch (kind)
        {
            case 1 when shape.Length >= 2:
            {
                int[] swapped = [.. shape];
                (swapped[0], swapped[^1]) = (swapped[^1], swapped[0]);
                return Tensor.Randn(swapped, Rng, dtype).Transpose(0, -1);
            }
            case 2:
            {
                int[] wide = [.. shape];
                wide[^1] = shape[^1] * 2 + 1;
                return Tensor.Randn(wide, Rng, dtype).Slice(-1, 1, wide[^1], 2);
            }
            case 3:
            {
                int[] one = [.. shape];
                one[0] = 1;
                return Tensor.Randn(one, Rng, dtype).Expand(shape);
            }
            default:
                return Tensor.Randn(shape, Rng, dtype);
        }
    }

    static IEnumerable<int[]> Indices(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        var index = new int[shape.Length];
        for (int e = 0; e < n; e++)
        {
            yield return (int[])index.Clone();
            for (int k = shape.Length - 1; k >= 0 && ++index[k] == shape[k]; k--) index[k] = 0;
        }
    }

    static double At(Tensor t, int[] outIndex)
    {
        // the broadcast element: trailing alignment, size-1 dimensions read index 0
        int lead = outIndex.Length - t.Rank;
        var idx = new int[t.Rank];
        for (int i = 0; i < t.Rank; i++) idx[i] = t.Shape[i] == 1 ? 0 : outIndex[lead + i];
        return t[idx];
    }

    [Theory, InlineData(DType.Float32), InlineData(DType.Float64)]
    public void BinaryOpsMatchScalarLoop(DType dtype)
    {
        var ops = new (Func<Tensor, Tensor, Tensor> f, Func<double, double, double> r)[]
        {
            ((a, b) => a.Add(b), (x, y) => x + y),
            ((a, b) => a.Sub(b), (x, y) => x - y),
            ((a, b) => a.Mul(b), (x, y) => x * y),
            ((a, b) => a.Div(b), (x, y) => x / y),
            ((a, b) => a.Maximum(b), Math.Max),
        };
        for (int trial = 0; trial < 60; trial++)
        {
            var shape = RandomShape(Rng.NextInt(4));
            // b: a suffix of the shape with some dimensions set to 1
            int[] bShape = shape[Rng.NextInt(shape.Length + 1)..];
            for (int i = 0; i < bShape.Length; i++) if (Rng.NextInt(3) == 0) bShape[i] = 1;
            var a = RandomLayout(shape, dtype);
            var b = RandomLayout(bShape, dtype);
            if (Rng.NextInt(2) == 0) (a, b) = (b, a);
            foreach (var (f, r) in ops)
            {
                var y = f(a, b);
                var expected = Indices(y.Shape.ToArray()).Select(ix => r(At(a, ix), At(b, ix))).ToArray();
                if (dtype == DType.Float32) expected = expected.Select(v => (double)(float)v).ToArray();
                Close(expected, y, dtype == DType.Float32 ? 1e-5 : 1e-12);
            }
        }
    }

    [Theory, InlineData(DType.Float32), InlineData(DType.Float64)]
    public void UnaryOpsMatchScalarLoop(DType dtype)
    {
        for (int trial = 0; trial < 30; trial++)
        {
            var x = RandomLayout(RandomShape(Rng.NextInt(4)), dtype);
            var ix = Indices(x.Shape.ToArray()).ToList();
            Close(ix.Select(i => Math.Tanh(x[i])).ToArray(), x.Tanh(), 1e-6);
            Close(ix.Select(i => Math.Max(x[i], 0)).ToArray(), x.Relu(), 1e-6);
            Close(ix.Select(i => 1 / (1 + Math.Exp(-x[i]))).ToArray(), x.Sigmoid(), 1e-6);
            Close(ix.Select(i => Math.Exp(x[i])).ToArray(), x.Exp(), 1e-5);
        }
    }

    [Theory, InlineData(DType.Float32), InlineData(DType.Float64)]
    public void ReductionsMatchScalarLoop(DType dtype)
    {
        for (int trial = 0; trial < 40; trial++)
        {
            var shape = RandomShape(1 + Rng.NextInt(3));
            var x = RandomLayout(shape, dtype);
            var axes = Enumerable.Range(0, shape.Length).Where(_ => Rng.NextInt(2) == 0).ToArray();
            if (axes.Length == 0) axes = [shape.Length - 1];
            var keptShape = shape.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray();
            var sums = new double[keptShape.Aggregate(1, (p, d) => p * d)];
            var maxs = Enumerable.Repeat(double.NegativeInfinity, sums.Length).ToArray();
            var keptStrides = new int[shape.Length];
            for (int i = shape.Length - 1, s = 1; i >= 0; s *= keptShape[i], i--) keptStrides[i] = s;
            foreach (var ix in Indices(shape))
            {
                int o = 0;
                for (int i = 0; i < shape.Length; i++) if (!axes.Contains(i)) o += ix[i] * keptStrides[i];
                sums[o] += x[ix];
                maxs[o] = Math.Max(maxs[o], x[ix]);
            }
            var sum = x.Sum(axes, keepDim: true);
            Shape(keptShape, sum);
            Close(sums, sum, 1e-4);
            Close(maxs, x.Max(axes, keepDim: true), 1e-6);
        }
    }
}
