using System.Collections;
using System.Runtime.ExceptionServices;
using System.Collections.Concurrent;
using Neurite.Data.Vision;

namespace Neurite.Data;

/// <summary>
/// Iterates a <see cref="Dataset"/> in mini-batches: optionally shuffled (a new seeded order each
/// epoch), with the last short batch kept or dropped, and the next batches prepared on a background
/// thread while the current one is used (like <c>torch.utils.data.DataLoader</c>).
/// </summary>
/// <remarks>
/// Each enumeration is one epoch. Epoch <c>e</c>'s order is a Fisher–Yates shuffle drawn from
/// <c>new Generator(seed ⊕ mix(e))</c>, so it depends only on (seed, e): the same seed gives the same
/// sequence of orders on every run, and prefetching never changes it (one producer fills the batches in
/// order, one consumer reads them in order). <see cref="Epoch"/> counts the enumerations started and can
/// be set to resume a run.
/// <code>
/// var loader = new DataLoader(train, batchSize: 64, shuffle: true, seed: 42);
/// for (int epoch = 0; epoch &lt; 10; epoch++)
///     foreach (var (x, y) in loader) { /* forward, loss, backward, step */ }
/// </code>
/// </remarks>
public sealed class DataLoader : IEnumerable<(Tensor x, Tensor y)>
{
    readonly Dataset dataset;

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch, at least 1.</param>
    /// <param name="shuffle">Draw a new random order each epoch (default: dataset order).</param>
    /// <param name="dropLast">Skip the final batch when it has fewer than <paramref name="batchSize"/> samples.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <param name="prefetch">Batches prepared ahead on a background thread; 0 builds each batch on the
    /// consuming thread when it is requested. Default 2.</param>
    /// <param name="transform">Applied to each batch's x where the batch is built (on the prefetch thread),
    /// e.g. image augmentation; its random draws come from <c>new Generator(mix(seed, epoch, batch))</c>, so the
    /// same seed gives the same augmented batches and each epoch new ones. Default none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> ≤ 0 or <paramref name="prefetch"/> &lt; 0.</exception>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle = false, bool dropLast = false, ulong seed = 0, int prefetch = 2,
        ITransform? transform = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"DataLoader: batchSize must be at least 1, got {batchSize}");
        if (prefetch < 0)
            throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, $"DataLoader: prefetch must be 0 or more, got {prefetch}");
        this.dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Seed = seed;
        Prefetch = prefetch;
        Transform = transform;
    }

    /// <summary>The per-batch transform of x, or null.</summary>
    public ITransform? Transform { get; }

    /// <summary>The data set being iterated.</summary>
    public Dataset Dataset => dataset;

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch draws a new order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a final short batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>Seed of the shuffle.</summary>
    public ulong Seed { get; }

    /// <summary>Batches prepared ahead of the consumer.</summary>
    public int Prefetch { get; }

    /// <summary>The epoch the next enumeration will run (0 at first; each enumeration increments it).</summary>
    public int Epoch { get; set; }

    /// <summary>Batches per epoch: ⌈N / batchSize⌉, or ⌊N / batchSize⌋ with <see cref="DropLast"/>.</summary>
    public int BatchCount => DropLast ? dataset.Count / BatchSize : (int)(((long)dataset.Count + BatchSize - 1) / BatchSize);  // long: no overflow at BatchSize = int.MaxValue

    /// <summary>The sample order of epoch <paramref name="epoch"/> (before batching and dropping).</summary>
    public int[] Order(int epoch)
    {
        var order = new int[dataset.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (Shuffle) new Generator(EpochSeed(Seed, epoch)).Shuffle<int>(order);
        return order;
    }

    // SplitMix-style mixing so that consecutive epochs get unrelated streams.
    static ulong EpochSeed(ulong seed, int epoch)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(epoch + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        return z ^ (z >> 27);
    }

    /// <summary>Starts an epoch: the batches of <see cref="Order"/>(<see cref="Epoch"/>), then increments <see cref="Epoch"/>.</summary>
    public IEnumerator<(Tensor x, Tensor y)> GetEnumerator()
    {
        int epoch = Epoch++;
        int[] order = Order(epoch);
        return Prefetch == 0 ? Sequential(order, epoch) : Prefetched(order, epoch);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    IEnumerator<(Tensor x, Tensor y)> Sequential(int[] order, int epoch)
    {
        int batches = BatchCount;
        for (int b = 0; b < batches; b++) yield return Batch(order, epoch, b);
    }

    (Tensor x, Tensor y) Batch(int[] order, int epoch, int b)
    {
        var (x, y) = dataset.GetBatch(BatchIndices(order, b));
        if (Transform is null) return (x, y);
        // Mixing the batch index into the epoch's seed gives every batch its own stream.
        var generator = new Generator(EpochSeed(EpochSeed(Seed, epoch) ^ 0xA5A5_5A5A_0F0F_F0F0UL, b));
        return (Transform.Apply(x, generator), y);
    }

    ReadOnlySpan<int> BatchIndices(int[] order, int b)
    {
        int start = b * BatchSize;
        return order.AsSpan(start, Math.Min(BatchSize, order.Length - start));
    }

    // The producer runs on its own thread (LongRunning), not the thread pool, and both sides block
    // synchronously: a consumer that itself sits on a pool thread (a test runner, a server) can then
    // never starve the producer of a thread.
    IEnumerator<(Tensor x, Tensor y)> Prefetched(int[] order, int epoch)
    {
        using var queue = new BlockingCollection<(Tensor x, Tensor y)>(Prefetch);
        using var stop = new CancellationTokenSource();
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                int batches = BatchCount;
                for (int b = 0; b < batches; b++) queue.Add(Batch(order, epoch, b), stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
            finally { queue.CompleteAdding(); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable()) yield return batch;
            producer.Wait();
            failure?.Throw();   // the batches before the failing one were delivered, in order
        }
        finally
        {
            // Abandoned mid-epoch (break, exception in the training step): stop the producer and wait
            // for it, so no thread keeps building batches nobody will read.
            stop.Cancel();
            producer.Wait();
        }
    }
}
