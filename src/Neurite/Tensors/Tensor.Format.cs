using System.Globalization;
using System.Text;

namespace Neurite;

// Printing in PyTorch's style: tensor([[ 0.1000, -1.2000], [...]], requires_grad=True)
public sealed partial class Tensor
{
    const int SummariseAbove = 1000;  // elements; larger tensors show 3 items at each edge, like PyTorch
    const int EdgeItems = 3;

    public override string ToString()
    {
        var values = ToDoubleArray();
        bool integral = DType == DType.Int64 || Array.TrueForAll(values, v => !double.IsFinite(v) || v == Math.Floor(v));
        bool summarise = numel > SummariseAbove;
        bool scientific = false;
        if (DType != DType.Int64)
        {
            double maxAbs = 0, minAbs = double.PositiveInfinity;
            foreach (var v in values)
                if (double.IsFinite(v) && v != 0) { maxAbs = Math.Max(maxAbs, Math.Abs(v)); minAbs = Math.Min(minAbs, Math.Abs(v)); }
            scientific = maxAbs >= 1e8 || (minAbs < 1e-4 && maxAbs > 0) || (maxAbs / minAbs > 1000 && maxAbs > 0 && !integral);
        }
        string Format(double v) =>
            DType == DType.Int64 ? ((long)v).ToString(CultureInfo.InvariantCulture)
            : double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
            : scientific ? v.ToString("0.0000e+00", CultureInfo.InvariantCulture)
            : integral ? v.ToString("0", CultureInfo.InvariantCulture) + "."
            : v.ToString("0.0000", CultureInfo.InvariantCulture);

        int width = 0;
        foreach (var v in values) width = Math.Max(width, Format(v).Length);
        var sb = new StringBuilder("tensor(");
        if (Rank == 0) sb.Append(Format(values[0]));
        else AppendDim(sb, values, 0, 0, width, Format, summarise, "tensor(".Length);
        if (DType == DType.Float64) sb.Append(", dtype=float64");
        if (GradFn is { } node) sb.Append(", grad_fn=").Append(node);
        else if (RequiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
    }

    void AppendDim(StringBuilder sb, double[] values, int dim, int start, int width, Func<double, string> format, bool summarise, int indent)
    {
        int count = shape[dim];
        int stride = 1;
        for (int i = dim + 1; i < Rank; i++) stride *= shape[i];
        sb.Append('[');
        for (int i = 0; i < count; i++)
        {
            if (summarise && count > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(dim == Rank - 1 ? "..., " : "...,\n" + new string(' ', indent + 1 + dim));
                i = count - EdgeItems;
            }
            if (dim == Rank - 1) sb.Append(format(values[start + i]).PadLeft(width));
            else AppendDim(sb, values, dim + 1, start + i * stride, width, format, summarise, indent);
            if (i < count - 1)
                sb.Append(dim == Rank - 1 ? ", " : "," + new string('\n', Rank - 1 - dim) + new string(' ', indent + 1 + dim));
        }
        sb.Append(']');
    }
}
