namespace Neurite.Tests;

/// <summary>
/// Makes a gradient check one line: <c>Check.Grad(x =&gt; x.Tanh(), [3, 4])</c> builds seeded float64
/// inputs that require grad, runs <see cref="GradCheck.Check"/>, and fails with its message.
/// </summary>
internal static class Check
{
    /// <summary>Which values the seeded inputs take.</summary>
    internal enum Values
    {
        /// <summary>Uniform in ±[0.2, 2]: away from the kinks of relu, abs, clamp and step at 0.</summary>
        Signed,
        /// <summary>Uniform in [0.5, 2]: for log, sqrt and the base of pow.</summary>
        Positive,
    }

    /// <summary>A seeded float64 leaf that requires grad.</summary>
    internal static Tensor Input(int[] shape, int seed = 1, Values values = Values.Signed)
    {
        var g = new Generator((ulong)seed);
        var x = Tensor.Zeros(shape, DType.Float64);
        var index = new int[shape.Length];
        for (int e = 0; e < x.NumEl; e++)
        {
            double u = g.NextDouble();
            x[index] = values == Values.Positive ? 0.5 + 1.5 * u : (g.NextDouble() < 0.5 ? -1 : 1) * (0.2 + 1.8 * u);
            for (int k = shape.Length - 1; k >= 0 && ++index[k] == shape[k]; k--) index[k] = 0;
        }
        return x.RequireGrad();
    }

    /// <summary>Gradient check of a function of one tensor of <paramref name="shape"/>.</summary>
    internal static void Grad(Func<Tensor, Tensor> f, int[] shape, Values values = Values.Signed, int seed = 1) =>
        Grad(xs => f(xs[0]), Input(shape, seed, values));

    /// <summary>Gradient check of a function of two tensors.</summary>
    internal static void Grad(Func<Tensor, Tensor, Tensor> f, int[] a, int[] b, Values values = Values.Signed) =>
        Grad(xs => f(xs[0], xs[1]), Input(a, 1, values), Input(b, 2, values));

    /// <summary>Gradient check of any function of the given inputs.</summary>
    internal static void Grad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var result = GradCheck.Check(f, inputs);
        Assert.True(result.Passed, result.ToString());
    }

    /// <summary>A float64 tensor from values, shaped (default 1-D).</summary>
    internal static Tensor F64(double[] values, params int[] shape) => Tensor.FromArray(values, shape);

    /// <summary>Asserts every element of <paramref name="actual"/> is within <paramref name="tol"/> of <paramref name="expected"/>.</summary>
    internal static void Close(double[] expected, Tensor actual, double tol = 1e-6)
    {
        var got = actual.ToDoubleArray();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(expected[i] - got[i]) <= tol || expected[i].Equals(got[i]),
                $"element {i}: expected {expected[i]:R}, got {got[i]:R} (all: [{string.Join(", ", got)}])");
    }

    internal static void Close(double expected, Tensor actual, double tol = 1e-6) => Close([expected], actual, tol);

    internal static void Shape(int[] expected, Tensor t) => Assert.Equal(expected, t.Shape.ToArray());
}
