using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Onnx;

namespace Neurite.Tests.Onnx;

/// <summary>Models exported to ONNX give ONNX Runtime's CPU provider the outputs Neurite computes, within 1e-4,
/// at batch sizes 1 and 3 (the batch dimension is symbolic).</summary>
public sealed class OnnxWriterTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("neurite-onnx-");

    public void Dispose() => dir.Delete(recursive: true);

    void Check(Module model, int[] sample, string name, double tolerance = 1e-4)
    {
        model.Eval();
        string path = Path.Combine(dir.FullName, name + ".onnx");
        model.ExportOnnx(path, sample);
        using var session = new InferenceSession(path);
        foreach (int batch in new[] { 1, 3 })
        {
            var x = Tensor.Uniform([batch, .. sample], -1, 1, new Generator((ulong)batch));
            float[] expected;
            using (Autograd.NoGrad()) expected = model.Forward(x).ToFloatArray();
            var input = new DenseTensor<float>(x.ToFloatArray(), [batch, .. sample]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
            var actual = results.First().AsEnumerable<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1, Math.Abs(p.First)));
            Assert.True(worst <= tolerance, $"{name} at batch {batch}: ONNX Runtime differs by {worst:G3}");
        }
    }

    /// <summary>Non-trivial running statistics, so that evaluation-form batch norm is really tested.</summary>
    static T WithStatistics<T>(T model) where T : Module
    {
        var g = new Generator(99);
        foreach (var (name, buffer) in model.NamedBuffers())
        {
            var values = Tensor.Uniform(buffer.Shape.ToArray(), name.EndsWith("running_var") ? 0.5 : -0.5, name.EndsWith("running_var") ? 2 : 0.5, g).ToFloatArray();
            values.CopyTo(buffer.Span<float>());
        }
        return model;
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softplus")]
    [InlineData("gelu")]
    [InlineData("leaky_relu:0.2")]
    [InlineData("elu:0.7")]
    public void AnMlpWithEachFusedActivation(string activation)
    {
        var a = Activation.Parse(activation);
        var g = new Generator(1);
        Check(new Sequential(new Standardize([0.5, -0.2, 1, 0, 0.1, 0.3], [2, 1, 0.5, 1, 3, 1]),
            new Linear(6, 8, activation: a, generator: g), new Dropout(0.3), new Linear(8, 4, generator: g)), [6], "mlp-" + activation);
    }

    [Fact]
    public void ActivationLayersBatchNormAndPooling()
    {
        var g = new Generator(2);
        Check(WithStatistics(new Sequential(new Linear(5, 7, generator: g), new BatchNorm1d(7), new LeakyReLU(0.1), new ELU(0.5), new GELU(), new Linear(7, 3, generator: g), new Tanh(), new Sigmoid())), [5], "layers");
        Check(WithStatistics(new Sequential(new Conv2d(2, 4, 3, padding: 1, generator: g), new BatchNorm2d(4), new ReLU(), new AvgPool2d(2, 2, 1),
            new Conv2d(4, 4, (3, 1), padding: Padding.Same, groups: 2, generator: g), new MaxPool2d(3, 2, 1), new Dropout2d(0.2), new Flatten(), new Linear(4 * 2 * 2, 3, generator: g))), [2, 7, 7], "cnn");
        Check(new Sequential(new Conv1d(3, 4, 3, padding: Padding.Same, dilation: 2, activation: Activation.ReLU, generator: g), new Flatten()), [3, 9], "conv1d");
    }

    [Fact]
    public void TheZoosLeNetAndResNet20()
    {
        Check(LeNet.Create(new VisionOptions(InChannels: 1, Classes: 10, InputSize: 28)), [1, 28, 28], "lenet5");
        Check(WithStatistics(ResNet.ResNet20(new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32, BatchNorm: true))), [3, 32, 32], "resnet20");
    }

    [Fact]
    public void TheExportCommandWritesWhatTheSavedModelComputes()
    {
        string stem = Path.Combine(dir.FullName, "iris");
        Assert.Equal(0, Neurite.Cli.Commands.TrainCommand.Run(new Neurite.Cli.Commands.TrainCommand.Settings(Dataset: "iris", Epochs: 3, Output: stem, Plain: true, BatchNorm: true), TextWriter.Null));
        string onnxPath = stem + ".onnx";
        var log = new StringWriter();
        Assert.Equal(0, Neurite.Cli.Commands.ExportCommand.Run(stem + ".safetensors", onnxPath, null, log));
        Assert.Contains("input [batch, 4]", log.ToString());
        var model = Neurite.Serialization.ModelFile.Read(stem + ".safetensors").Model;   // Standardize, Linear, BatchNorm1d, ReLU, Dropout, …
        Check(model, [4], "iris-reexported");
        Assert.Throws<Neurite.Cli.UsageException>(() => Neurite.Cli.Commands.ExportCommand.Run(stem + ".safetensors", onnxPath, "0,4", TextWriter.Null));
    }

    [Fact]
    public void WhatNeuriteExportsNeuriteImportsAndRunsAlike()
    {
        foreach (var (model, sample, name) in new (Module, int[], string)[]
        {
            (LeNet.Create(new VisionOptions(InChannels: 1, Classes: 10, InputSize: 28)), [1, 28, 28], "lenet"),
            (WithStatistics(ResNet.ResNet20(new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32, BatchNorm: true))), [3, 32, 32], "resnet"),
        })
        {
            model.Eval();
            string path = Path.Combine(dir.FullName, name + "-roundtrip.onnx");
            model.ExportOnnx(path, sample);
            var imported = OnnxModel.Load(path);
            var x = Tensor.Uniform([2, .. sample], -1, 1, new Generator(5));
            float[] expected;
            using (Autograd.NoGrad()) expected = model.Forward(x).ToFloatArray();
            var actual = imported.Run(x).ToFloatArray();
            Assert.Equal(expected.Length, actual.Length);
            Assert.True(expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) < 1e-4, name);
        }
    }

    sealed class Custom : Module { public override Tensor Forward(Tensor x) => x; }

    [Fact]
    public void AModuleWithoutAnOnnxFormIsNamedWithItsPathAndNothingIsWritten()
    {
        var model = new Sequential(new Linear(2, 2), new Custom());
        string path = Path.Combine(dir.FullName, "custom.onnx");
        var e = Assert.Throws<OnnxExportException>(() => model.ExportOnnx(path, [2]));
        Assert.Contains("model.1 (Custom)", e.Message);
        Assert.False(File.Exists(path));
        Assert.Throws<ArgumentException>(() => model.ExportOnnx(path, [0]));
    }
}

