using System.Globalization;
using System.Text;

namespace Neurite;

// Printing in PyTorch's style (torch/_tensor_str.py, default print options): tensor([[ 0.1000, -1.2000], [...]], requires_grad=True)
public sealed partial class Tensor
{
    const int SummariseAbove = 1000;  // elements; larger tensors show 3 items at each edge, like PyTorch
    const int EdgeItems = 3;
    const int LineWidth = 80;         // rows longer than this wrap, like PyTorch
    const string Prefix = "tensor(";

    /// <summary>The values as PyTorch prints them: <c>tensor([[1., 2.], [3., 4.]])</c>, wrapped at 80 columns, tensors over
    /// 1000 elements summarised with 3 items at each edge; then <c>dtype=</c> for float64, and <c>grad_fn=</c> or
    /// <c>requires_grad=True</c>.</summary>
    public override string ToString()
    {
        var values = ToDoubleArray();
        var sb = new StringBuilder(Prefix);
        if (numel == 0)
        {
            sb.Append("[]");
            if (Rank != 1) sb.Append(", size=(").Append(string.Join(", ", shape)).Append(")");
        }
        else
        {
            bool summarise = numel > SummariseAbove;
            // As PyTorch does, the number format is chosen from the elements that are shown.
            var shown = new List<double>();
            if (Rank == 0) shown.Add(values[0]);
            else CollectShown(values, 0, 0, summarise, shown);
            var formatter = new Formatter(DType, shown);
            if (Rank == 0) sb.Append(formatter.Format(values[0]));
            else AppendDim(sb, values, 0, 0, formatter, summarise, Prefix.Length);
        }
        if (DType == DType.Float64 || (numel == 0 && DType == DType.Int64)) sb.Append(", dtype=").Append(DType.Name());
        if (GradFn is { } node) sb.Append(", grad_fn=").Append(node);
        else if (RequiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
    }

    int RowStride(int dim)
    {
        int stride = 1;
        for (int i = dim + 1; i < Rank; i++) stride *= shape[i];
        return stride;
    }

    /// <summary>The indices 0..count−1 that are printed: all, or the edges when summarising.</summary>
    static IEnumerable<int> ShownIndices(int count, bool summarise)
    {
        bool cut = summarise && count > 2 * EdgeItems;
        for (int i = 0; i < count; i++)
        {
            if (cut && i == EdgeItems) i = count - EdgeItems;
            yield return i;
        }
    }

    void CollectShown(double[] values, int dim, int start, bool summarise, List<double> shown)
    {
        int stride = RowStride(dim);
        foreach (int i in ShownIndices(shape[dim], summarise))
        {
            if (dim == Rank - 1) shown.Add(values[start + i]);
            else CollectShown(values, dim + 1, start + i * stride, summarise, shown);
        }
    }

    void AppendDim(StringBuilder sb, double[] values, int dim, int start, Formatter formatter, bool summarise, int indent)
    {
        int count = shape[dim];
        bool cut = summarise && count > 2 * EdgeItems;
        var items = new List<string>();
        if (dim == Rank - 1)
        {
            foreach (int i in ShownIndices(count, summarise))
            {
                if (cut && i == count - EdgeItems) items.Add(" ...");
                items.Add(formatter.Format(values[start + i]));
            }
            // elements per line: the row wraps at LineWidth, each element taking its width + ", "
            int perLine = Math.Max(1, (LineWidth - indent) / (formatter.Width + 2));
            sb.Append('[');
            for (int i = 0; i < items.Count; i++)
            {
                if (i > 0) sb.Append(i % perLine == 0 ? ",\n" + new string(' ', indent + 1) : ", ");
                sb.Append(items[i]);
            }
            sb.Append(']');
            return;
        }
        int stride = RowStride(dim);
        string separator = "," + new string('\n', Rank - 1 - dim) + new string(' ', indent + 1);
        sb.Append('[');
        bool first = true;
        foreach (int i in ShownIndices(count, summarise))
        {
            if (!first) sb.Append(separator);
            first = false;
            if (cut && i == count - EdgeItems) sb.Append("...").Append(separator);
            AppendDim(sb, values, dim + 1, start + i * stride, formatter, summarise, indent + 1);
        }
        sb.Append(']');
    }

    /// <summary>PyTorch's <c>_Formatter</c>: integer, fixed (4 decimals) or scientific notation, chosen from
    /// the non-zero finite values, and the width every element is padded to.</summary>
    sealed class Formatter
    {
        readonly DType dtype;
        readonly bool integral = true, scientific;

        public int Width { get; } = 1;

        public Formatter(DType dtype, List<double> values)
        {
            this.dtype = dtype;
            if (dtype == DType.Int64)
            {
                foreach (var v in values) Width = Math.Max(Width, Format(v).Length);
                return;
            }
            var finite = values.Where(v => double.IsFinite(v) && v != 0).ToList();
            if (finite.Count == 0) return;
            double min = finite.Min(Math.Abs), max = finite.Max(Math.Abs);
            integral = finite.TrueForAll(v => v == Math.Ceiling(v));
            scientific = max / min > 1000 || max > 1e8 || (!integral && min < 1e-4);
            foreach (var v in finite) Width = Math.Max(Width, Format(v).Length);
        }

        public string Format(double v)
        {
            string s;
            if (dtype == DType.Int64) s = ((long)v).ToString(CultureInfo.InvariantCulture);
            else if (double.IsNaN(v)) s = "nan";
            else if (double.IsInfinity(v)) s = v > 0 ? "inf" : "-inf";
            else if (scientific) s = v.ToString("0.0000e+00", CultureInfo.InvariantCulture);
            else if (integral) s = v.ToString("0", CultureInfo.InvariantCulture) + ".";
            else s = v.ToString("0.0000", CultureInfo.InvariantCulture);
            return s.PadLeft(Width);
        }
    }
}
