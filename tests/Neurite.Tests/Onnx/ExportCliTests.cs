using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Neurite.Nn.Zoo;
using Neurite.Serialization;
using Neurite.Tests.Cli;

namespace Neurite.Tests.Onnx;

/// <summary>`neurite export`, run as a user runs it: the file it writes runs in ONNX Runtime and computes what the model file computes.</summary>
public class ExportCliTests
{
    static string TempDir() => Directory.CreateTempSubdirectory("neurite-export-cli-").FullName;

    /// <summary>max |Neurite − ONNX Runtime| over a batch of <paramref name="batch"/> random samples of the saved model.</summary>
    static double Difference(string modelPath, string onnxPath, int[] sample, int batch)
    {
        var model = ModelFile.Load(modelPath);
        int[] shape = [batch, .. sample];
        var x = Tensor.Randn(shape, new Generator(5));
        Tensor expected;
        using (Autograd.NoGrad()) expected = model.Forward(x);
        using var session = new InferenceSession(onnxPath);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x.ToFloatArray(), shape))]);
        var got = results.First().AsTensor<float>();
        Assert.Equal(expected.Shape.ToArray(), got.Dimensions.ToArray());
        return expected.ToFloatArray().Zip(got.ToArray(), (a, b) => (double)Math.Abs(a - b)).Max();
    }

    [Fact]
    public void ExportsAZooModelSavedWithItsInputShape()
    {
        string dir = TempDir();
        var options = new VisionOptions(1, 10, 28, 0.5, false, 0);
        ModelFile.Save(LeNet.Create(options), Path.Combine(dir, "lenet"), new ModelInfo { InputShape = [1, 28, 28] }, ZooConfig.Of("lenet5", options));
        var (code, output, err) = CliProcess.Run("export", "-m", Path.Combine(dir, "lenet"), "--onnx", Path.Combine(dir, "lenet.onnx"));
        Assert.True(code == 0, err);
        Assert.Contains("wrote " + Path.Combine(dir, "lenet.onnx"), output);
        Assert.Contains("[batch, 1, 28, 28]", output);
        Assert.Contains("[batch, 10]", output);
        Assert.True(Difference(Path.Combine(dir, "lenet"), Path.Combine(dir, "lenet.onnx"), [1, 28, 28], 3) <= 1e-4);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ExportsAModelTheCliTrainedForOneEpoch()
    {
        string dir = TempDir();
        var (code, _, err) = CliProcess.Run("train", "--dataset", "iris", "--epochs", "1", "--plain", "-o", Path.Combine(dir, "iris"));
        Assert.True(code == 0, err);
        (code, var output, err) = CliProcess.Run("export", "-m", Path.Combine(dir, "iris"), "--onnx", Path.Combine(dir, "iris.onnx"));
        Assert.True(code == 0, err);
        Assert.Contains("[batch, 4]", output);  // the shape the model file records
        Assert.True(Difference(Path.Combine(dir, "iris"), Path.Combine(dir, "iris.onnx"), [4], 3) <= 1e-4);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void BadModelPathExits1AndBadOptionsExit2()
    {
        string dir = TempDir();
        var (code, _, err) = CliProcess.Run("export", "-m", Path.Combine(dir, "missing"), "--onnx", Path.Combine(dir, "m.onnx"));
        Assert.Equal(1, code);
        Assert.Contains("not found", err);
        ModelFile.Save(new Neurite.Nn.Sequential(new Neurite.Nn.Linear(3, 2)), Path.Combine(dir, "mlp"));
        (code, _, err) = CliProcess.Run("export", "-m", Path.Combine(dir, "mlp"), "--onnx", Path.Combine(dir, "m.onnx"));
        Assert.Equal(2, code);  // the file records no input shape
        Assert.Contains("--input-shape", err);
        (code, _, err) = CliProcess.Run("export", "-m", Path.Combine(dir, "mlp"), "--onnx", Path.Combine(dir, "m.onnx"), "--input-shape", "3,x");
        Assert.Equal(2, code);
        Assert.Contains("--input-shape must be positive integers", err);
        (code, _, err) = CliProcess.Run("export", "-m", Path.Combine(dir, "mlp"), "--onnx", Path.Combine(dir, "m.onnx"), "--input-shape", "5");
        Assert.Equal(2, code);
        Assert.Contains("does not fit the model", err);
        (code, _, _) = CliProcess.Run("export", "-m", Path.Combine(dir, "mlp"));
        Assert.Equal(2, code);
        Assert.False(File.Exists(Path.Combine(dir, "m.onnx")));
        (code, _, err) = CliProcess.Run("export", "-m", Path.Combine(dir, "mlp"), "--onnx", Path.Combine(dir, "m.onnx"), "--input-shape", "3");
        Assert.True(code == 0, err);
        Assert.True(Difference(Path.Combine(dir, "mlp"), Path.Combine(dir, "m.onnx"), [3], 2) <= 1e-4);
        Directory.Delete(dir, true);
    }
}
