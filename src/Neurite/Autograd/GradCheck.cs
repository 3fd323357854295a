namespace Neurite;

/// <summary>
/// Checks autograd against central finite differences, in float64:
/// ∂f/∂xᵢ ≈ (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε. Use it to test any function of tensors, including
/// custom ops and whole layers.
/// </summary>
/// <example><code>
/// var x = Tensor.Randn([3, 4], dtype: DType.Float64).RequireGrad();
/// GradCheck.Assert(xs => xs[0].Tanh().Sum(), x);
/// </code></example>
public static class GradCheck
{
    /// <summary>The largest disagreement found, and where.</summary>
    public sealed record Result(bool Passed, double MaxAbsError, double MaxRelError, int Input, int Element, double Analytic, double Numeric)
    {
        /// <summary>One line: "gradcheck passed (max abs error …)" or where it failed, with the autograd and numeric values.</summary>
        public override string ToString() => Passed
            ? $"gradcheck passed (max abs error {MaxAbsError:g3}, max rel error {MaxRelError:g3})"
            : $"gradcheck failed: input {Input}, element {Element}: autograd {Analytic:g10} vs numeric {Numeric:g10} (abs error {MaxAbsError:g3})";
    }

    /// <summary>
    /// Compares autograd's gradient of f with finite differences for every element of every input
    /// that requires grad. A non-scalar output is reduced with fixed random weights, so every output
    /// element is checked. Inputs must be float64.
    /// </summary>
    public static Result Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        foreach (var x in inputs)
            if (x.RequiresGrad && x.DType != DType.Float64)
                throw new ArgumentException($"gradcheck: inputs must be float64 for finite differences to be accurate, got {x.DType.Name()} {Shape.Format(x.shape)}");

        var probe = f(inputs);
        var weights = Tensor.Uniform(probe.shape, 0.5, 1.5, new Generator(12345), DType.Float64);
        Tensor Objective() => f(inputs).Mul(weights).Sum();

        foreach (var x in inputs) x.Grad = null;
        var value = Objective();
        if (!value.RequiresGrad)
            throw new ArgumentException("gradcheck: the function's output does not depend on any input that requires grad");
        value.Backward();

        Result? failure = null;
        double maxAbs = 0, maxRel = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            if (!x.RequiresGrad) continue;
            var analytic = x.Grad?.ToDoubleArray() ?? new double[x.NumEl];
            var index = new int[x.Rank];
            for (int e = 0; e < x.NumEl; e++)
            {
                double original = x[index];
                double plus, minus;
                using (Autograd.NoGrad())
                {
                    x[index] = original + eps;
                    plus = Objective().Item();
                    x[index] = original - eps;
                    minus = Objective().Item();
                    x[index] = original;
                }
                double numeric = (plus - minus) / (2 * eps);
                double abs = Math.Abs(analytic[e] - numeric);
                double rel = abs / Math.Max(Math.Abs(numeric), 1e-12);
                bool ok = abs <= atol + rtol * Math.Abs(numeric);
                if (!ok && (failure is null || abs > failure.MaxAbsError))
                    failure = new Result(false, abs, rel, i, e, analytic[e], numeric);
                maxAbs = Math.Max(maxAbs, abs);
                maxRel = Math.Max(maxRel, rel);
                for (int k = x.Rank - 1; k >= 0 && ++index[k] == x.shape[k]; k--) index[k] = 0;
            }
        }
        return failure ?? new Result(true, maxAbs, maxRel, -1, -1, 0, 0);
    }

    /// <summary>Like <see cref="Check"/>, but throws <see cref="GradCheckException"/> when it fails.</summary>
    public static void Assert(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var result = Check(f, inputs);
        if (!result.Passed) throw new GradCheckException(result.ToString());
    }
}

/// <summary>Thrown by <see cref="GradCheck.Assert"/> when autograd and finite differences disagree.</summary>
public sealed class GradCheckException(string message) : Exception(message);
