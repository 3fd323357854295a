using System.Globalization;
using System.Text;

namespace Neurite.Nn;

/// <summary>One row of a model summary: a layer, its output shape and its parameter count.</summary>
public sealed record SummaryRow(string Name, string Layer, int[] OutputShape, long Parameters);

/// <summary>
/// A Keras-style summary: each layer with its output shape and parameter count, and the totals.
/// It runs one forward pass in evaluation mode without gradients on zeros of the given input shape,
/// walking into nested <see cref="Sequential"/> containers; any other module is one row.
/// </summary>
public sealed record ModelSummary(IReadOnlyList<SummaryRow> Rows, long TotalParameters, long TrainableParameters, int[] InputShape)
{
    /// <summary>Summarises <paramref name="model"/> for one input sample of <paramref name="sampleShape"/> (batch dimension excluded).</summary>
    public static ModelSummary Of(Module model, params int[] sampleShape)
    {
        var rows = new List<SummaryRow>();
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using (Autograd.NoGrad())
                Walk(model, "", Tensor.Zeros([1, .. sampleShape]), rows);
        }
        finally { model.Train(wasTraining); }
        long total = model.ParameterCount();
        long trainable = model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Sum(p => (long)p.Parameter.NumEl);
        return new ModelSummary(rows, total, trainable, sampleShape);
    }

    static Tensor Walk(Module m, string name, Tensor x, List<SummaryRow> rows)
    {
        if (m is Sequential seq)
        {
            for (int i = 0; i < seq.Count; i++) x = Walk(seq[i], name.Length == 0 ? $"{i}" : $"{name}.{i}", x, rows);
            return x;
        }
        var y = m.Invoke(x);
        rows.Add(new SummaryRow(name, m.Describe(), y.Shape.ToArray(), m.ParameterCount()));
        return y;
    }

    /// <summary>The table: one row per layer (name, description, output shape with N for the batch, parameters), then
    /// the input shape and the total, trainable and non-trainable parameter counts, as Keras' <c>model.summary()</c>.</summary>
    public override string ToString()
    {
        static string Shape(int[] s) => "[" + (s.Length > 0 ? "N" + string.Concat(s.Skip(1).Select(d => ", " + d.ToString(CultureInfo.InvariantCulture))) : "") + "]";
        int nameW = Math.Max(5, Rows.Max(r => (int?)r.Name.Length) ?? 0);
        int layerW = Math.Max(5, Rows.Max(r => (int?)r.Layer.Length) ?? 0);
        int shapeW = Math.Max(12, Rows.Max(r => (int?)Shape(r.OutputShape).Length) ?? 0);
        var sb = new StringBuilder();
        string header = $"{"#".PadRight(nameW)}  {"Layer".PadRight(layerW)}  {"Output shape".PadRight(shapeW)}  {"Params",12}";
        string rule = new('─', header.Length);
        sb.AppendLine(rule).AppendLine(header).AppendLine(rule);
        foreach (var r in Rows)
            sb.AppendLine($"{r.Name.PadRight(nameW)}  {r.Layer.PadRight(layerW)}  {Shape(r.OutputShape).PadRight(shapeW)}  {r.Parameters.ToString("N0", CultureInfo.InvariantCulture),12}");
        sb.AppendLine(rule);
        sb.AppendLine($"Input: [N, {string.Join(", ", InputShape)}]");
        sb.AppendLine($"Total params: {TotalParameters.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine($"Trainable params: {TrainableParameters.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine($"Non-trainable params: {(TotalParameters - TrainableParameters).ToString("N0", CultureInfo.InvariantCulture)}");
        return sb.ToString();
    }
}
