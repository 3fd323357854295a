using System.Runtime.CompilerServices;

namespace Neurite.Kernels;

/// <summary>
/// General matrix multiply, BLAS-style: <c>C = alpha · op(A) · op(B) + beta · C</c> on row-major matrices.
/// </summary>
/// <remarks>
/// <para><c>op(A)</c> is m×k; A is stored m×k, or k×m when <c>transA</c> (and likewise B: k×n, or n×k when
/// <c>transB</c>). <c>lda</c>, <c>ldb</c>, <c>ldc</c> are the row strides, in elements, of the matrices as
/// stored, so a sub-matrix view is passed as a pointer to its first element and its parent's stride.
/// As in BLAS, <c>beta == 0</c> overwrites C without reading it (NaNs in C do not survive), and
/// <c>k == 0</c> or <c>alpha == 0</c> gives <c>C = beta · C</c> without reading A or B.</para>
/// <para>Sgemm is built like BLIS: op(B) is packed in panels of NR columns and op(A) in panels of MR rows
/// into aligned per-thread buffers (transposes are handled while packing), and a register-blocked FMA
/// micro-kernel computes each MR×NR tile of C. Large products are split over <see cref="Threads.Count"/>
/// threads. Dgemm, used for float64 gradient checks, is a simpler blocked loop.</para>
/// <example><code>
/// // y[32×10] = x[32×784] · Wᵀ, W stored [10×784]
/// Gemm.Sgemm(false, true, 32, 10, 784, 1f, x, 784, w, 784, 0f, y, 10);
/// </code></example>
/// </remarks>
internal static unsafe partial class Gemm
{
    /// <summary>Single-precision GEMM on raw pointers; see <see cref="Gemm"/> for the contract.</summary>
    /// <exception cref="ArgumentException">A size is negative or a stride is smaller than its row length.</exception>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        CheckShape(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        var p = new SgemmArgs(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        if ((long)m * n * k <= TinyVolume)
        {
            SgemmTiny(in p);
            return;
        }
        SgemmDispatch(in p);
    }

    /// <summary>
    /// C = op(A)·op(B) + bias[j] on every row (bias may be null), then max(C, 0) when <paramref name="relu"/>: the
    /// output of a Linear layer and its ReLU in one pass, finished tile by tile while each tile is in L1.
    /// </summary>
    internal static void SgemmBiasRelu(bool transA, bool transB, int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, float* bias, bool relu)
    {
        CheckShape(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        var p = new SgemmArgs(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc) { ColumnBias = bias, Relu = relu };
        if (k == 0 || (long)m * n * k <= TinyVolume || TakesFewRows(in p))
        {
            // Paths without tiles: the plain product, then one pass over C.
            Sgemm(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc);
            if (p.HasEpilogue) Epilogue(c, ldc, m, n, bias, relu);
            return;
        }
        SgemmDispatch(in p);
    }

    /// <summary>Single-precision GEMM on spans, with lengths and strides checked; see <see cref="Gemm"/>.</summary>
    /// <exception cref="ArgumentException">A size is negative, a stride is too small or a span too short.</exception>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        CheckShape(transA, transB, m, n, k, lda, ldb, ldc);
        CheckSpans(transA, transB, m, n, k, lda, ldb, ldc, a.Length, b.Length, c.Length);
        fixed (float* pa = a, pb = b, pc = c) Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    /// <summary>Double-precision GEMM on raw pointers; see <see cref="Gemm"/> for the contract.</summary>
    /// <exception cref="ArgumentException">A size is negative or a stride is smaller than its row length.</exception>
    public static void Dgemm(bool transA, bool transB, int m, int n, int k, double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc)
    {
        CheckShape(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0d)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        DgemmBlocked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Double-precision GEMM on spans, with lengths and strides checked; see <see cref="Gemm"/>.</summary>
    /// <exception cref="ArgumentException">A size is negative, a stride is too small or a span too short.</exception>
    public static void Dgemm(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        CheckShape(transA, transB, m, n, k, lda, ldb, ldc);
        CheckSpans(transA, transB, m, n, k, lda, ldb, ldc, a.Length, b.Length, c.Length);
        fixed (double* pa = a, pb = b, pc = c) Dgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    static string Describe(bool transA, bool transB, int m, int n, int k, int lda, int ldb, int ldc) =>
        $"gemm(transA={transA}, transB={transB}, m={m}, n={n}, k={k}, lda={lda}, ldb={ldb}, ldc={ldc})";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CheckShape(bool transA, bool transB, int m, int n, int k, int lda, int ldb, int ldc)
    {
        // A stored (transA ? k×m : m×k), B stored (transB ? n×k : k×n), C stored m×n.
        if ((m | n | k) < 0
            || lda < (transA ? m : k) || ldb < (transB ? k : n) || ldc < n)
            ThrowShape(transA, transB, m, n, k, lda, ldb, ldc);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void ThrowShape(bool transA, bool transB, int m, int n, int k, int lda, int ldb, int ldc)
    {
        string what = Describe(transA, transB, m, n, k, lda, ldb, ldc);
        if ((m | n | k) < 0) throw new ArgumentException($"{what}: sizes must not be negative.");
        if (lda < (transA ? m : k))
            throw new ArgumentException($"{what}: lda is smaller than the row length {(transA ? m : k)} of A stored [{(transA ? k : m)}×{(transA ? m : k)}].", nameof(lda));
        if (ldb < (transB ? k : n))
            throw new ArgumentException($"{what}: ldb is smaller than the row length {(transB ? k : n)} of B stored [{(transB ? n : k)}×{(transB ? k : n)}].", nameof(ldb));
        throw new ArgumentException($"{what}: ldc is smaller than the row length {n} of C [{m}×{n}].", nameof(ldc));
    }

    static void CheckSpans(bool transA, bool transB, int m, int n, int k, int lda, int ldb, int ldc, int aLength, int bLength, int cLength)
    {
        long needA = Needed(transA ? k : m, transA ? m : k, lda);
        long needB = Needed(transB ? n : k, transB ? k : n, ldb);
        long needC = Needed(m, n, ldc);
        if (aLength < needA || bLength < needB || cLength < needC)
        {
            string what = Describe(transA, transB, m, n, k, lda, ldb, ldc);
            string name = aLength < needA ? "a" : bLength < needB ? "b" : "c";
            long need = aLength < needA ? needA : bLength < needB ? needB : needC;
            long have = aLength < needA ? aLength : bLength < needB ? bLength : cLength;
            throw new ArgumentException($"{what}: {name} has {have} elements, needs at least {need}.", name);
        }
    }

    /// <summary>Elements a rows×cols matrix with row stride ld spans: the last row needs only cols.</summary>
    static long Needed(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;

    /// <summary>C = beta · C, with beta == 0 writing zeros (so NaNs in C are dropped, as in BLAS).</summary>
    static void ScaleC<T>(int m, int n, T beta, T* c, int ldc) where T : unmanaged, System.Numerics.INumber<T>
    {
        if (beta == T.One) return;
        for (int i = 0; i < m; i++)
        {
            var row = new Span<T>(c + (long)i * ldc, n);
            if (beta == T.Zero) row.Clear();
            else for (int j = 0; j < row.Length; j++) row[j] *= beta;
        }
    }
}
