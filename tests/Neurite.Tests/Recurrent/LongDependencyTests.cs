using System.Diagnostics;
using Neurite.Data;
using Neurite.Examples;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;
using Xunit.Abstractions;

namespace Neurite.Tests.Recurrent;

/// <summary>
/// Seed 003's long-term dependencies on the adding problem, and truncated backpropagation through time. The
/// learning tests run T = 75 (the first marker in the first 7 steps, so the answer depends on an input ≥ 68 steps
/// before the readout) to stay within about five seconds per model; the example runs T = 100
/// (<c>dotnet run --project examples/Neurite.Examples -c Release -- long-dependencies</c>).
/// </summary>
public class LongDependencyTests(ITestOutputHelper log)
{
    // Pinned: every run trains the same three models on the same batches. Measured on a 2-core machine, held-out
    // MSE after 1600 steps (4–6 s each): tanh RNN 0.174 (the baseline is 0.167), LSTM 0.0003, GRU 0.0001. The LSTM
    // leaves its plateau near step 700 with this seed (400–800 with seeds 1, 2, 7), the GRU by step 300: the step
    // budget is twice what they need.
    static readonly LongDependenciesExample.Settings Long = new(Steps: 75, Hidden: 32, Batch: 32, Iterations: 1600, LearningRate: 0.02, ClipGradNorm: 1, TestSize: 500, Seed: 3);

