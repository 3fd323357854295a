using Neurite.Data;

namespace Neurite.Bench;

/// <summary>A training set cut into the batches of one epoch before any timing, as the `mlp` and `lenet` workloads
/// (and bench/pytorch's mlp.py and lenet.py) use it: one seeded shuffle (seed 0), the same order for every pass, the
/// last batch the remainder (60,000 samples: 469 batches of 128, the last of 96; 938 of 64, the last of 32).</summary>
internal static class EpochBatches
{
    public static List<(Tensor x, Tensor y)> Of(Dataset train, int batch)
    {
        var order = new DataLoader(train, batch, shuffle: true, seed: 0, prefetch: 0).Order(0);
        var batches = new List<(Tensor x, Tensor y)>();
        for (int s = 0; s < order.Length; s += batch)
            batches.Add(train.GetBatch(order.AsSpan(s, Math.Min(batch, order.Length - s))));
        return batches;
    }
}
