using Neurite.Nn;
using Neurite.Nn.Zoo;

namespace Neurite.Tests.Onnx;

/// <summary>The zoo and the recurrent layers, exported and run in ONNX Runtime, compute what Neurite computes.</summary>
public class ExportModelTests
{
    [Theory]
    [InlineData("lenet5", 1, 28, 1.0, false)]
    [InlineData("resnet20", 3, 16, 0.5, false)]
    [InlineData("resnet18", 3, 16, 0.125, false)]
    [InlineData("resnet50", 3, 16, 0.0625, false)]
    [InlineData("vgg11", 3, 16, 0.0625, true)]
    [InlineData("alexnet", 3, 24, 0.0625, false)]
    [InlineData("nin", 3, 16, 0.125, true)]
    [InlineData("inception", 3, 16, 0.125, true)]
    public void ZooModel(string name, int channels, int size, double width, bool batchNorm) =>
        ExportCheck.Assert(Neurite.Nn.Zoo.Zoo.Create(name, new VisionOptions(channels, 10, size, width, batchNorm, 0.5)), [channels, size, size]);

    [Theory]
    [InlineData(RecurrentMode.Lstm, false), InlineData(RecurrentMode.Lstm, true)]
    [InlineData(RecurrentMode.Gru, false), InlineData(RecurrentMode.Gru, true)]
    [InlineData(RecurrentMode.RnnTanh, false), InlineData(RecurrentMode.RnnTanh, true)]
    [InlineData(RecurrentMode.RnnRelu, false), InlineData(RecurrentMode.RnnRelu, true)]
    public void RecurrentTwoLayersBidirectional(RecurrentMode mode, bool batchFirst)
    {
        var r = Create(mode, 3, 5, 2, bias: true, batchFirst, bidirectional: true, seed: 11);
        ExportCheck.Assert(r, [4, 3]);  // [T, F] batch-first too: the batch goes before it either way, as the layer reads it
    }

    [Theory]
    [InlineData(RecurrentMode.Lstm), InlineData(RecurrentMode.Gru), InlineData(RecurrentMode.RnnTanh)]
    public void RecurrentOneDirectionWithoutBiasThenLinear(RecurrentMode mode) =>
        ExportCheck.Assert(new Sequential(Create(mode, 4, 6, 1, bias: false, batchFirst: true, bidirectional: false, seed: 12), new Linear(6, 2, generator: new Generator(13))), [5, 4]);

    static RecurrentBase Create(RecurrentMode mode, int input, int hidden, int layers, bool bias, bool batchFirst, bool bidirectional, ulong seed) => mode switch
    {
        RecurrentMode.Lstm => new Lstm(input, hidden, layers, bias, batchFirst, 0.2, bidirectional, new Generator(seed)),
        RecurrentMode.Gru => new Gru(input, hidden, layers, bias, batchFirst, 0.2, bidirectional, new Generator(seed)),
        _ => new Rnn(input, hidden, layers, mode == RecurrentMode.RnnRelu, bias, batchFirst, 0.2, bidirectional, new Generator(seed)),
    };
}
