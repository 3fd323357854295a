using System.Text;
using Google.Protobuf;
using Neurite.Onnx;
using Neurite.Serialization;
using static Neurite.Tests.Onnx.ImportGraph;
using P = global::Onnx;

namespace Neurite.Tests.Onnx;

/// <summary>Untrusted model files: every malformed one is a <see cref="ModelFormatException"/> naming the file, and where
/// a node is at fault its name, op type and the opset.</summary>
public class ImportRejectsTests
{
    static ModelFormatException Rejects(byte[] bytes, string name = "bad.onnx") =>
        Assert.Throws<ModelFormatException>(() => OnnxModel.Load(bytes, name));

    static ModelFormatException Rejects(ImportGraph g) => Rejects(g.Bytes(), "test.onnx");

    static ImportGraph Relu(int opset = 17) => new ImportGraph(opset).Input("x", -1, 4).Node("Relu", ["x"], ["y"]).Output("y");

    [Fact]
    public void A_truncated_file_is_rejected_at_every_cut()
    {
        var bytes = File.ReadAllBytes(ImportFixtureTests.PathOf("cnn"));
        for (int cut = 0; cut < bytes.Length; cut += 7)
        {
            var e = Rejects(bytes[..cut], "cnn.onnx");
            Assert.StartsWith("cnn.onnx: ", e.Message);
        }
        Assert.Contains("truncated", Rejects(bytes[..(bytes.Length / 2)], "cnn.onnx").Message);
    }

    [Fact]
    public void Bytes_that_are_not_protobuf_are_rejected()
    {
        Assert.Contains("not a valid ONNX model", Rejects(Encoding.UTF8.GetBytes("this is a text file, not a model\n")).Message);
        Assert.Contains("not a valid ONNX model", Rejects([]).Message);
        Assert.Contains("not a valid ONNX model", Rejects(File.ReadAllBytes(Path.Combine(ImportFixtureTests.Folder(), "mlp.safetensors"))).Message);
    }

    [Fact]
    public void Flipped_bytes_give_a_clean_error_or_a_model_never_a_crash()
    {
        var bytes = File.ReadAllBytes(ImportFixtureTests.PathOf("mlp"));
        var x = Tensor.Randn([2, 8], new Generator(1));
        int rejected = 0;
        for (int i = 0; i < bytes.Length; i += 3)
        {
            var mutated = (byte[])bytes.Clone();
            mutated[i] ^= 0xA5;
            OnnxModel model;
            try { model = OnnxModel.Load(mutated, "mlp.onnx"); }
            catch (ModelFormatException e) { Assert.StartsWith("mlp.onnx: ", e.Message); rejected++; continue; }
            try { model.Run(new Dictionary<string, Tensor> { [model.InputNames.Count > 0 ? model.InputNames[0] : "input"] = x }); }
            catch (Exception e) when (e is ModelFormatException or ArgumentException or InvalidOperationException) { }
        }
        Assert.True(rejected > 50, $"only {rejected} of {bytes.Length / 3} mutations were rejected");
        // flipping the op type Gemm → Gemx names the node and its opset
        int at = IndexOf(bytes, "\u0022\u0004Gemm"); // field 4 (op_type), length 4
        var renamed = (byte[])bytes.Clone();
        renamed[at + 5] = (byte)'x';
        var msg = Rejects(renamed, "mlp.onnx").Message;
        Assert.Contains("mlp.onnx: node '/net/net.0/Gemm' (Gemx, opset 17): operator 'Gemx' is not supported", msg);
    }

    public static TheoryData<string> Fixtures() => new("cnn", "embedding", "gru", "layernorm_gelu", "lstm", "mlp", "residual");