    [Fact]
    public void Adding_problem_is_seeded_and_well_formed()
    {
        const int n = 4000, steps = 100;
        var (x, y) = Datasets.AddingProblem(n, steps, seed: 5);
        Check.Shape([n, steps, 2], x);
        Check.Shape([n, 1], y);
        Assert.Equal(x.ToDoubleArray(), Datasets.AddingProblem(n, steps, seed: 5).Features.ToDoubleArray());
        Assert.NotEqual(x.ToDoubleArray(), Datasets.AddingProblem(n, steps, seed: 6).Features.ToDoubleArray());
        var xs = x.ToDoubleArray();
        var ys = y.ToDoubleArray();
        double squared = 0;
        for (int i = 0; i < n; i++)
        {
            var marked = new List<int>();
            double sum = 0;
            for (int t = 0; t < steps; t++)
            {
                double value = xs[(i * steps + t) * 2], marker = xs[(i * steps + t) * 2 + 1];
                Assert.InRange(value, 0, 1);
                Assert.True(marker is 0 or 1);
                if (marker == 1) { marked.Add(t); sum += value; }
            }
            Assert.Equal(2, marked.Count);
            Assert.InRange(marked[0], 0, 9);        // the first 10%: ≥ 90 steps before the end
            Assert.InRange(marked[1], 50, 99);      // the second half
            Assert.Equal(sum, ys[i], 1e-6);
            squared += (ys[i] - 1) * (ys[i] - 1);
        }
        Assert.InRange(squared / n, 1.0 / 6 - 0.01, 1.0 / 6 + 0.01); // the baseline: Var(U + U) = 1/6
        Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.AddingProblem(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.AddingProblem(10, steps: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.AddingProblem(10, firstMarkerFraction: 0.6));
    }

    [Theory]
    [InlineData(RecurrentMode.RnnTanh, false)]
    [InlineData(RecurrentMode.Lstm, true)]
    [InlineData(RecurrentMode.Gru, true)]
    public void Only_gated_cells_bridge_a_long_gap(RecurrentMode mode, bool learns)
    {
        var test = Datasets.AddingProblem(Long.TestSize, Long.Steps, seed: Long.Seed + 1_000_000);
        var (mse, seconds) = LongDependenciesExample.Train(mode, Long, test, TextWriter.Null);
        log.WriteLine($"{mode}, T = {Long.Steps}: held-out MSE {mse:F4} after {Long.Iterations} steps, {seconds:F1} s");
        if (learns) Assert.True(mse < 0.02, $"{mode} should learn the adding problem over T = {Long.Steps}: held-out MSE {mse:F4} (baseline 0.167)");
        else Assert.True(mse > 0.1, $"a tanh RNN should not bridge ~{Long.Steps} steps: held-out MSE {mse:F4} (baseline 0.167)");
    }

    [Fact]
    public void Tanh_rnn_learns_the_same_task_when_the_gap_is_short()
    {
        // the control: the RNN's failure above is the length of the dependency, not a broken RNN
        var shortGap = Long with { Steps = 10, Iterations = 1000, LearningRate = 0.01 };
        var test = Datasets.AddingProblem(shortGap.TestSize, shortGap.Steps, seed: shortGap.Seed + 1_000_000);
        var (mse, seconds) = LongDependenciesExample.Train(RecurrentMode.RnnTanh, shortGap, test, TextWriter.Null);
        log.WriteLine($"RnnTanh, T = 10: held-out MSE {mse:F4}, {seconds:F1} s");
        Assert.True(mse < 0.02, $"held-out MSE {mse:F4}");
    }

    // --- truncated BPTT ---

    const int In = 2, Hid = 3, Steps = 10, Batch = 2, Chunk = 4;

    static (Lstm Lstm, Head64 Head, Tensor X, Tensor Y) Stream()
    {
        var lstm = new Lstm(In, Hid, batchFirst: true, generator: new Generator(1), dtype: DType.Float64);
        var head = new Head64(Hid, 1, 2);
        var x = Tensor.Uniform([Batch, Steps, In], -1, 1, new Generator(3), DType.Float64);
        var y = Tensor.Uniform([Batch, Steps, 1], -1, 1, new Generator(4), DType.Float64);
        return (lstm, head, x, y);
    }

    static IEnumerable<Tensor> Parameters(Module a, Module b) => a.Parameters().Concat(b.Parameters());

    [Fact]
    public void Tbptt_carries_the_state_across_chunks_but_not_the_gradient()
    {
        var (lstm, head, x, y) = Stream();
        var mse = new MSELoss();
        var outputs = new List<Tensor>();
        var incoming = new List<LstmState?>();
        var bptt = new TruncatedBptt(new Sgd(Parameters(lstm, head), 0)) { ChunkLength = Chunk }; // lr 0: the weights stay put
        var result = bptt.Run<LstmState>(x, y, (cx, cy, s) =>
        {
            incoming.Add(s);
            var (h, next) = lstm.Forward(cx, s);
            var p = head.Forward(h);
            outputs.Add(p.Detach());
            return (mse.Forward(p, cy), next);
        });

        // chunks of 4, 4, 2; each after the first starts from the previous chunk's final state, detached
        Assert.Equal(3, result.ChunkLosses.Count);
        Assert.Equal(3, result.GradNorms.Count);
        Assert.Null(incoming[0]);
        Assert.All(incoming.Skip(1), s => Assert.False(s!.H.RequiresGrad || s.C.RequiresGrad));
        Assert.False(result.State!.H.RequiresGrad);

        // the outputs are those of one pass over the whole stream: the state was carried
        var (fullH, fullState) = lstm.Forward(x, null);
        var full = head.Forward(fullH).Detach();
        Check.Close(full.ToDoubleArray(), Tensor.Concat([.. outputs], 1), 1e-12);
        Check.Close(fullState.H.ToDoubleArray(), result.State.H, 1e-12);
        Check.Close(mse.Forward(full, y).Item(), Tensor.Scalar(result.MeanLoss, DType.Float64), 1e-12);

        // the gradient left by the last chunk is that of its loss from a constant start state: truncated
        var kept = Parameters(lstm, head).Select(p => p.Grad!.ToDoubleArray()).ToList();
        LstmState start;
        using (Autograd.NoGrad()) start = lstm.Forward(x.Narrow(1, 0, 2 * Chunk), null).State;
        foreach (var p in Parameters(lstm, head)) p.Grad = null;
        var (lastH, _) = lstm.Forward(x.Narrow(1, 2 * Chunk, Steps - 2 * Chunk), start);
        mse.Forward(head.Forward(lastH), y.Narrow(1, 2 * Chunk, Steps - 2 * Chunk)).Backward();
        var expected = Parameters(lstm, head).Select(p => p.Grad!.ToDoubleArray()).ToList();
        for (int i = 0; i < kept.Count; i++) Check.Close(expected[i], Tensor.FromArray(kept[i]), 1e-12);
    }

    [Fact]
    public void Tbptt_time_first_with_a_gru_state()
    {
        var gru = new Gru(In, Hid, generator: new Generator(1), dtype: DType.Float64); // time-first [T, N, I]
        var head = new Head64(Hid, 1, 2);
        var x = Tensor.Uniform([Steps, Batch, In], -1, 1, new Generator(3), DType.Float64);
        var y = Tensor.Uniform([Steps, Batch, 1], -1, 1, new Generator(4), DType.Float64);
        var lengths = new List<int>();
        var bptt = new TruncatedBptt(new Adam(Parameters(gru, head), 1e-2)) { ChunkLength = 3, BatchFirst = false, ClipGradNorm = 10 };
        double first = 0, last = 0;
        for (int epoch = 0; epoch < 30; epoch++)
        {
            var r = bptt.Run<Tensor>(x, y, (cx, cy, h) =>
            {
                if (epoch == 0) lengths.Add(cx.Shape[0]);
                var (o, hn) = gru.Forward(cx, h);
                return (new MSELoss().Forward(head.Forward(o), cy), hn);
            });
            if (epoch == 0) first = r.MeanLoss;
            last = r.MeanLoss;
        }
        Assert.Equal(new[] { 3, 3, 3, 1 }, lengths);
        Assert.True(last < first, $"training over chunks lowers the loss: {first:F4} → {last:F4}");
    }

    [Fact]
    public void Step_clips_the_global_gradient_norm_before_the_update()
    {
        var (lstm, head, x, y) = Stream();
        var parameters = Parameters(lstm, head).ToList();
        var before = parameters.Select(p => p.ToDoubleArray()).ToList();
        var step = new TruncatedBptt(new Sgd(parameters, 1.0)) { ClipGradNorm = 1e-3 };
        var (h, _) = lstm.Forward(x, null);
        double norm = step.Step(new MSELoss().Forward(head.Forward(h), y).Mul(100));
        Assert.True(norm > 1e-3, $"the norm before clipping, {norm}, is returned");
        double clipped = Math.Sqrt(parameters.Sum(p => p.Grad!.ToDoubleArray().Sum(v => v * v)));
        Assert.InRange(clipped, 0.99e-3, 1e-3);
        // SGD with lr 1 moved the weights by exactly the clipped gradient
        double moved = Math.Sqrt(parameters.Select((p, i) => p.ToDoubleArray().Zip(before[i], (a, b) => (a - b) * (a - b)).Sum()).Sum());
        Assert.Equal(clipped, moved, 9);

        // without a limit the norm is only reported
        var free = new TruncatedBptt(new Sgd(parameters, 0));
        var (h2, _) = lstm.Forward(x, null);
        double n2 = free.Step(new MSELoss().Forward(head.Forward(h2), y).Mul(100));
        Assert.Equal(n2, Math.Sqrt(parameters.Sum(p => p.Grad!.ToDoubleArray().Sum(v => v * v))), 9);
    }

    [Fact]
    public void Detach_and_bad_input()
    {
        var h = Tensor.Ones([1, 2, 3], DType.Float64).RequireGrad().Mul(2);
        var s = new LstmState(h, h.Mul(3));
        Assert.False(TruncatedBptt.Detach(h).RequiresGrad);
        Assert.False(TruncatedBptt.Detach(s).C.RequiresGrad);
        Assert.All(TruncatedBptt.Detach(new[] { h, h }), t => Assert.False(t.RequiresGrad));
        Assert.All(TruncatedBptt.Detach(new List<LstmState> { s }), t => Assert.False(t.H.RequiresGrad));
        Assert.Null(TruncatedBptt.Detach<LstmState?>(null));
        Assert.Equal(h.ToDoubleArray(), TruncatedBptt.Detach(h).ToDoubleArray());
        Assert.Throws<ArgumentException>(() => TruncatedBptt.Detach("state"));

        var (lstm, head, x, y) = Stream();
        var bptt = new TruncatedBptt(new Sgd(lstm.Parameters(), 0));
        var e = Assert.Throws<ShapeException>(() => bptt.Run<LstmState>(x, y.Narrow(1, 0, 5), (a, b, st) => throw new InvalidOperationException()));
        Assert.Contains("[2, 10, 2]", e.Message);
        Assert.Contains("[2, 5, 1]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TruncatedBptt(new Sgd(lstm.Parameters(), 0)) { ChunkLength = 0 }.Run<LstmState>(x, y, (a, b, st) => throw new InvalidOperationException()));
        Assert.Throws<ShapeException>(() => bptt.Run<LstmState>(x, y, (a, b, st) => { var (o, n) = lstm.Forward(a, st); return (o, n); }));
    }
}

/// <summary>A float64 linear read-out y = x·Wᵀ + b for gradient-exact tests (<see cref="Linear"/> is float32).</summary>
internal sealed class Head64 : Module
{
    readonly Tensor weight, bias;

    public Head64(int inFeatures, int outFeatures, ulong seed)
    {
        var g = new Generator(seed);
        double bound = 1 / Math.Sqrt(inFeatures);
        weight = RegisterParameter("weight", Tensor.Uniform([outFeatures, inFeatures], -bound, bound, g, DType.Float64));
        bias = RegisterParameter("bias", Tensor.Uniform([outFeatures], -bound, bound, g, DType.Float64));
    }

    public override Tensor Forward(Tensor x) => Tensor.Linear(x, weight, bias);
}
