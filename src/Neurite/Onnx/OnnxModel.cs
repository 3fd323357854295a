using Neurite.Serialization;

namespace Neurite.Onnx;

/// <summary>One dimension of a declared input or output shape: a number, a symbol such as <c>batch</c>, or unknown.</summary>
public readonly record struct OnnxDim(long? Value, string? Symbol)
{
    /// <inheritdoc/>
    public override string ToString() => Value?.ToString() ?? Symbol ?? "?";
}

/// <summary>A graph input or output: its name, element type (float32 for an output whose type the file leaves out) and
/// declared shape (null when the file declares none).</summary>
public sealed record OnnxValueInfo(string Name, DType DType, IReadOnlyList<OnnxDim>? Shape)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {DType.Name()}{(Shape is null ? "" : "[" + string.Join(", ", Shape) + "]")}";
}

/// <summary>
/// An ONNX model loaded for inference: the graph's initializers become tensors, each node is bound to one entry of
/// the operator table (<see cref="OnnxOperators"/>), and <see cref="Run(IReadOnlyDictionary{string, Tensor}, long?)"/>
/// interprets the nodes in order with Neurite's own ops (Tensor.Linear, MatMul, Conv2d, …) under
/// <see cref="Autograd.NoGrad"/>.
/// </summary>
/// <remarks>
/// A model file is untrusted data. <see cref="Load(string)"/> rejects, with a <see cref="ModelFormatException"/> that
/// names the file, the node (name and op type) and the opset: bytes that are not an ONNX protobuf (truncated,
/// corrupt), an operator or opset outside the table, an attribute the implementation does not understand, a node
/// input nothing produces, a graph that is not topologically sorted, and a tensor whose dims claim more elements
/// than its data holds (checked before anything is allocated).
/// </remarks>
/// <example><code>
/// var model = OnnxModel.Load("mlp.onnx");                 // exported by torch.onnx.export
/// var y = model.Run(new Dictionary&lt;string, Tensor&gt; { ["input"] = x })["output"];
/// </code></example>
public sealed partial class OnnxModel
{
    readonly string source;
    readonly Step[] steps;
    readonly Tensor?[] template;      // initializers and Constant outputs in their slots; the rest null
    readonly int[] inputSlots, outputSlots;

    /// <summary>The graph inputs a caller must feed (initializers listed as inputs are not among them), in file order.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    /// <summary>The graph outputs <see cref="Run(IReadOnlyDictionary{string, Tensor}, long?)"/> returns, in file order.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>The names of <see cref="Inputs"/>.</summary>
    public IReadOnlyList<string> InputNames => Inputs.Select(i => i.Name).ToArray();

    /// <summary>The names of <see cref="Outputs"/>.</summary>
    public IReadOnlyList<string> OutputNames => Outputs.Select(o => o.Name).ToArray();

    /// <summary>The version of the default ONNX operator set the model imports.</summary>
    public int Opset { get; }

    /// <summary>The number of steps <see cref="Run(IReadOnlyDictionary{string, Tensor}, long?)"/> executes: the graph's nodes
    /// less the Constant nodes (evaluated at load) and the Relus fused into the Gemm or Conv before them.</summary>
    public int StepCount => steps.Length;

