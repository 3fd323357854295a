using Neurite.Nn;
using Neurite.Optim;

namespace Neurite.Training;

/// <summary>What one pass of <see cref="TruncatedBptt.Run{TState}"/> did: the mean loss of each chunk, the global
/// gradient norm of each chunk before clipping, and the detached state after the last chunk (to carry into the next
/// pass over a continuing stream).</summary>
public sealed record TbpttResult<TState>(IReadOnlyList<double> ChunkLosses, IReadOnlyList<double> GradNorms, TState? State)
{
    /// <summary>The chunk losses averaged with the chunks' lengths as weights (every step counts once).</summary>
    public double MeanLoss { get; init; }
}

/// <summary>
/// Truncated backpropagation through time: trains a recurrent model over a long stream in chunks of
/// <see cref="ChunkLength"/> steps. The state at the end of a chunk is carried into the next one (the model sees the
/// whole stream) but detached (the gradient flows back at most one chunk), and the global gradient norm is clipped
/// after each backward pass, before the optimiser's step, against gradients that explode through time.
/// </summary>
/// <example><code>
/// var bptt = new TruncatedBptt(new Adam(model.Parameters(), 2e-3)) { ChunkLength = 35, ClipGradNorm = 1 };
/// LstmState? state = null;                                  // tokens [N, T] int64, a long stream per row
/// var result = bptt.Run(tokens.Narrow(1, 0, T - 1), tokens.Narrow(1, 1, T - 1), (x, y, s) =>
/// {
///     var (h, next) = lstm.Forward(embedding.Forward(x), s);
///     return (loss.Forward(head.Forward(h), y), next);
/// }, state);
/// state = result.State;                                     // continue with the next part of the stream
/// </code></example>
public sealed class TruncatedBptt(Optimizer optimizer)
{
    /// <summary>The optimiser that steps after every chunk; its parameters are the ones clipped.</summary>
    public Optimizer Optimizer { get; } = optimizer ?? throw new ArgumentNullException(nameof(optimizer));

    /// <summary>Steps per chunk: how far back the gradient reaches (default 35).</summary>
    public int ChunkLength { get; init; } = 35;

    /// <summary>The largest global L2 norm of all gradients; larger gradients are scaled down to it before each
    /// step (<see cref="GradClip.ClipGradNorm"/>). Null: no clipping.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Inputs and targets are [N, T, …] (default) instead of time-first [T, N, …].</summary>
    public bool BatchFirst { get; init; } = true;

    /// <summary>One optimisation step on a loss: zero the gradients, backpropagate, clip the global norm to
    /// <see cref="ClipGradNorm"/> (if set), step. Returns the gradient norm before clipping.</summary>
    public double Step(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        Optimizer.ZeroGrad();
        loss.Backward();
        var parameters = Optimizer.Groups.SelectMany(g => g.Parameters);
        double norm = ClipGradNorm is { } max ? GradClip.ClipGradNorm(parameters, max) : GradNorm(parameters);
        Optimizer.Step();
        return norm;
    }

    /// <summary>
    /// One pass over the stream: for each chunk of <see cref="ChunkLength"/> steps (the last may be shorter) calls
    /// <paramref name="chunkLoss"/> with the chunk's inputs and targets and the carried state, then does
    /// <see cref="Step"/> on the returned loss and detaches the returned state (<see cref="Detach{TState}"/>) for the
    /// next chunk. <paramref name="targets"/> share the inputs' leading [N, T] (or [T, N]) dimensions.
    /// </summary>
    /// <typeparam name="TState">The recurrent state: a <see cref="Tensor"/> (RNN, GRU), an <see cref="LstmState"/>,
    /// or an array or list of these (several layers or models).</typeparam>
    /// <param name="inputs">The stream, [N, T, …] (or [T, N, …]).</param>
    /// <param name="targets">What each step should predict, [N, T, …] (or [T, N, …]).</param>
    /// <param name="chunkLoss">Runs the model on a chunk's inputs from the carried state (null before the first chunk
    /// unless <paramref name="state"/> is given): returns the chunk's scalar loss and the state after the chunk.</param>
    /// <param name="state">The state before the first chunk; default: the model's own (zeros).</param>
    public TbpttResult<TState> Run<TState>(Tensor inputs, Tensor targets, Func<Tensor, Tensor, TState?, (Tensor Loss, TState State)> chunkLoss, TState? state = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(chunkLoss);
        if (ChunkLength < 1) throw new ArgumentOutOfRangeException(nameof(ChunkLength), ChunkLength, "truncated_bptt: ChunkLength must be positive");
        int timeDim = BatchFirst ? 1 : 0;
        if (inputs.Rank < 2 || targets.Rank < 2 || inputs.Shape[0] != targets.Shape[0] || inputs.Shape[1] != targets.Shape[1])
            throw new ShapeException($"truncated_bptt: inputs {Shape.Format(inputs.Shape)} and targets {Shape.Format(targets.Shape)} must share their first two dimensions ({(BatchFirst ? "N, T" : "T, N")})");
        int steps = inputs.Shape[timeDim];
        var losses = new List<double>();
        var norms = new List<double>();
        double weighted = 0;
        for (int start = 0; start < steps; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, steps - start);
            var (loss, next) = chunkLoss(inputs.Narrow(timeDim, start, length), targets.Narrow(timeDim, start, length), state);
            if (loss.NumEl != 1) throw new ShapeException($"truncated_bptt: the chunk loss must be a scalar, got {Shape.Format(loss.Shape)}");
            norms.Add(Step(loss));
            double value = loss.Item();
            losses.Add(value);
            weighted += value * length;
            state = Detach(next);
        }
        return new TbpttResult<TState>(losses, norms, state) { MeanLoss = weighted / steps };
    }

    /// <summary>The state cut from the graph (values kept, history dropped): a <see cref="Tensor"/>, an
    /// <see cref="LstmState"/>, or an array or list of them; null stays null.</summary>
    public static TState Detach<TState>(TState state) => state switch
    {
        null => state,
        Tensor t => (TState)(object)t.Detach(),
        LstmState s => (TState)(object)s.Detach(),
        Tensor[] ts => (TState)(object)Array.ConvertAll(ts, t => t.Detach()),
        LstmState[] ss => (TState)(object)Array.ConvertAll(ss, s => s.Detach()),
        List<Tensor> ts => (TState)(object)ts.ConvertAll(t => t.Detach()),
        List<LstmState> ss => (TState)(object)ss.ConvertAll(s => s.Detach()),
        _ => throw new ArgumentException($"truncated_bptt: cannot detach a state of type {state.GetType().Name}; use a Tensor, an LstmState, or an array or list of them"),
    };

    static double GradNorm(IEnumerable<Tensor> parameters)
    {
        double total = 0;
        foreach (var p in parameters)
            if (p.Grad is { } g)
                foreach (var v in g.ToDoubleArray()) total += v * v;
        return Math.Sqrt(total);
    }
}