    [Theory, MemberData(nameof(Fixtures))]
    public void Random_mutations_of_every_fixture_fail_cleanly(string name)
    {
        // seeded mutations (1–4 random bytes set, or a range duplicated): loading gives a model or a
        // ModelFormatException; running the model gives outputs or an error naming the node, never another exception type
        var bytes = File.ReadAllBytes(ImportFixtureTests.PathOf(name));
        var (t, _) = SafeTensors.Load(Path.Combine(ImportFixtureTests.Folder(), name + ".safetensors"));
        var rng = new Random(20261202);
        for (int trial = 0; trial < 150; trial++)
        {
            var m = (byte[])bytes.Clone();
            if (trial % 5 == 4)
            {
                int at = rng.Next(m.Length), len = rng.Next(1, 64);
                m = [.. m[..at], .. m[at..Math.Min(m.Length, at + len)], .. m[at..]];
            }
            else for (int k = rng.Next(1, 5); k > 0; k--) m[rng.Next(m.Length)] = (byte)rng.Next(256);
            OnnxModel model;
            try { model = OnnxModel.Load(m, name + ".onnx"); }
            catch (ModelFormatException) { continue; }
            try { model.Run(model.Inputs.ToDictionary(i => i.Name, i => t["input"])); }
            catch (Exception e) when (e is ModelFormatException or ArgumentException or InvalidOperationException) { }
        }
    }

    [Fact]
    public void An_unsupported_operator_is_named_with_its_node_and_opset()
    {
        var g = new ImportGraph().Input("boxes", 1, 4, 4).Input("scores", 1, 1, 4)
            .Node("NonMaxSuppression", ["boxes", "scores"], ["selected"]).Output("selected");
        var e = Rejects(g);
        Assert.Contains("test.onnx: node 'nonmaxsuppression0' (NonMaxSuppression, opset 17): operator 'NonMaxSuppression' is not supported", e.Message);
        Assert.Contains("Gemm", e.Message); // the message lists what is supported
    }

    [Fact]
    public void An_opset_outside_an_operators_range_is_named()
    {
        Assert.Contains("node 'relu0' (Relu, opset 99): 'Relu' is supported for opsets 6–21 only", Rejects(Relu(99)).Message);
        Assert.Contains("node 'relu0' (Relu, opset 5): 'Relu' is supported for opsets 6–21 only", Rejects(Relu(5)).Message);
        var none = Relu();
        none.Model.OpsetImport.Clear();
        Assert.Contains("imports no version of the default ONNX operator set", Rejects(none).Message);
        var domain = Relu();
        domain.Model.Graph.Node[0].Domain = "com.microsoft";
        Assert.Contains("node 'relu0' (Relu, opset 17): operator domain 'com.microsoft' is not supported", Rejects(domain).Message);
    }

    [Fact]
    public void A_dangling_input_is_named()
    {
        var g = new ImportGraph().Input("x", 2).Node("Add", ["x", "nowhere"], ["y"]).Output("y");
        Assert.Contains("test.onnx: node 'add0' (Add, opset 17): input 'nowhere' is not produced by any node, initializer or graph input (dangling)", Rejects(g).Message);
        var output = new ImportGraph().Input("x", 2).Node("Relu", ["x"], ["y"]).Output("z");
        Assert.Contains("graph output 'z' is not produced", Rejects(output).Message);
    }

    [Fact]
    public void An_unsorted_or_cyclic_graph_is_rejected()
    {
        var unsorted = new ImportGraph().Input("x", 2).Node("Relu", ["a"], ["y"]).Node("Neg", ["x"], ["a"]).Output("y");
        Assert.Contains("node 'relu0' (Relu, opset 17): input 'a' is produced by a later node: the graph is not topologically sorted or has a cycle", Rejects(unsorted).Message);
        var cycle = new ImportGraph().Input("x", 2).Node("Add", ["x", "b"], ["a"]).Node("Neg", ["a"], ["b"]).Output("b");
        Assert.Contains("node 'add0' (Add, opset 17): input 'b' is produced by a later node", Rejects(cycle).Message);
        var self = new ImportGraph().Input("x", 2).Node("Add", ["x", "a"], ["a"]).Output("a");
        Assert.Contains("node 'add0' (Add, opset 17): input 'a'", Rejects(self).Message);
        var twice = new ImportGraph().Input("x", 2).Node("Relu", ["x"], ["y"]).Node("Neg", ["x"], ["y"]).Output("y");
        Assert.Contains("output 'y' is also produced by another node", Rejects(twice).Message);
    }

