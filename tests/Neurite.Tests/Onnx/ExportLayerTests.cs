using Neurite.Data.Text;
using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Onnx;

namespace Neurite.Tests.Onnx;

/// <summary>Every layer kind, exported and run in ONNX Runtime, computes what Neurite computes (batch 1 and 3).</summary>
public class ExportLayerTests
{
    static readonly Generator G = new(20261202);

    [Theory]
    [InlineData("none"), InlineData("relu"), InlineData("leaky_relu:0.2"), InlineData("elu:0.5"), InlineData("sigmoid"), InlineData("tanh"),
     InlineData("softplus"), InlineData("gelu"), InlineData("step")]
    public void LinearWithEachFusedActivation(string activation) =>
        ExportCheck.Assert(new Sequential(new Linear(5, 7, generator: new Generator(1), activation: Activation.Parse(activation)), new Linear(7, 3, generator: new Generator(2))), [5]);

    public static TheoryData<string> ActivationModules => new() { "ReLU", "Sigmoid", "Tanh", "Softplus", "GELU", "Step", "Identity", "LeakyReLU", "ELU", "PReLU", "Maxout", "Flatten" };

    static Module ActivationModule(string name) => name switch
    {
        "ReLU" => new ReLU(), "Sigmoid" => new Sigmoid(), "Tanh" => new Tanh(), "Softplus" => new Softplus(), "GELU" => new GELU(), "Step" => new Step(),
        "Identity" => new Identity(), "LeakyReLU" => new LeakyReLU(0.1), "ELU" => new ELU(0.7), "PReLU" => new PReLU(1, 0.3), "Maxout" => new Maxout(3),
        "Flatten" => new Flatten(), _ => throw new ArgumentException(name),
    };

    [Theory, MemberData(nameof(ActivationModules))]
    public void ActivationModuleAfterLinear(string name) =>
        // a Linear before it (no activation of its own): Sequential fuses only ReLU, and the graph must still match
        ExportCheck.Assert(new Sequential(new Linear(4, 6, generator: new Generator(3)), ActivationModule(name)), [4]);

    [Fact]
    public void GeluMatchesTheErfFormFarFromZero() =>
        ExportCheck.Assert(new Sequential(new Linear(3, 16, generator: new Generator(4), init: Init.SmallNormal(3)), new GELU()), [3]);

    [Fact]
    public void PReLUPerChannelOnImages() =>
        ExportCheck.Assert(new Sequential(new Conv2d(2, 3, 3, generator: G), new PReLU(3, 0.2), new Flatten()), [2, 5, 5]);

    [Fact]
    public void DropoutIsTheIdentityInEval() =>
        ExportCheck.Assert(new Sequential(new Conv2d(2, 4, 3, generator: G), new Dropout2d(0.5), new Flatten(), new Dropout(0.5), new Linear(36, 2, generator: G)), [2, 5, 5]);

    [Fact]
    public void BatchNorm1dOnFeaturesAndOnSequences()
    {
        ExportCheck.Assert(new Sequential(new Linear(4, 6, generator: G), new BatchNorm1d(6), new ReLU()), [4]);
        ExportCheck.Assert(new Sequential(new Conv1d(2, 3, 3, generator: G), new BatchNorm1d(3, affine: false)), [2, 7]);
    }

    [Fact]
    public void BatchNorm2dUsesTheRunningStatistics() =>
        ExportCheck.Assert(new Sequential(new Conv2d(3, 4, 3, padding: 1, generator: G), new BatchNorm2d(4, eps: 1e-3)), [3, 6, 6]);

    [Fact]
    public void StandardizeAndLayerNorm()
    {
        ExportCheck.Assert(new Sequential(new Standardize([1.0, -2, 0.5], [2.0, 0.5, 3]), new Linear(3, 2, generator: G)), [3]);
        var ln = new LayerNorm([4, 5], eps: 1e-4);
        ln.Weight!.CopyFrom(Tensor.Rand([4, 5], G).Add(0.5));
        ln.Bias!.CopyFrom(Tensor.Randn([4, 5], G));
        ExportCheck.Assert(new Sequential(ln, new Flatten()), [4, 5]);
        ExportCheck.Assert(new LayerNorm([5], elementwiseAffine: false), [3, 5]);
    }

    [Fact]
    public void Conv2dStridesPaddingDilationGroupsAndSame()
    {
        ExportCheck.Assert(new Conv2d(4, 6, (3, 2), stride: (2, 1), padding: Padding.Of(1, 2), dilation: (2, 1), groups: 2, bias: false, generator: G), [4, 9, 8]);
        ExportCheck.Assert(new Conv2d(3, 5, 3, stride: 2, padding: Padding.Same, generator: G, activation: Activation.ReLU), [3, 8, 7]);
        ExportCheck.Assert(new Conv2d(3, 5, 4, padding: Padding.Same, generator: G, activation: Activation.Tanh), [3, 6, 6]);
    }

