using Google.Protobuf;
using Neurite.Serialization;
using Proto = global::Onnx;

namespace Neurite.Onnx;

// Loading: parse the protobuf, check the graph (opsets, operators, wiring, order), convert initializers, bind every
// node to its operator. Nothing is allocated for a tensor before its claimed size has been checked against its data.
public sealed partial class OnnxModel
{
    /// <summary>The newest default opset this importer knows; every operator's range ends at or before it.</summary>
    public const int MaxOpset = 21;

    /// <summary>Loads an ONNX model file (<c>.onnx</c>, weights inside the file).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid model this importer supports (see the remarks of <see cref="OnnxModel"/>).</exception>
    public static OnnxModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"onnx: file not found: {path}", path);
        return Load(File.ReadAllBytes(path), path);
    }

    /// <summary>Loads an ONNX model from a stream; <paramref name="name"/> stands for the file in error messages.</summary>
    public static OnnxModel Load(Stream stream, string name = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Load(buffer.ToArray(), name);
    }

    /// <summary>Loads an ONNX model from its bytes; <paramref name="name"/> stands for the file in error messages.</summary>
    public static OnnxModel Load(byte[] bytes, string name = "<bytes>")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Proto.ModelProto model;
        try { model = Proto.ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e) { throw new ModelFormatException($"{name}: not a valid ONNX model (truncated or not protobuf): {e.Message}"); }
        return Build(model, name, bytes.Length);
    }

    internal static OnnxModel Build(Proto.ModelProto model, string source, long fileBytes)
    {
        ModelFormatException Bad(string problem) => new($"{source}: {problem}");
        if (model.Graph is not { } graph) throw Bad("not a valid ONNX model: it has no graph");
        int opset = DefaultOpset(model, source);
        var slotOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var template = new List<Tensor?>();
        int Slot(string value)
        {
            if (!slotOf.TryGetValue(value, out int s)) { s = template.Count; slotOf[value] = s; template.Add(null); }
            return s;
        }

        foreach (var init in graph.Initializer)
        {
            if (slotOf.ContainsKey(init.Name)) throw Bad($"initializer '{Quote(init.Name)}' is defined twice");
            template[Slot(init.Name)] = OnnxTensors.ToTensor(init, $"{source}: initializer '{Quote(init.Name)}'");
        }
        if (graph.SparseInitializer.Count > 0) throw Bad("sparse initializers are not supported");
        var inputs = new List<OnnxValueInfo>();
        var inputSlots = new List<int>();
        foreach (var vi in graph.Input)
        {
            if (slotOf.TryGetValue(vi.Name, out int known) && template[known] is not null) continue; // an initializer listed as an input (IR < 4): a weight
            if (slotOf.ContainsKey(vi.Name)) throw Bad($"graph input '{Quote(vi.Name)}' is declared twice");
            inputs.Add(OnnxTensors.Info(vi, $"{source}: graph input '{Quote(vi.Name)}'"));
            inputSlots.Add(Slot(vi.Name));
        }

        var producers = new Dictionary<string, Proto.NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            foreach (var o in node.Output)
                if (o.Length > 0 && (!producers.TryAdd(o, node) || slotOf.ContainsKey(o)))
                    throw new OnnxNode(node, source, opset).Bad($"output '{Quote(o)}' is also produced by another node, an initializer or a graph input");

        var steps = new List<Step>();
        // nodes whose inputs are all constants are evaluated here, once, under a budget: a few bytes of shape must not
        // make a run allocate gigabytes (ConstantOfShape of [40000, 40000])
        using var budget = AllocationBudget.Limit(FoldingBudget(fileBytes));
        foreach (var proto in graph.Node)
        {
            var node = new OnnxNode(proto, source, opset);
            var op = Resolve(node, model);
            var ins = new int[proto.Input.Count];
            for (int i = 0; i < ins.Length; i++)
            {
                string name = proto.Input[i];
                if (name.Length == 0) { ins[i] = -1; continue; } // an optional input left out
                if (!slotOf.TryGetValue(name, out ins[i]))
                    throw node.Bad(producers.ContainsKey(name)
                        ? $"input '{Quote(name)}' is produced by a later node: the graph is not topologically sorted or has a cycle"
                        : $"input '{Quote(name)}' is not produced by any node, initializer or graph input (dangling)");
            }
            var outs = proto.Output.Select(o => o.Length == 0 ? -1 : Slot(o)).ToArray();
            if (ins.All(i => i < 0 || template[i] is not null))
            {
                Fold(node, op, ins, outs, template);
                continue;
            }
            steps.Add(new Step(node, op, ins, outs, []));
        }

        var outputs = new List<OnnxValueInfo>();
        var outputSlots = new List<int>();
        foreach (var vi in graph.Output)
        {
            if (!slotOf.TryGetValue(vi.Name, out int s))
                throw Bad($"graph output '{Quote(vi.Name)}' is not produced by any node, initializer or graph input");
            outputs.Add(OnnxTensors.Info(vi, $"{source}: graph output '{Quote(vi.Name)}'", allowUnknownType: true));
            outputSlots.Add(s);
        }
        if (outputs.Count == 0) throw Bad("the graph has no outputs");
        return new OnnxModel(source, opset, WithReleases(FuseRelu(steps, outputSlots), outputSlots, template), [.. template], [.. inputs], [.. inputSlots], [.. outputs], [.. outputSlots]);
    }

    /// <summary>What constant folding may allocate: 64 MB plus four times the file.</summary>
    internal static long FoldingBudget(long fileBytes) => (64L << 20) + 4 * fileBytes;

    /// <summary>Runs a node whose inputs are all known at load (Constant nodes, shape arithmetic on initializers) and
    /// stores its outputs as constants; a failure is the model's fault and names the node.</summary>
    static void Fold(OnnxNode node, OnnxOperator op, int[] ins, int[] outs, List<Tensor?> template)
    {
        Tensor?[] results;
        try
        {
            using (Autograd.NoGrad()) results = op.Run(node, ins.Select(i => i < 0 ? null : template[i]).ToArray());
        }
        catch (AllocationBudgetExceededException e) { throw node.Bad($"evaluating it on its constant inputs would allocate too much ({e.Message})"); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw node.Bad($"evaluating it on its constant inputs failed: {e.Message}");
        }
        for (int i = 0; i < outs.Length; i++)
        {
            if (outs[i] < 0) continue;
            template[outs[i]] = i < results.Length && results[i] is { } t ? t : throw node.Bad($"output {i} is not supported by this implementation");
        }
    }

    static int DefaultOpset(Proto.ModelProto model, string source)
    {
        long? opset = null;
        foreach (var imp in model.OpsetImport)
            if (imp.Domain is "" or "ai.onnx") opset = imp.Version;
        if (opset is not { } v) throw new ModelFormatException($"{source}: the model imports no version of the default ONNX operator set (opset_import)");
        // an unsupported version is reported at the first node, naming it: its operator's range misses the version
        if (v < 1 || v > int.MaxValue) throw new ModelFormatException($"{source}: opset {v} is not a valid version");
        return (int)v;
    }

    static OnnxOperator Resolve(OnnxNode node, Proto.ModelProto model)
    {
        var proto = node.Proto;
        if (proto.Domain is not ("" or "ai.onnx"))
            throw node.Bad($"operator domain '{Quote(proto.Domain)}' is not supported (only the default ONNX domain)");
        if (!OnnxOperators.Table.TryGetValue(proto.OpType, out var op))
            throw node.Bad($"operator '{Quote(proto.OpType)}' is not supported (supported: {string.Join(", ", OnnxOperators.Table.Keys.Order(StringComparer.Ordinal))})");
        if (node.Opset < op.Since || node.Opset > op.Until)
            throw node.Bad($"'{proto.OpType}' is supported for opsets {op.Since}–{op.Until} only");
        if (proto.Input.Count < op.MinInputs || proto.Input.Count > op.MaxInputs)
            throw node.Bad($"has {proto.Input.Count} inputs, '{proto.OpType}' takes {op.MinInputs}–{op.MaxInputs}");
        for (int i = 0; i < op.MinInputs; i++)
            if (proto.Input[i].Length == 0) throw node.Bad($"required input {i} is empty");
        if (proto.Output.Count < 1 || proto.Output.Count > op.MaxOutputs)
            throw node.Bad($"has {proto.Output.Count} outputs, this implementation of '{proto.OpType}' produces 1–{op.MaxOutputs}");
        foreach (var a in proto.Attribute)
        {
            if (!op.Attributes.Contains(a.Name))
                throw node.Bad($"attribute '{Quote(a.Name)}' is not supported (supported: {(op.Attributes.Length == 0 ? "none" : string.Join(", ", op.Attributes))})");
            if (!string.IsNullOrEmpty(a.RefAttrName)) throw node.Bad($"attribute '{Quote(a.Name)}' refers to a function attribute, which is not supported");
        }
        op.Check?.Invoke(node);
        return op;
    }

    /// <summary>
    /// Gemm or Conv followed by a Relu that is the only reader of its output becomes one step running Tensor.LinearRelu
    /// or Tensor.Conv2dRelu (the ReLU applied in the kernel's store, as Neurite's own layers do; the values are the same).
    /// </summary>
    static List<Step> FuseRelu(List<Step> steps, List<int> outputSlots)
    {
        var readers = new Dictionary<int, int>();
        var producer = new Dictionary<int, int>();
        for (int i = 0; i < steps.Count; i++)
        {
            foreach (int s in steps[i].Inputs) if (s >= 0) readers[s] = readers.GetValueOrDefault(s) + 1;
            foreach (int s in steps[i].Outputs) if (s >= 0) producer[s] = i;
        }
        var fusedInto = new Dictionary<int, Step>(); // producer index → the Relu it absorbs
        foreach (var relu in steps)
        {
            if (relu.Node.OpType != "Relu" || relu.Inputs.Length != 1 || relu.Inputs[0] < 0) continue;
            int slot = relu.Inputs[0];
            if (producer.TryGetValue(slot, out int p) && steps[p].Node.OpType is "Gemm" or "Conv" && steps[p].Outputs.Length == 1
                && readers[slot] == 1 && !outputSlots.Contains(slot))
                fusedInto[p] = relu;
        }
        var result = new List<Step>(steps.Count);
        var absorbed = fusedInto.Values.ToHashSet();
        for (int i = 0; i < steps.Count; i++)
        {
            if (absorbed.Contains(steps[i])) continue;
            if (!fusedInto.TryGetValue(i, out var relu)) { result.Add(steps[i]); continue; }
            steps[i].Node.FusedRelu = true;
            result.Add(steps[i] with { Outputs = relu.Outputs });
        }
        return result;
    }

    /// <summary>Marks, at each step, the slots no later step and no graph output reads, so a run frees them early.</summary>
    static Step[] WithReleases(List<Step> steps, List<int> outputSlots, List<Tensor?> template)
    {
        var last = new Dictionary<int, int>();
        for (int i = 0; i < steps.Count; i++)
            foreach (int s in steps[i].Inputs)
                if (s >= 0) last[s] = i;
        var keep = new HashSet<int>(outputSlots);
        var release = new List<int>[steps.Count];
        foreach (var (slot, at) in last)
            if (!keep.Contains(slot) && template[slot] is null) (release[at] ??= []).Add(slot);
        return steps.Select((s, i) => s with { Release = release[i]?.ToArray() ?? [] }).ToArray();
    }

    internal static string Quote(string s) => SafeTensors.Quote(s);
}