/// <summary>Exported files pass the ONNX project's own checker (Debian's python3-onnx), when it is installed; CI
/// installs it and sets NEURITE_REQUIRE_ONNX_CHECKER=1, which turns its absence into a failure.</summary>
public sealed class OnnxCheckerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void TheOnnxCheckerAcceptsExportedModels()
    {
        bool required = Environment.GetEnvironmentVariable("NEURITE_REQUIRE_ONNX_CHECKER") == "1";
        if (!PythonHasOnnx())
        {
            Assert.False(required, "NEURITE_REQUIRE_ONNX_CHECKER=1 but /usr/bin/python3 cannot import onnx (apt-get install python3-onnx)");
            output.WriteLine("python3-onnx is not installed: the checker did not run");
            return;
        }
        var dir = Directory.CreateTempSubdirectory("neurite-onnx-check-");
        try
        {
            var files = new List<string>();
            void Export(Module m, int[] shape, string name) { m.Eval(); string p = Path.Combine(dir.FullName, name + ".onnx"); m.ExportOnnx(p, shape); files.Add(p); }
            Export(new Sequential(new Linear(4, 8, activation: Activation.GELU), new BatchNorm1d(8), new Linear(8, 2)), [4], "mlp");
            Export(LeNet.Create(new VisionOptions(InChannels: 1, Classes: 10, InputSize: 28)), [1, 28, 28], "lenet5");
            Export(ResNet.ResNet20(new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32, BatchNorm: true)), [3, 32, 32], "resnet20");
            var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3")
            {
                ArgumentList = { "-c", "import onnx, sys\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint('ok', len(sys.argv) - 1)" },
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            foreach (var f in files) psi.ArgumentList.Add(f);
            using var process = System.Diagnostics.Process.Start(psi)!;
            string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"onnx.checker refused an exported model:\n{stderr}");
            Assert.Contains($"ok {files.Count}", stdout);
        }
        finally { dir.Delete(recursive: true); }
    }

    static bool PythonHasOnnx()
    {
        if (!File.Exists("/usr/bin/python3")) return false;
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", "-c \"import onnx\"") { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }
}
