namespace Neurite.Tests.Conv;

/// <summary>Element-wise closeness for large tensors: formats a message only for the first failing element
/// (Check.Close builds its message for every element, which is quadratic on feature maps).</summary>
internal static class Near
{
    public static void Close(double[] expected, Tensor actual, double tol)
    {
        var got = actual.ToDoubleArray();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
            if (!(Math.Abs(expected[i] - got[i]) <= tol))
                Assert.Fail($"element {i} of {got.Length}: expected {expected[i]:R}, got {got[i]:R} (tolerance {tol:g3})");
    }
}
