namespace Neurite;

/// <summary>
/// Process-wide settings of Neurite's compute engine.
/// </summary>
public static class Engine
{
    /// <summary>
    /// How many threads the kernels may use (≥ 1; default: the number of cores), like PyTorch's
    /// <c>torch.set_num_threads</c>. Kernels split work only when it is large enough to pay for the hand-off.
    /// Results are bit-identical at every thread count. Set it at start-up, not while another thread computes.
    /// <code>Engine.Threads = 1;   // e.g. one model per core in a server</code>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value below 1.</exception>
    public static int Threads
    {
        get => Kernels.Threads.Count;
        set => Kernels.Threads.Count = value;
    }
}