    /// <summary>
    /// Runs the graph on named inputs (float32 tensors, int64 where the model declares int64) and returns every graph
    /// output by name. Runs under <see cref="Autograd.NoGrad"/>; the inputs are not modified.
    /// </summary>
    /// <param name="inputs">The graph inputs by name.</param>
    /// <param name="memoryLimitBytes">If given, the most tensor memory the run may allocate (an
    /// <see cref="AllocationBudget"/>): a model from an untrusted source can declare attributes (huge padding, a shape
    /// computed from the input) that make a run allocate far more than the file suggests. Default: no limit.</param>
    /// <exception cref="ArgumentException">An input is missing or unknown, or its dtype, rank or a fixed or shared
    /// symbolic dimension differs from the declaration, e.g. <c>input 'input' expects [batch, 8], got [3, 7]</c>.</exception>
    /// <exception cref="InvalidOperationException">A node failed on these inputs (the message names it), including
    /// going over <paramref name="memoryLimitBytes"/>.</exception>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, long? memoryLimitBytes = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var slots = (Tensor?[])template.Clone();
        BindInputs(inputs, slots);
        using (Autograd.NoGrad())
        using (AllocationBudget.Limit(memoryLimitBytes ?? long.MaxValue))
            foreach (var step in steps) Execute(step, slots);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < Outputs.Count; i++) result[Outputs[i].Name] = slots[outputSlots[i]]!;
        return result;
    }

    /// <summary>Runs a model with one input and one output: <c>model.Run(x)</c>.</summary>
    /// <exception cref="InvalidOperationException">The model has more than one input or output.</exception>
    public Tensor Run(Tensor input)
    {
        if (Inputs.Count != 1 || Outputs.Count != 1)
            throw new InvalidOperationException($"{source}: Run(Tensor) needs a model with one input and one output; this one has inputs [{string.Join(", ", InputNames)}] and outputs [{string.Join(", ", OutputNames)}]");
        return Run(new Dictionary<string, Tensor> { [Inputs[0].Name] = input })[Outputs[0].Name];
    }

    void BindInputs(IReadOnlyDictionary<string, Tensor> inputs, Tensor?[] slots)
    {
        foreach (var name in inputs.Keys)
            if (!Inputs.Any(i => i.Name == name))
                throw new ArgumentException($"{source}: the model has no input '{name}' (inputs: {string.Join(", ", InputNames)})", nameof(inputs));
        var symbols = new Dictionary<string, (int Size, string Input)>(StringComparer.Ordinal);
        for (int i = 0; i < Inputs.Count; i++)
        {
            var info = Inputs[i];
            if (!inputs.TryGetValue(info.Name, out var t) || t is null)
                throw new ArgumentException($"{source}: input '{info.Name}' is missing (inputs: {string.Join(", ", InputNames)})", nameof(inputs));
            CheckInput(info, t, symbols);
            slots[inputSlots[i]] = t;
        }
    }

    void CheckInput(OnnxValueInfo info, Tensor t, Dictionary<string, (int Size, string Input)> symbols)
    {
        string given = $"{t.DType.Name()} {Neurite.Shape.Format(t.Shape)}";
        if (t.DType != info.DType)
            throw new ArgumentException($"{source}: input '{info.Name}' expects {info}, got {given}");
        if (info.Shape is not { } dims) return;
        bool fits = dims.Count == t.Rank;
        for (int d = 0; fits && d < dims.Count; d++)
        {
            if (dims[d].Value is { } v) fits = v == t.Shape[d];
            else if (dims[d].Symbol is { } s)
            {
                if (symbols.TryGetValue(s, out var seen) && seen.Size != t.Shape[d])
                    throw new ArgumentException($"{source}: input '{info.Name}' expects [{string.Join(", ", dims)}] with {s} = {seen.Size} (from input '{seen.Input}'), got {given}");
                symbols[s] = (t.Shape[d], info.Name);
            }
        }
        if (!fits) throw new ArgumentException($"{source}: input '{info.Name}' expects [{string.Join(", ", dims)}], got {given}");
    }

    void Execute(Step step, Tensor?[] slots)
    {
        var args = new Tensor?[step.Inputs.Length];
        for (int i = 0; i < args.Length; i++) args[i] = step.Inputs[i] < 0 ? null : slots[step.Inputs[i]];
        Tensor?[] results;
        try { results = step.Operator.Run(step.Node, args); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new InvalidOperationException($"{step.Node.Where}: {e.Message}", e);
        }
        for (int i = 0; i < step.Outputs.Length; i++)
        {
            if (step.Outputs[i] < 0) continue;
            if (i >= results.Length || results[i] is null)
                throw step.Node.Bad($"output {i} ('{step.Node.Proto.Output[i]}') is not supported by this implementation");
            slots[step.Outputs[i]] = results[i];
        }
        foreach (int s in step.Release) slots[s] = null; // the last reader is done: let the GC have it
    }

    /// <summary>One node bound to its operator: input and output slots (−1: absent) and the slots it reads last.</summary>
    sealed record Step(OnnxNode Node, OnnxOperator Operator, int[] Inputs, int[] Outputs, int[] Release);

    OnnxModel(string source, int opset, Step[] steps, Tensor?[] template, OnnxValueInfo[] inputs, int[] inputSlots, OnnxValueInfo[] outputs, int[] outputSlots)
    {
        (this.source, Opset, this.steps, this.template) = (source, opset, steps, template);
        (Inputs, this.inputSlots, Outputs, this.outputSlots) = (inputs, inputSlots, outputs, outputSlots);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"OnnxModel({Path.GetFileName(source)}, opset {Opset}, {steps.Length} steps; inputs {string.Join(", ", Inputs)}; outputs {string.Join(", ", Outputs)})";
}
