using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Neurite.Nn;
using Neurite.Onnx;

namespace Neurite.Tests.Onnx;

/// <summary>Exports a model, runs it in ONNX Runtime at batch 1 and 3, and compares with Neurite's own forward.</summary>
static class ExportCheck
{
    /// <summary>
    /// Exports <paramref name="model"/> (eval mode) for samples of <paramref name="sampleShape"/> and asserts that ONNX Runtime's
    /// output equals Neurite's to 1e-4 (relative to the output's largest magnitude when that exceeds 1) at batch sizes 1 and 3.
    /// Token-id inputs (<paramref name="vocabulary"/> &gt; 0) are drawn from 0..vocabulary−1.
    /// </summary>
    public static string Assert(Module model, int[] sampleShape, ulong seed = 7, int vocabulary = 0, string? path = null)
    {
        model.Eval();
        RandomiseRunningStats(model, new Generator(seed + 1));
        path ??= Path.Combine(Path.GetTempPath(), $"neurite-export-{Guid.NewGuid():N}.onnx");
        model.ExportOnnx(path, sampleShape);
        using var session = new InferenceSession(path);
        int batchAxis = OnnxExporter.BatchAxisOf(model);
        var g = new Generator(seed);
        foreach (int batch in new[] { 1, 3 })
        {
            int[] shape = [.. sampleShape[..batchAxis], batch, .. sampleShape[batchAxis..]];
            Tensor x = vocabulary > 0
                ? Tensor.FromArray(Tensor.Rand(shape, g).ToFloatArray().Select(u => (long)Math.Min(vocabulary - 1, u * vocabulary)).ToArray(), shape)
                : Tensor.Randn(shape, g);
            Tensor expected;
            using (Autograd.NoGrad()) expected = model.Forward(x);
            var input = vocabulary > 0
                ? NamedOnnxValue.CreateFromTensor("input", new DenseTensor<long>(x.ToLongArray(), shape))
                : NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x.ToFloatArray(), shape));
            using var results = session.Run([input]);
            var output = results.First().AsTensor<float>();
            Xunit.Assert.Equal(expected.Shape.ToArray(), output.Dimensions.ToArray());
            var want = expected.ToFloatArray();
            var got = output.ToArray();
            double scale = Math.Max(1, want.Max(v => Math.Abs(v)));
            double worst = want.Zip(got, (a, b) => Math.Abs(a - b)).Max();
            Xunit.Assert.True(worst <= 1e-4 * scale, $"{model.Describe()} batch {batch}: max |Neurite − ONNX Runtime| = {worst} (scale {scale})");
            // an exporter that ignored the input would still pass on constant outputs
            if (want.Length > 1) Xunit.Assert.True(want.Distinct().Count() > 1 || model is Sequential { Count: > 0 } s && s[^1] is Step, $"{model.Describe()}: a constant output proves nothing");
        }
        return path;
    }

    /// <summary><paramref name="model"/> with batch norm statistics and affine parameters that are not the initial ones.</summary>
    internal static T WithStatistics<T>(T model, ulong seed = 99) where T : Module
    {
        RandomiseRunningStats(model, new Generator(seed));
        return model;
    }

    /// <summary>Batch norm running statistics that are not the initial 0 and 1, so using them (or not) shows.</summary>
    static void RandomiseRunningStats(Module module, Generator g)
    {
        if (module is BatchNorm bn)
        {
            bn.RunningMean.CopyFrom(Tensor.Randn([bn.NumFeatures], g).Mul(0.5));
            bn.RunningVar.CopyFrom(Tensor.Rand([bn.NumFeatures], g).Add(0.5));
            if (bn.Weight is not null)
            {
                bn.Weight.CopyFrom(Tensor.Rand([bn.NumFeatures], g).Add(0.5));
                bn.Bias!.CopyFrom(Tensor.Randn([bn.NumFeatures], g).Mul(0.1));
            }
        }
        foreach (var (_, child) in module.NamedChildren()) RandomiseRunningStats(child, g);
    }
}
