namespace Neurite.Nn;

/// <summary>Runs before a module's <see cref="Module.Forward"/> when it is <see cref="Module.Invoke">invoked</see>;
/// returns a replacement input, or null to keep <paramref name="input"/>.</summary>
public delegate Tensor? ForwardPreHook(Module module, Tensor input);

/// <summary>Runs after a module's <see cref="Module.Forward"/> when it is <see cref="Module.Invoke">invoked</see>;
/// returns a replacement output, or null to keep <paramref name="output"/>.</summary>
public delegate Tensor? ForwardHook(Module module, Tensor input, Tensor output);

/// <summary>Runs during backward once the gradient of a module's input is known (PyTorch's full backward hook):
/// <paramref name="gradInput"/> is the gradient with respect to the input (null when the input does not require
/// grad), <paramref name="gradOutput"/> the gradient with respect to the output. Returns a replacement input
/// gradient of the same shape, or null to keep it.</summary>
public delegate Tensor? BackwardHook(Module module, Tensor? gradInput, Tensor gradOutput);

/// <summary>A hook a module or one of its hooks threw from; the message names the hook, its kind and the module.
/// The model is left as it was: hooks change nothing but what they return.</summary>
public sealed class HookException(string message, Exception inner) : Exception(message, inner);

/// <summary>Removes the hook it was returned for (<see cref="Dispose"/> does the same); removing twice is harmless.</summary>
public sealed class HookHandle : IDisposable
{
    readonly Action remove;
    internal HookHandle(Action remove) => this.remove = remove;

    /// <summary>True once the hook was removed.</summary>
    public bool IsRemoved { get; private set; }

    /// <summary>Removes the hook: later invocations no longer run it.</summary>
    public void Remove()
    {
        if (IsRemoved) return;
        IsRemoved = true;
        remove();
    }

    /// <summary>Same as <see cref="Remove"/>.</summary>
    public void Dispose() => Remove();
}

// Hooks: PyTorch's module(x) runs hooks around forward(x); here Invoke(x) runs them around Forward(x). Containers
// (Sequential, the zoo's blocks, the Trainer) invoke their children, so a hook on any layer fires however deep it is.
// A module without hooks costs one null test per call.
public abstract partial class Module
{
    sealed record Hook<T>(T Fn, string Name) where T : Delegate;

    sealed class HookSet
    {
        public Hook<ForwardPreHook>[] Pre = [];
        public Hook<ForwardHook>[] Post = [];
        public Hook<BackwardHook>[] Backward = [];
        public bool IsEmpty => Pre.Length == 0 && Post.Length == 0 && Backward.Length == 0;
    }

    HookSet? hooks;
    static int liveHooks;

    /// <summary>True when a forward, pre-forward or backward hook is registered on this module (not its children).</summary>
    public bool HasHooks => hooks is not null;

    /// <summary>True when any module in the process has a hook: inference folding (which skips layers' own outputs)
    /// is then off, so every hooked layer sees its real input and output.</summary>
    internal static bool AnyHooks => Volatile.Read(ref liveHooks) > 0;

    /// <summary>
    /// <see cref="Forward"/> with this module's hooks around it: pre-forward hooks (which may replace the input), then
    /// Forward, then forward hooks (which may replace the output); with backward hooks and gradients on, the input and
    /// output are marked so the hooks see both gradients during backward. What containers and the Trainer call; calling
    /// <c>Forward</c> directly skips this module's own hooks (as <c>module.forward(x)</c> does in PyTorch).
    /// </summary>
    public Tensor Invoke(Tensor x) => hooks is null ? Forward(x) : RunWithHooks(hooks, x);

    /// <summary>Registers <paramref name="hook"/> to run before each <see cref="Invoke"/>d Forward; <paramref name="name"/>
    /// (default: the method's name) appears in the error if it throws.</summary>
    public HookHandle RegisterForwardPreHook(ForwardPreHook hook, string? name = null) =>
        Add(hook, name, s => ref s.Pre);

    /// <summary>Registers <paramref name="hook"/> to run after each <see cref="Invoke"/>d Forward
    /// (<c>register_forward_hook</c>).</summary>
    /// <example><code>
    /// using var h = model[0].RegisterForwardHook((m, x, y) => { Console.WriteLine(y.Mean().Item()); return null; });
    /// </code></example>
    public HookHandle RegisterForwardHook(ForwardHook hook, string? name = null) =>
        Add(hook, name, s => ref s.Post);

