using System.Runtime.ExceptionServices;

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

    /// <summary>
    /// Runs <paramref name="body"/>(part, state) for part = 0 … <paramref name="parts"/> − 1, spread over
    /// up to <see cref="Count"/> threads (the caller runs part 0), and returns when all parts are done.
    /// </summary>
    /// <remarks>
    /// Meant for kernels that split work into a few static, equally sized parts (e.g. halves of a GEMM):
    /// no allocation per call when <paramref name="body"/> is a static lambda (the compiler caches it) and
    /// <typeparamref name="TState"/> is a struct, and a hand-off of a few microseconds to persistent workers.
    /// Parts run concurrently, so they must write disjoint memory. If another kernel is already using the
    /// workers (a call from several threads at once, or from inside a part) the parts run one after another
    /// on the calling thread, which is correct, only slower. An exception from a part is rethrown here.
    /// <code>
    /// Threads.For(2, new Args(x, y), static (part, s) => s.Run(part));
    /// </code>
    /// </remarks>
    public static void For<TState>(int parts, TState state, Action<int, TState> body) where TState : struct
    {
        ArgumentNullException.ThrowIfNull(body);
        if (parts <= 0) return;
        int threads = Math.Min(parts, count);
        // A flag rather than a Monitor: a Monitor is re-entrant, and a nested call from part 0 must not take the pool.
        if (threads == 1 || Interlocked.CompareExchange(ref Pool.Busy, 1, 0) != 0)
        {
            for (int p = 0; p < parts; p++) body(p, state);
            return;
        }
        try
        {
            Job<TState>.State = state;
            Job<TState>.Body = body;
            Pool.Run(parts, threads, Job<TState>.RunPart);
        }
        finally
        {
            Job<TState>.Body = null;
            Job<TState>.State = default;
            Volatile.Write(ref Pool.Busy, 0);
        }
    }

    /// <summary>The current job's typed state, so that handing it to workers allocates nothing.</summary>
    static class Job<TState> where TState : struct
    {
        public static TState State;
        public static Action<int, TState>? Body;
        public static readonly Action<int> RunPart = static part => Body!(part, State);
    }

    /// <summary>Persistent background workers, started on first use and grown when <see cref="Count"/> grows.</summary>
    static class Pool
    {
        /// <summary>1 while a job owns the workers.</summary>
        public static int Busy;
        static readonly List<Worker> workers = new();
        static Action<int>? job;
        static int jobParts, jobThreads, pending;
        static readonly ManualResetEventSlim done = new(false);
        static ExceptionDispatchInfo? failure;

        /// <summary>Runs parts p ≡ t (mod threads) on thread t; thread 0 is the caller. Called by the owner of <see cref="Busy"/>.</summary>
        public static void Run(int parts, int threads, Action<int> runPart)
        {
            while (workers.Count < threads - 1) workers.Add(new Worker(workers.Count + 1));
            job = runPart;
            jobParts = parts;
            jobThreads = threads;
            failure = null;
            done.Reset();
            Volatile.Write(ref pending, threads - 1);
            for (int w = 0; w < threads - 1; w++) workers[w].Start.Release();
            try
            {
                RunShare(0);
            }
            finally
            {
                // Workers still read the job, so wait for them even when our share threw.
                if (Volatile.Read(ref pending) != 0) done.Wait();
                job = null;
            }
            failure?.Throw();
        }

        static void RunShare(int thread)
        {
            for (int p = thread; p < jobParts; p += jobThreads) job!(p);
        }

        sealed class Worker
        {
            public readonly SemaphoreSlim Start = new(0);
            readonly int index;

            public Worker(int index)
            {
                this.index = index;
                new Thread(Loop) { IsBackground = true, Name = $"Neurite kernel worker {index}" }.Start();
            }

            void Loop()
            {
                while (true)
                {
                    Start.Wait();
                    try
                    {
                        RunShare(index);
                    }
                    catch (Exception e)
                    {
                        failure ??= ExceptionDispatchInfo.Capture(e);
                    }
                    if (Interlocked.Decrement(ref pending) == 0) done.Set();
                }
            }
        }
    }
}
