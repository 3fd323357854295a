using Neurite.Data.Vision;

namespace Neurite.Seq2Seq;

/// <summary>A picture of attention weights: one row per decoding step (target token), one column per source
/// position, each weight a cell × cell square of grey from black (0) to white
/// (the largest weight in the picture, so faint alignments stay visible).</summary>
public static class AttentionHeatMap
{
    /// <summary>The PNG file (8-bit grey) of <paramref name="weights"/> (rows of equal length, e.g.
    /// <see cref="Hypothesis.Attention"/>): (columns · cell) × (rows · cell) pixels.</summary>
    /// <exception cref="ArgumentException">No rows, rows of different or zero length, or a weight outside [0, 1].</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cell"/> ∉ [1, 256].</exception>
    public static byte[] Png(IReadOnlyList<float[]> weights, int cell = 16)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (cell is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(cell), cell, "AttentionHeatMap: cell must be in [1, 256] pixels");
        if (weights.Count == 0 || weights[0].Length == 0) throw new ArgumentException("AttentionHeatMap: no weights to draw", nameof(weights));
        int rows = weights.Count, cols = weights[0].Length;
        float max = 0;
        for (int r = 0; r < rows; r++)
        {
            if (weights[r].Length != cols) throw new ArgumentException($"AttentionHeatMap: row {r} has {weights[r].Length} weights, row 0 has {cols}", nameof(weights));
            foreach (float w in weights[r])
            {
                if (!(w >= 0 && w <= 1)) throw new ArgumentException($"AttentionHeatMap: weight {w} in row {r} is outside [0, 1]", nameof(weights));
                max = Math.Max(max, w);
            }
        }
        int width = cols * cell, height = rows * cell;
        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                pixels[y * width + x] = (byte)Math.Round(max > 0 ? 255 * weights[y / cell][x / cell] / max : 0);
        return Data.Vision.Png.Encode(pixels, width, height, 1);
    }
}