    [Fact]
    public void Dims_the_data_cannot_hold_are_rejected_before_allocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        // 1000³ floats would be 4 GB; the initializer holds 4 of them
        var big = new ImportGraph().Input("x", 4).Init("w", [1, 2, 3, 4], 1000, 1000, 1000).Node("Add", ["x", "w"], ["y"]).Output("y");
        Assert.Contains("test.onnx: initializer 'w': dims [1000, 1000, 1000] need 1000000000 elements (4000000000 bytes) but the data holds 4 elements", Rejects(big).Message);
        var huge = new ImportGraph().Input("x", 4).Init("w", [1, 2, 3, 4], 1L << 40, 1L << 40).Node("Add", ["x", "w"], ["y"]).Output("y");
        Assert.Contains("claim more than 2147483647 elements", Rejects(huge).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "rejecting allocated the claimed size");

        var raw = new ImportGraph().Input("x", 4).Node("Add", ["x", "w"], ["y"]).Output("y");
        var t = new P.TensorProto { Name = "w", DataType = (int)P.TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(new byte[15]) };
        t.Dims.Add(4);
        raw.Model.Graph.Initializer.Add(t);
        Assert.Contains("initializer 'w': dims [4] need 4 elements (16 bytes) but the data holds 15 bytes", Rejects(raw).Message);
        Assert.Contains("negative dimension", Rejects(new ImportGraph().Input("x", 4).Init("w", [], -1).Node("Add", ["x", "w"], ["y"]).Output("y")).Message);

