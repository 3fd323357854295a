using System.Runtime.ExceptionServices;

namespace Neurite.Kernels;

/// <summary>
/// The process-wide number of threads that kernels may use, like <c>torch.set_num_threads</c>.
/// Defaults to the number of cores. Kernels split work only when it is large enough to pay
/// for the hand-off; small tensors always run on the calling thread.
/// </summary>
internal static class Threads
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
        static int jobParts, jobThreads, pending, generation;
        static readonly ManualResetEventSlim done = new(false);
        static ExceptionDispatchInfo? failure;

        // Waking a blocked thread costs tens of microseconds on this VM, as much as a 128×128×784 GEMM takes
        // on one core. Training calls kernels back to back, so workers (and the caller, waiting for them)
        // spin this long before they block: a hand-off then costs ≈ 0.4 µs. After the first few microseconds
        // the spin yields: when another process holds the other core, the OS puts our two threads on one,
        // and a pure spin would keep the thread we wait for off the CPU (measured: 250 µs lost per call).
        static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 5000; // 200 µs
        static readonly long YieldTicks = System.Diagnostics.Stopwatch.Frequency / 200_000; // 5 µs

        /// <summary>One step of a bounded spin that started at <paramref name="start"/>; false once it should block.</summary>
        static bool Spin(long start)
        {
            long elapsed = System.Diagnostics.Stopwatch.GetTimestamp() - start;
            if (elapsed > SpinTicks) return false;
            if (elapsed > YieldTicks) Thread.Yield();
            else Thread.SpinWait(8);
            return true;
        }

        /// <summary>Runs parts p ≡ t (mod threads) on thread t; thread 0 is the caller. Called by the owner of <see cref="Busy"/>.</summary>
        public static void Run(int parts, int threads, Action<int> runPart)
        {
            while (workers.Count < threads - 1) workers.Add(new Worker(workers.Count + 1, generation));
            job = runPart;
            jobParts = parts;
            jobThreads = threads;
            failure = null;
            done.Reset();
            Volatile.Write(ref pending, threads - 1);
            Interlocked.Increment(ref generation); // a full fence: the job's fields are visible before it
            for (int w = 0; w < threads - 1; w++) workers[w].Wake();
            try
            {
                RunShare(0);
            }
            finally
            {
                // Workers still read the job, so wait for them even when our share threw.
                // The last worker sets `done` after it zeroes `pending`; a set left over from the previous job
                // can wake us early, so `pending` alone decides, and a reset can only erase a set whose
                // `pending == 0` the next check sees.
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                while (Volatile.Read(ref pending) != 0)
                {
                    if (Spin(start)) continue;
                    done.Wait();
                    done.Reset();
                }
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
            readonly SemaphoreSlim start = new(0);
            readonly int index;
            int sleeping, seen;

            /// <param name="index">The worker's thread number, 1 … (0 is the caller).</param>
            /// <param name="generation">The generation before the job that starts it: the thread may begin
            /// running only after that job was posted, and must still take it.</param>
            public Worker(int index, int generation)
            {
                this.index = index;
                seen = generation;
                new Thread(Loop) { IsBackground = true, Name = $"Neurite kernel worker {index}" }.Start();
            }

            /// <summary>Releases the worker if it blocked; a spinning worker sees the new generation by itself.
            /// A release that arrives after the worker saw the generation only costs it one extra loop.</summary>
            public void Wake()
            {
                if (Volatile.Read(ref sleeping) == 1) start.Release();
            }

            void Loop()
            {
                while (true)
                {
                    long spinStart = System.Diagnostics.Stopwatch.GetTimestamp();
                    while (Volatile.Read(ref generation) == seen)
                    {
                        if (Spin(spinStart)) continue;
                        Interlocked.Exchange(ref sleeping, 1); // a full fence before re-reading generation
                        if (Volatile.Read(ref generation) == seen) start.Wait();
                        Volatile.Write(ref sleeping, 0);
                        spinStart = System.Diagnostics.Stopwatch.GetTimestamp();
                    }
                    seen = Volatile.Read(ref generation);
                    // Workers beyond this job's thread count sit it out (and must not count as finished).
                    if (index >= jobThreads) continue;
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
