namespace Neurite;

/// <summary>Thrown when building something would allocate more tensor memory than the current <see cref="AllocationBudget"/> allows.</summary>
public sealed class AllocationBudgetExceededException(string message) : InvalidOperationException(message);

/// <summary>
/// A limit on the tensor memory the current thread may allocate inside a scope, checked before each allocation.
/// Loading a model file builds an architecture the file declares; the budget (derived from the size of the weights
/// it comes with) makes a tiny file declaring a huge network fail at once instead of allocating gigabytes.
/// <code>using (AllocationBudget.Limit(64 &lt;&lt; 20)) model = config.Build();</code>
/// </summary>
public static class AllocationBudget
{
    [ThreadStatic] static long remaining;
    [ThreadStatic] static bool active;

    /// <summary>Allows at most <paramref name="bytes"/> of new tensor storage on this thread until the scope ends (scopes nest).</summary>
    public static Scope Limit(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var scope = new Scope(active, remaining);
        (active, remaining) = (true, active ? Math.Min(remaining, bytes) : bytes);
        return scope;
    }

    internal static void Charge(DType dtype, int count)
    {
        if (!active) return;
        long bytes = (long)count * dtype.Size();
        if (bytes > remaining)
            throw new AllocationBudgetExceededException($"allocating a {dtype.Name()} tensor of {count} elements ({bytes} bytes) exceeds the remaining budget of {remaining} bytes");
        remaining -= bytes;
    }

    /// <summary>Restores the budget that was in force before <see cref="Limit"/>.</summary>
    public readonly struct Scope(bool wasActive, long previous) : IDisposable
    {
        /// <summary>Ends the scope: the budget (or its absence) in force before <see cref="Limit"/> applies again.</summary>
        public void Dispose() => (active, remaining) = (wasActive, previous);
    }
}
