namespace Neurite;

/// <summary>
/// Reuses the storage of large gradients that the autograd engine knows to be dead, so a training step takes
/// its big arrays from the previous step's gradients instead of from the garbage collector.
/// </summary>
/// <remarks>
/// <para>Why: a ResNet-20 step (batch 64) allocates a few hundred MB of 1–4 MB arrays. Arrays that large come
/// from the large-object heap, which is collected only by full collections (two per step were measured), and
/// the pages they land on are fresh ones the kernel must fault in and zero: perf showed 20–25 % of the step in
/// the kernel's page-fault path. .NET's GC settings (RetainVM, region size, gen-0 budget, LOH threshold) did not
/// change that. Recycling every array of a step by hand (unsafe, measurement only) made training 17–29 % faster.</para>
/// <para>What is safe to recycle: only what <see cref="Tensor.Backward"/> itself allocated while it ran (the
/// gradients flowing between nodes) and then dropped: a node's summed output gradient once its backward
/// function has returned, and an accumulator replaced by a sum, each only if no other accumulator still holds
/// its array (views share arrays, so holders are counted per array) and only after the backward function that
/// might still read it has returned. Forward activations, leaf gradients (<see cref="Tensor.Grad"/>) and the
/// caller's gradient are never recycled: whether user code still references them is not known.</para>
/// <para>The pool is per thread (the engine runs on the calling thread), holds arrays of at least
/// <see cref="MinElements"/> elements, and keeps at most <see cref="MaxBytes"/>; a recycled array is handed out
/// by the next allocation of the same length and type on that thread (zeroed when the caller asked for zeros).</para>
/// </remarks>
public static class StoragePool
{
    /// <summary>Arrays shorter than this are left to the garbage collector. Default 256 Ki elements (1 MB of float):
    /// pooling smaller ones helped ResNet-20 a little more but, because pooled arrays survive collections, made the
    /// GC grow its young generation: the mlp training process peaked at 636–651 MB instead of 580 MB.</summary>
    public static int MinElements { get; set; } = 256 * 1024;

    /// <summary>Most bytes one thread's pool keeps; arrays recycled beyond it are left to the garbage collector.
    /// 0 turns recycling off. Default 1 GiB.</summary>
    public static long MaxBytes { get; set; } = 1L << 30;

    [ThreadStatic] static Dictionary<(int, DType), Stack<Array>>? free;
    [ThreadStatic] static long freeBytes;

    // Set only while this thread runs Tensor.Backward.
    [ThreadStatic] static HashSet<Array>? owned;           // large arrays allocated during the pass
    [ThreadStatic] static Dictionary<Array, int>? holders;  // owned arrays → accumulators holding them
    [ThreadStatic] static List<Array>? dropped;             // owned arrays an accumulator let go of

    /// <summary>Bytes held for reuse by the calling thread's pool.</summary>
    public static long PooledBytes => freeBytes;

    /// <summary>Drops every array the calling thread's pool holds (the garbage collector then reclaims them).</summary>
    public static void Clear()
    {
        free?.Clear();
        freeBytes = 0;
    }

    /// <summary>A pooled array of this length and type, or null. Its contents are whatever was there before.</summary>
    internal static Array? Take(DType dtype, int length)
    {
        if (length < MinElements) return null;
        Array? array = null;
        if (free is { } pools && pools.TryGetValue((length, dtype), out var stack) && stack.Count > 0)
        {
            array = stack.Pop();
            freeBytes -= Bytes(array, dtype);
        }
        return array;
    }

    /// <summary>Notes an array allocated (or taken from the pool) for a new tensor: owned by the engine when
    /// the engine is running.</summary>
    internal static void Allocated(Array array)
    {
        if (owned is { } set && array.Length >= MinElements) set.Add(array);
    }

    /// <summary>Starts tracking for one backward pass on this thread; false when a pass is already running
    /// (then the outer pass keeps tracking).</summary>
    internal static bool BeginPass()
    {
        if (owned is not null || MaxBytes <= 0) return false;
        owned = new HashSet<Array>(ReferenceEqualityComparer.Instance);
        holders = new Dictionary<Array, int>(ReferenceEqualityComparer.Instance);
        dropped = new List<Array>();
        return true;
    }

    internal static void EndPass()
    {
        owned = null;
        holders = null;
        dropped = null;
    }

    /// <summary>An accumulator now holds <paramref name="array"/>.</summary>
    internal static void Hold(Array array)
    {
        if (holders is { } h && array.Length >= MinElements && owned!.Contains(array))
            h[array] = h.GetValueOrDefault(array) + 1;
    }

    /// <summary>An accumulator let go of <paramref name="array"/>; it is recycled at the next <see cref="Settle"/>
    /// if nothing else holds it by then.</summary>
    internal static void Release(Array array)
    {
        if (holders is not { } h || array.Length < MinElements || !owned!.Contains(array)) return;
        int n = h.GetValueOrDefault(array) - 1;
        if (n > 0) h[array] = n;
        else
        {
            h.Remove(array);
            dropped!.Add(array);
        }
    }

    /// <summary>Called by the engine between backward functions, when no function can still read a dropped
    /// array: recycles the dropped arrays that no accumulator took up again.</summary>
    internal static void Settle()
    {
        if (dropped is not { Count: > 0 } list) return;
        foreach (var array in list)
        {
            if (holders!.ContainsKey(array) || !owned!.Remove(array)) continue; // held again, or already recycled
            Return(array);
        }
        list.Clear();
    }

    /// <summary>Hands back an array only its caller references (an op's private scratch or saved buffer, once
    /// nothing can read it again): the next allocation of its length and type may reuse it.</summary>
    internal static void Recycle(Array array)
    {
        if (array.Length < MinElements || MaxBytes <= 0) return;
        owned?.Remove(array);
        Return(array);
    }

    static void Return(Array array)
    {
        DType dtype;
        if (array is float[]) dtype = DType.Float32;
        else if (array is double[]) dtype = DType.Float64;
        else return;
        long bytes = Bytes(array, dtype);
        if (freeBytes + bytes > MaxBytes) return;
        var pools = free ??= new Dictionary<(int, DType), Stack<Array>>();
        if (!pools.TryGetValue((array.Length, dtype), out var stack)) pools[(array.Length, dtype)] = stack = new Stack<Array>();
        stack.Push(array);
        freeBytes += bytes;
    }

    static long Bytes(Array array, DType dtype) => (long)array.Length * (dtype == DType.Float64 ? 8 : 4);
}
