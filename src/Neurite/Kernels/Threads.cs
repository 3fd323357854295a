namespace Neurite.Kernels;

/// <summary>
/// The process-wide number of threads that kernels may use, like <c>torch.set_num_threads</c>.
/// Defaults to the number of cores. Kernels split work only when it is large enough to pay
/// for the hand-off; small tensors always run on the calling thread.
/// </summary>
public static class Threads
{
    static int count = Environment.ProcessorCount;

    /// <summary>Threads a kernel may use (≥ 1). Set it once at start-up, not from inside a kernel.</summary>
    public static int Count
    {
        get => count;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "Threads.Count must be at least 1.");
            count = value;
        }
    }
}