    [Fact]
    public void Conv1dWithSamePaddingAndStride()
    {
        ExportCheck.Assert(new Conv1d(3, 4, 4, stride: 2, padding: Padding.Same, generator: G, activation: Activation.ELU(0.3)), [3, 11]);
        ExportCheck.Assert(new Conv1d(4, 4, 3, padding: 2, dilation: 2, groups: 4, generator: G), [4, 9]);
    }

    [Fact]
    public void PoolingLayers()
    {
        ExportCheck.Assert(new MaxPool2d(3, 2, 1), [2, 7, 7]);
        ExportCheck.Assert(new AvgPool2d((3, 2), (2, 2), (1, 1)), [2, 7, 6]);  // padding counted in the divisor
        ExportCheck.Assert(new AdaptiveAvgPool2d(2, 3), [2, 6, 9]);
        ExportCheck.Assert(new AdaptiveAvgPool2d(1), [2, 5, 3]);
        ExportCheck.Assert(new GlobalAvgPool2d(), [3, 4, 5]);
    }

    [Fact]
    public void AdaptivePoolingWithUnevenWindowsNamesTheModule()
    {
        var model = new Sequential(new Conv2d(1, 2, 3, generator: G), new AdaptiveAvgPool2d(4));
        var e = Assert.Throws<OnnxExportException>(() => OnnxExport.ToOnnx(model, [1, 8, 8]));
        Assert.Contains("model.1 (AdaptiveAvgPool2d(4))", e.Message);
        Assert.Contains("6×6", e.Message);
    }

    [Fact]
    public void EmbeddingTakesInt64Ids() =>
        ExportCheck.Assert(new Sequential(new Embedding(11, 4, G), new Flatten(), new Linear(20, 3, generator: G)), [5], vocabulary: 11);

    [Fact]
    public void CharLanguageModelMapsToGatherLstmMatMul()
    {
        var vocabulary = CharVocabulary.FromJson("[97,98,99,100,101,102]");
        foreach (var cell in new[] { RecurrentMode.Lstm, RecurrentMode.Gru })
            ExportCheck.Assert(new CharLanguageModel(vocabulary, new CharLanguageModelOptions(5, 7, 2, 0.3, cell), new Generator(9)), [6], vocabulary: 6);
    }

    sealed class MyBlock : Module
    {
        public override Tensor Forward(Tensor x) => x;
    }

    [Fact]
    public void AModuleWithoutAnOnnxFormIsNamedByPathAndType()
    {
        var e = Assert.Throws<OnnxExportException>(() => OnnxExport.ToOnnx(new Sequential(new Linear(3, 3, generator: G), new MyBlock()), [3]));
        Assert.StartsWith("ONNX export: model.1 (MyBlock) has no ONNX form", e.Message);
        var nested = Assert.Throws<OnnxExportException>(() => OnnxExport.ToOnnx(new Sequential(new Linear(3, 3, generator: G), new Sequential(new ReLU(), new Softmax())), [3]));
        Assert.Contains("model.1.1 (Softmax)", nested.Message);
        Assert.IsAssignableFrom<NotSupportedException>(nested);
    }

    [Fact]
    public void ASeq2SeqModelIsRefusedByName()
    {
        var vocabulary = Vocabulary.Build([["a", "b", "c"]]);
        var model = new Neurite.Seq2Seq.Seq2SeqModel(vocabulary, vocabulary, new Neurite.Seq2Seq.Seq2SeqOptions(EmbeddingDim: 4, HiddenSize: 4), generator: G);
        var e = Assert.Throws<OnnxExportException>(() => OnnxExport.ToOnnx(model, [3]));
        Assert.StartsWith("ONNX export: model (Seq2SeqModel) has no ONNX form", e.Message);
    }

    [Fact]
    public void TheFileIsOpset17IrVersion8WithFloatRawWeightsAndADynamicBatch()
    {
        var linear = new Linear(3, 2, generator: G);
        string dir = Directory.CreateTempSubdirectory("neurite-export-").FullName;
        string path = Path.Combine(dir, "m.onnx");
        var report = new Sequential(linear).ExportOnnx(path, 3);
        var proto = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal("neurite", proto.ProducerName);
        Assert.Equal(17, Assert.Single(proto.OpsetImport).Version);
        Assert.Equal("batch", proto.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(["batch", "3"], report.Input);
        Assert.Equal(["batch", "2"], report.Output);
        var weight = proto.Graph.Initializer.Single(t => t.Name == "model.0.weight");
        Assert.Equal((int)global::Onnx.TensorProto.Types.DataType.Float, weight.DataType);
        Assert.Equal([2L, 3L], weight.Dims);
        var bytes = weight.RawData.ToByteArray();
        var values = Enumerable.Range(0, 6).Select(i => System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i))).ToArray();
        Assert.Equal(linear.Weight.ToFloatArray(), values);
        Assert.Equal([path], Directory.GetFiles(dir));  // written through a temporary file that is gone
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ExportLeavesATrainingModelTraining()
    {
        var model = new Sequential(new Linear(3, 3, generator: G), new Dropout(0.5));
        OnnxExport.ToOnnx(model, [3]);
        Assert.True(model.IsTraining);
        Assert.Throws<ArgumentException>(() => OnnxExport.ToOnnx(model, []));
    }
}
