using System.Globalization;

namespace Neurite.Nn;

/// <summary>
/// How a convolution pads its input: a number of zeros on each side (<see cref="Of(int)"/>, or an int by implicit
/// conversion), <see cref="Valid"/> (none) or <see cref="Same"/>. Seed 003: 'VALID' does not pad, so each
/// convolution shrinks the feature map; 'SAME' pads so the output keeps the input's height and width.
/// </summary>
/// <remarks>
/// 'same' follows TensorFlow, which also defines it for strides: the output is ⌈H/stride⌉ and the total padding
/// max((out − 1)·stride + dilation·(k − 1) + 1 − H, 0) is split with the odd one at the bottom/right. With stride 1
/// that is dilation·(k − 1), as PyTorch's <c>padding='same'</c>.
/// <code>new Conv2d(3, 16, 5, padding: Padding.Same); new Conv2d(3, 16, 5, padding: 2);</code>
/// </remarks>
public readonly record struct Padding
{
    readonly int kind; // 0: explicit numbers (default: 0, 0, i.e. valid), 1: same

    /// <summary>Zeros added above and below (explicit padding only).</summary>
    public int H { get; }

    /// <summary>Zeros added left and right (explicit padding only).</summary>
    public int W { get; }

    Padding(int kind, int h, int w)
    {
        if (h < 0 || w < 0) throw new ArgumentOutOfRangeException(nameof(h), $"Padding: {h}, {w} must not be negative");
        (this.kind, H, W) = (kind, h, w);
    }

    /// <summary>No padding: 'VALID'.</summary>
    public static Padding Valid => default;

    /// <summary>Pad so the output is ⌈input/stride⌉ along each axis: 'SAME'.</summary>
    public static Padding Same { get; } = new(1, 0, 0);

    /// <summary><paramref name="p"/> zeros on every side.</summary>
    public static Padding Of(int p) => new(0, p, p);

    /// <summary><paramref name="h"/> zeros above and below, <paramref name="w"/> left and right.</summary>
    public static Padding Of(int h, int w) => new(0, h, w);

    /// <summary>An int pads every side by that many zeros.</summary>
    public static implicit operator Padding(int p) => Of(p);

    /// <summary>True for 'same'.</summary>
    public bool IsSame => kind == 1;

    /// <summary>Parses "valid", "same", "2" or "1,2" (case-insensitive), e.g. from a command line or model file.</summary>
    public static Padding Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "valid") return Valid;
        if (t == "same") return Same;
        var parts = t.Split(',');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            int h = int.Parse(parts[0], CultureInfo.InvariantCulture);
            return Of(h, parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : h);
        }
        throw new FormatException($"Padding: expected 'valid', 'same', a number or 'h,w', got '{text}'");
    }

    /// <summary>(before, after) padding along an axis of length <paramref name="n"/>.</summary>
    public (int Before, int After) Along(int n, int kernel, int stride, int dilation, bool height)
    {
        if (!IsSame) return height ? (H, H) : (W, W);
        int output = (n + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + dilation * (kernel - 1) + 1 - n, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>"same", or the numbers: "2" or "(1, 2)".</summary>
    public override string ToString() => IsSame ? "same" : H == W ? H.ToString(CultureInfo.InvariantCulture) : $"({H}, {W})";
}
