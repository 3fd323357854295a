using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Onnx;

namespace Neurite.Tests.Onnx;

/// <summary>What Neurite exports, Neurite's own ONNX importer runs with the outputs of the model it came from.</summary>
public sealed class ExportRoundTripTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("neurite-onnx-roundtrip-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public void LeNetAndResNet20GoOutAndComeBackComputingTheSame()
    {
        foreach (var (model, sample, name) in new (Module, int[], string)[]
        {
            (LeNet.Create(new VisionOptions(InChannels: 1, Classes: 10, InputSize: 28)), [1, 28, 28], "lenet"),
            (ExportCheck.WithStatistics(ResNet.ResNet20(new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32, BatchNorm: true))), [3, 32, 32], "resnet"),
            (new Sequential(new Lstm(6, 8, numLayers: 2, batchFirst: true, bidirectional: true)), [5, 6], "lstm"),
        })
        {
            model.Eval();
            string path = Path.Combine(dir.FullName, name + ".onnx");
            model.ExportOnnx(path, sample);
            var imported = OnnxModel.Load(path);
            var x = Tensor.Uniform([2, .. sample], -1, 1, new Generator(5));
            float[] expected;
            using (Autograd.NoGrad()) expected = model.Forward(x).ToFloatArray();
            var actual = imported.Run(x).ToFloatArray();
            Assert.Equal(expected.Length, actual.Length);
            double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst < 1e-4, $"{name}: the imported model differs by {worst:G3}");
        }
    }
}