    /// <summary>Registers <paramref name="hook"/> to run during backward with the gradients of this module's input and
    /// output (<c>register_full_backward_hook</c>); it fires when the module was <see cref="Invoke"/>d with gradients on.</summary>
    public HookHandle RegisterBackwardHook(BackwardHook hook, string? name = null) =>
        Add(hook, name, s => ref s.Backward);

    delegate ref Hook<T>[] Slot<T>(HookSet set) where T : Delegate;

    HookHandle Add<T>(T hook, string? name, Slot<T> slot) where T : Delegate
    {
        ArgumentNullException.ThrowIfNull(hook);
        var entry = new Hook<T>(hook, name ?? hook.Method.Name);
        lock (parameters)
        {
            var set = hooks ?? new HookSet();
            slot(set) = [.. slot(set), entry];
            hooks = set;
        }
        Interlocked.Increment(ref liveHooks);
        return new HookHandle(() =>
        {
            lock (parameters)
            {
                if (hooks is not { } set) return;
                slot(set) = slot(set).Where(h => !ReferenceEquals(h, entry)).ToArray();
                if (set.IsEmpty) hooks = null;
            }
            Interlocked.Decrement(ref liveHooks);
        });
    }

    Tensor RunWithHooks(HookSet set, Tensor x)
    {
        foreach (var h in set.Pre) x = Call(h, "forward pre-hook", () => h.Fn(this, x)) ?? x;
        var backward = set.Backward.Length > 0 && Autograd.IsEnabled ? new BackwardHookState(this, set.Backward) : null;
        var input = backward is not null && x.RequiresGrad ? backward.MarkInput(x) : x;
        var y = Forward(input);
        foreach (var h in set.Post) y = Call(h, "forward hook", () => h.Fn(this, x, y)) ?? y;
        return backward is not null && y.RequiresGrad ? backward.MarkOutput(y, inputTracked: !ReferenceEquals(input, x)) : y;
    }

    T? Call<T, TFn>(Hook<TFn> hook, string kind, Func<T?> run) where TFn : Delegate where T : class
    {
        try { return run(); }
        catch (Exception e) when (e is not HookException and not OperationCanceledException)
        {
            throw new HookException($"{kind} '{hook.Name}' on {Describe()} threw {e.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>The gradient of the output, kept from the output mark's backward until the input mark's backward
    /// (which runs after it: the input's mark lies upstream of everything Forward computed) hands both to the hooks.</summary>
    sealed class BackwardHookState(Module module, Hook<BackwardHook>[] hooks)
    {
        Tensor? gradOutput;

        public Tensor MarkInput(Tensor x)
        {
            var alias = x.Alias();
            Autograd.Record(alias, "backward_hook_input", x, static (node, state, g) => Node.Flow(node.A!, state.Fire(g)), this);
            return alias;
        }

        public Tensor MarkOutput(Tensor y, bool inputTracked)
        {
            var alias = y.Alias();
            Autograd.Record(alias, "backward_hook_output", y, static (node, s, g) =>
            {
                s.state.gradOutput = g;
                if (!s.inputTracked) s.state.Fire(null);
                Node.Flow(node.A!, g);
            }, (state: this, inputTracked));
            return alias;
        }

        Tensor Fire(Tensor? gradInput)
        {
            var gradOut = gradOutput ?? throw new InvalidOperationException($"internal: backward hook on {module.Describe()} ran before its output's gradient");
            foreach (var h in hooks)
            {
                var replaced = module.Call(h, "backward hook", () => h.Fn(module, gradInput, gradOut));
                if (replaced is null || gradInput is null) continue;
                if (!replaced.Shape.SequenceEqual(gradInput.Shape))
                    throw new HookException($"backward hook '{h.Name}' on {module.Describe()} returned a gradient of shape {Shape.Format(replaced.shape)} for an input of shape {Shape.Format(gradInput.shape)}",
                        new ShapeException("backward hook: gradient shape"));
                gradInput = replaced;
            }
            gradOutput = null;
            return gradInput!;
        }
    }
}
