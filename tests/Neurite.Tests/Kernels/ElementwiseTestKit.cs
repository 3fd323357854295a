using System.Numerics;
using Neurite.Kernels;

namespace Neurite.Tests.Kernels;

/// <summary>
/// Checks an operator struct's span forms against its own scalar form, element by element, for every
/// length 0…256 (so every vector tail), in float and double, with NaN, ±Inf, −0 and +0 mixed in at
/// positions that fall both in the vector body and in the tail.
/// </summary>
internal static class ElementwiseTestKit
{
    public const int MaxLength = 256;
    static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0];

    /// <summary>Deterministic inputs in [−range, range]; every 7th element (from <paramref name="phase"/>) is special.</summary>
    public static T[] Values<T>(int n, int seed, double range = 4, int phase = 3) where T : IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var v = new T[n];
        for (int i = 0; i < n; i++)
            v[i] = T.CreateChecked(i % 7 == phase ? Specials[(i / 7) % Specials.Length] : (rng.NextDouble() * 2 - 1) * range);
        return v;
    }

    /// <summary>Scalars for the span·scalar forms: an ordinary value and each special.</summary>
    public static IEnumerable<T> Scalars<T>() where T : IFloatingPointIeee754<T>
    {
        yield return T.CreateChecked(1.25);
        yield return T.CreateChecked(-0.75);
        foreach (double s in Specials) yield return T.CreateChecked(s);
    }

    /// <summary>Equal, or both NaN, or within a relative tolerance (infinities must match exactly; ±0 compare equal).</summary>
    public static bool Close<T>(T expected, T actual, double tol) where T : IFloatingPointIeee754<T>
    {
        if (T.IsNaN(expected) || T.IsNaN(actual)) return T.IsNaN(expected) && T.IsNaN(actual);
        if (T.IsInfinity(expected) || T.IsInfinity(actual)) return expected == actual;
        double e = double.CreateChecked(expected), a = double.CreateChecked(actual);
        return Math.Abs(e - a) <= tol * Math.Max(1, Math.Abs(e));
    }

    static double Tol<T>(double floatTol, double doubleTol) => typeof(T) == typeof(float) ? floatTol : doubleTol;

    public static void AssertClose<T>(T expected, T actual, double tol, string what) where T : IFloatingPointIeee754<T>
    {
        if (!Close(expected, actual, tol)) Assert.Fail($"{what}: expected {expected}, got {actual} ({typeof(T).Name})");
    }

    public static void Unary<TOp>(TOp op, double floatTol = 1e-6, double doubleTol = 1e-13) where TOp : struct, IUnaryOp
    {
        Unary<TOp, float>(op, Tol<float>(floatTol, doubleTol));
        Unary<TOp, double>(op, Tol<double>(floatTol, doubleTol));
    }

    static void Unary<TOp, T>(TOp op, double tol) where TOp : struct, IUnaryOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            var x = Values<T>(n, n);
            var y = new T[n];
            op.Invoke<T>(x, y);
            for (int i = 0; i < n; i++) AssertClose(op.Invoke(x[i]), y[i], tol, $"{typeof(TOp).Name}({x[i]}) at {i} of {n}");
        }
    }

    public static void Binary<TOp>(TOp op, double floatTol = 1e-6, double doubleTol = 1e-13) where TOp : struct, IBinaryOp
    {
        Binary<TOp, float>(op, Tol<float>(floatTol, doubleTol));
        Binary<TOp, double>(op, Tol<double>(floatTol, doubleTol));
    }

    static void Binary<TOp, T>(TOp op, double tol) where TOp : struct, IBinaryOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        string name = typeof(TOp).Name;
        for (int n = 0; n <= MaxLength; n++)
        {
            var a = Values<T>(n, n);
            var b = Values<T>(n, n + 1000, phase: 5);
            var d = new T[n];
            op.Invoke<T>(a, b, d);
            for (int i = 0; i < n; i++) AssertClose(op.Invoke(a[i], b[i]), d[i], tol, $"{name}({a[i]}, {b[i]}) span·span at {i} of {n}");
            foreach (T s in Scalars<T>())
            {
                op.Invoke<T>(a, s, d);
                for (int i = 0; i < n; i++) AssertClose(op.Invoke(a[i], s), d[i], tol, $"{name}({a[i]}, {s}) span·scalar at {i} of {n}");
                op.Invoke<T>(s, b, d);
                for (int i = 0; i < n; i++) AssertClose(op.Invoke(s, b[i]), d[i], tol, $"{name}({s}, {b[i]}) scalar·span at {i} of {n}");
            }
        }
    }

    /// <summary>The struct's scalar form against a hand-written formula, on ordinary and special values.</summary>
    public static void Formula<TOp>(TOp op, Func<double, double> f, double tol = 1e-12) where TOp : struct, IUnaryOp
    {
        foreach (var x in Values<double>(64, 99))
            AssertClose(f(x), op.Invoke(x), tol, $"{typeof(TOp).Name}({x}) vs formula");
    }

    public static void Formula<TOp>(TOp op, Func<double, double, double> f, double tol = 1e-12) where TOp : struct, IBinaryOp
    {
        var a = Values<double>(64, 98);
        var b = Values<double>(64, 97, phase: 4);
        for (int i = 0; i < a.Length; i++)
            AssertClose(f(a[i], b[i]), op.Invoke(a[i], b[i]), tol, $"{typeof(TOp).Name}({a[i]}, {b[i]}) vs formula");
    }
}
