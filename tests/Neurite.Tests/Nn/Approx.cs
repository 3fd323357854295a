namespace Neurite.Tests.Nn;

/// <summary>Value assertions shared by the toolbox tests.</summary>
static class Approx
{
    /// <summary>Asserts |expected − actual| ≤ tol elementwise, naming the first bad index.</summary>
    public static void Equal(double[] expected, double[] actual, double tol = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol || expected[i].Equals(actual[i]),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (tol {tol})");
    }

    public static void Equal(double[] expected, Tensor actual, double tol = 1e-6) => Equal(expected, actual.ToDoubleArray(), tol);

    public static void Equal(double expected, double actual, double tol = 1e-6) =>
        Assert.True(Math.Abs(expected - actual) <= tol, $"expected {expected:R}, got {actual:R} (tol {tol})");

    /// <summary>A float64 tensor of the given values and shape.</summary>
    public static Tensor T(double[] values, params int[] shape) => Tensor.FromArray(values, shape.Length == 0 ? [values.Length] : shape);

    /// <summary>A float32 tensor of the given values and shape.</summary>
    public static Tensor F(float[] values, params int[] shape) => Tensor.FromArray(values, shape.Length == 0 ? [values.Length] : shape);
}