        // a Constant node's tensor is checked at load too, and the message names the node
        var constant = new ImportGraph().Input("x", 4);
        var value = new P.TensorProto { DataType = (int)P.TensorProto.Types.DataType.Float };
        value.Dims.AddRange([1000, 1000]);
        value.FloatData.Add(1);
        constant.Node("Constant", [], ["c"], new P.AttributeProto { Name = "value", Type = P.AttributeProto.Types.AttributeType.Tensor, T = value })
            .Node("Add", ["x", "c"], ["y"]).Output("y");
        Assert.Contains("node 'constant0' (Constant, opset 17): attribute 'value': dims [1000, 1000] need 1000000 elements", Rejects(constant).Message);
    }

    [Fact]
    public void A_few_bytes_of_shape_cannot_make_loading_allocate_gigabytes()
    {
        // ConstantOfShape of an initializer [40000, 40000]: 6.4 GB of zeros claimed by 16 bytes; nodes with constant
        // inputs are evaluated at load under a budget, so this fails there, naming the node
        long before = GC.GetAllocatedBytesForCurrentThread();
        var g = new ImportGraph().Input("x", 1).Ints("s", 40000, 40000).Node("ConstantOfShape", ["s"], ["z"]).Node("Add", ["x", "z"], ["y"]).Output("y");
        var e = Rejects(g);
        Assert.Contains("test.onnx: node 'constantofshape0' (ConstantOfShape, opset 17): evaluating it on its constant inputs would allocate too much", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        // a small one is folded: the model runs one step (the Add)
        var small = new ImportGraph().Input("x", 1).Ints("s", 2, 3).Node("ConstantOfShape", ["s"], ["z"]).Node("Add", ["x", "z"], ["y"]).Output("y").Load();
        Assert.Equal(1, small.StepCount);
        Assert.Equal([2, 3], small.Run(Tensor.Ones(1)).Shape.ToArray());
        // a node that fails on its constant inputs is the model's fault
        var bad = new ImportGraph().Input("x", 1).Init("a", [1, 2, 3], 3).Init("b", [1, 2], 2).Node("Add", ["a", "b"], ["c"]).Node("Add", ["x", "c"], ["y"]).Output("y");
        Assert.Contains("node 'add0' (Add, opset 17): evaluating it on its constant inputs failed", Rejects(bad).Message);
    }

    [Fact]
    public void A_run_can_be_held_to_a_memory_limit()
    {
        // padding 1500 around a 1×1 image: a 3001² output (36 MB) from a model of a few bytes
        var g = new ImportGraph().Input("x", 1, 1, 1, 1).Init("w", [1], 1, 1, 1, 1)
            .Node("Conv", ["x", "w"], ["y"], Attr("pads", new long[] { 1500, 1500, 1500, 1500 })).Output("y").Load();
        var inputs = new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(1, 1, 1, 1) };
        var e = Assert.Throws<InvalidOperationException>(() => g.Run(inputs, memoryLimitBytes: 16 << 20));
        Assert.Contains("test.onnx: node 'conv0' (Conv, opset 17): allocating a float32 tensor of 9006001 elements", e.Message);
        Assert.Equal(1f, g.Run(inputs)["y"][0, 0, 1500, 1500]); // without a limit it runs
    }

    [Fact]
    public void Unknown_attributes_and_unsupported_variants_are_named()
    {
        var conv = new ImportGraph().Input("x", 1, 1, 3, 3).Init("w", new float[9], 1, 1, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], Attr("foo", 1L)).Output("y");
        Assert.Contains("node 'conv0' (Conv, opset 17): attribute 'foo' is not supported (supported: auto_pad, dilations, group, kernel_shape, pads, strides)", Rejects(conv).Message);
        var nodeInputs = new ImportGraph().Input("x", 2).Node("Relu", ["x", "x"], ["y"]).Output("y");
        Assert.Contains("node 'relu0' (Relu, opset 17): has 2 inputs, 'Relu' takes 1–1", Rejects(nodeInputs).Message);

        // values the kernels cannot follow are refused at load too
        var lstm = new ImportGraph().Input("x", 2, 1, 3).Init("w", new float[4 * 2 * 3], 1, 8, 3).Init("r", new float[4 * 2 * 2], 1, 8, 2)
            .Node("LSTM", ["x", "w", "r"], ["y"], Attr("hidden_size", 2L), Attr("clip", 3f)).Output("y");
        Assert.Contains("test.onnx: node 'lstm0' (LSTM, opset 17): attribute 'clip' is not supported", Rejects(lstm).Message);
        var pool = new ImportGraph().Input("x", 1, 1, 4, 4).Node("MaxPool", ["x"], ["y"], Attr("kernel_shape", new long[] { 2, 2 }), Attr("dilations", new long[] { 2, 2 })).Output("y");
        Assert.Contains("node 'maxpool0' (MaxPool, opset 17): dilations other than 1 are not supported", Rejects(pool).Message);
        var bn = new ImportGraph().Input("x", 1, 1).Init("s", [1], 1).Node("BatchNormalization", ["x", "s", "s", "s", "s"], ["y"], Attr("training_mode", 1L)).Output("y");
        Assert.Contains("node 'batchnormalization0' (BatchNormalization, opset 17): training_mode 1 is not supported", Rejects(bn).Message);
    }

    [Fact]
    public void A_file_that_does_not_exist_is_FileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => OnnxModel.Load(Path.Combine(Path.GetTempPath(), "no-such-model-4711.onnx")));

    static int IndexOf(byte[] bytes, string s)
    {
        var needle = Encoding.ASCII.GetBytes(s);
        for (int i = 0; i + needle.Length <= bytes.Length; i++)
            if (bytes.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException(s + " not found");
    }
}
