using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Neurite.Data.Text;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Serialization;
using Neurite.Training;
using Spectre.Console;

namespace Neurite.Cli.Commands;

/// <summary>
/// `neurite lm`: trains a character-level language model (<see cref="CharLanguageModel"/>) on the built-in King James
/// Bible or a UTF-8 text file with truncated backpropagation through time, reports held-out bits per character, saves it.
/// </summary>
/// <remarks>
/// The text's last <c>--val-frac</c> (5 %) is held out. The training part is cut into <c>--batch</c> contiguous streams
/// read in windows of <c>--seq</c> characters; the recurrent state is carried from window to window (detached) and
/// reset at the start of each pass (epoch). Every <c>--eval-every</c> seconds of training and at the end, the held-out
/// stream is read the same way (16 streams, state carried, no gradients, evaluation mode):
/// bits/char = Σ cross-entropy (nats) over every predicted character / (count · ln 2). <c>--minutes</c> counts
/// training time only (evaluations excluded), like bench/pytorch/charlm.py. Ctrl-C stops at the next window,
/// writes the checkpoint (with <c>--checkpoint</c>) and exits with 130 without saving <c>--output</c>.
/// </remarks>
public static class LmCommand
{
    /// <summary>Exit code after Ctrl-C (128 + SIGINT, the shell's convention).</summary>
    public const int InterruptedExitCode = 130;

    public sealed record Settings(
        string? Text = null, string Cell = "lstm", int Hidden = 256, int Layers = 1, int Embedding = 64, int Seq = 128, int Batch = 32,
        double LearningRate = 4e-3, double Clip = 1.0, double Dropout = 0, int? Epochs = null, double? Minutes = null, ulong Seed = 42,
        string? Output = null, string? Checkpoint = null, string? Resume = null, double EvalEvery = 60, double ValidationFraction = 0.05,
        int EvalBatch = 16, bool Plain = false);

    public static Command Create()
    {
        var text = new Option<string?>("--text") { Description = "UTF-8 text file to train on (default: the built-in King James Bible, 4.1 M characters)" };
        var cell = new Option<string>("--cell") { Description = "Recurrent cell: lstm, gru, rnn, rnn-relu", DefaultValueFactory = _ => "lstm" };
        var hidden = new Option<int>("--hidden") { Description = "Hidden size of each recurrent layer", DefaultValueFactory = _ => 256 };
        var layers = new Option<int>("--layers") { Description = "Stacked recurrent layers", DefaultValueFactory = _ => 1 };
        var embedding = new Option<int>("--embedding") { Description = "Character embedding size", DefaultValueFactory = _ => 64 };
        var seq = new Option<int>("--seq") { Description = "Characters per truncated-BPTT window", DefaultValueFactory = _ => 128 };
        var batch = new Option<int>("--batch") { Description = "Parallel streams per batch", DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 4e-3 };
        var clip = new Option<double>("--clip") { Description = "Clip the global gradient norm to this value (0: off)", DefaultValueFactory = _ => 1.0 };
        var dropout = new Option<double>("--dropout") { Description = "Dropout on embeddings, between layers and before the output layer, in [0, 1)", DefaultValueFactory = _ => 0.0 };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training text (default 1 unless --minutes)" };
        var minutes = new Option<double?>("--minutes") { Description = "Train for this many minutes of training time instead of --epochs" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (same seed, same run)", DefaultValueFactory = _ => 42 };
        var output = new Option<string?>("--output", "-o") { Description = "Save the model as OUTPUT.json + OUTPUT.safetensors" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Write a resumable checkpoint (weights, Adam state, position, state, RNG) at every evaluation and at the end" };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint written by --checkpoint with the same text and options" };
        var evalEvery = new Option<double>("--eval-every") { Description = "Seconds of training between held-out evaluations", DefaultValueFactory = _ => 60.0 };
        var valFrac = new Option<double>("--val-frac") { Description = "Fraction of the text (its end) held out for evaluation", DefaultValueFactory = _ => 0.05 };
        var plain = new Option<bool>("--plain") { Description = "One line per evaluation instead of a live progress bar" };
        var command = new Command("lm", "Train a character-level language model and report held-out bits per character")
        {
            text, cell, hidden, layers, embedding, seq, batch, lr, clip, dropout, epochs, minutes, seed, output, checkpoint, resume, evalEvery, valFrac, plain,
        };
        command.SetAction(r => Run(new Settings(
            r.GetValue(text), r.GetValue(cell)!, r.GetValue(hidden), r.GetValue(layers), r.GetValue(embedding), r.GetValue(seq), r.GetValue(batch),
            r.GetValue(lr), r.GetValue(clip), r.GetValue(dropout), r.GetValue(epochs), r.GetValue(minutes), r.GetValue(seed),
            r.GetValue(output), r.GetValue(checkpoint), r.GetValue(resume), r.GetValue(evalEvery), r.GetValue(valFrac), Plain: r.GetValue(plain)), Console.Out));
        return command;
    }

    /// <summary>Runs a training job; returns the exit code (0, or <see cref="InterruptedExitCode"/> after Ctrl-C). Also used by tests.</summary>
    public static int Run(Settings s, TextWriter output, CancellationToken cancel = default)
    {
        var cell = Validate(s);
        // the files the run writes are checked before the text is read or anything is trained
        string? modelFile = s.Output is null ? null : OutputPath.Model(s.Output, "lm", createDirs: null);
        if (s.Checkpoint is not null) OutputPath.Check("--checkpoint", s.Checkpoint, createDirs: null);
        var wall = Stopwatch.StartNew();
        string text = s.Text is null ? Corpora.KingJamesBible() : TextFile.ReadUtf8(s.Text);
        string source = s.Text is null ? "King James Bible (built-in)" : Path.GetFileName(s.Text);
        var vocab = CharVocabulary.Build(text);
        var (trainIds, validIds) = LanguageModelBatches.Split(vocab.Encode(text), s.ValidationFraction);
        var (train, valid) = MakeBatches(s, trainIds, validIds);
        output.WriteLine(Invariant($"data: {source}: {text.Length:N0} characters, {vocab.Count} symbols; {trainIds.Length:N0} train, {validIds.Length:N0} held out"));

        Generator.ManualSeed(s.Seed);  // initialisation and dropout draw from Generator.Default, whose state goes into checkpoints
        var model = new CharLanguageModel(vocab, new CharLanguageModelOptions(s.Embedding, s.Hidden, s.Layers, s.Dropout, cell));
        var optimizer = new Adam(model.Parameters(), s.LearningRate);
        var bptt = new TruncatedBptt(optimizer) { ClipGradNorm = s.Clip > 0 ? s.Clip : null };
        output.WriteLine($"model: {model}");
        output.WriteLine(Invariant($"training: {train.Count:N0} windows of {s.Batch} × {s.Seq} per epoch, Adam lr {s.LearningRate}, clip {(s.Clip > 0 ? s.Clip.ToString(CultureInfo.InvariantCulture) : "off")}, ") +
                         (s.Minutes is { } m ? Invariant($"{m} minutes") : $"{s.Epochs ?? 1} epoch(s)"));

        string fingerprint = Fingerprint(s, cell, text);
        var p = new Position();
        if (s.Resume is not null)
        {
            p = LmCheckpoint.Load(s.Resume, model, optimizer, fingerprint, vocab);
            output.WriteLine(Invariant($"resumed: {s.Resume} at {p.Where(train.Count)}, step {p.Step:N0}, {p.TrainSeconds:F1} s trained"));
        }

        using var interrupt = new Interrupt(cancel);
        double? budget = s.Minutes * 60;
        int epochs = s.Epochs ?? (s.Minutes is null ? 1 : int.MaxValue);
        bool live = !(s.Plain || Console.IsOutputRedirected || output != Console.Out);
        var progress = new Progress(output, live, budget, epochs == int.MaxValue ? null : (long)epochs * train.Count, train.Count);
        double nextEval = Math.Floor(p.TrainSeconds / s.EvalEvery + 1) * s.EvalEvery;
        double? lastBpc = null;

        void Evaluate()
        {
            lastBpc = BitsPerCharacter(model, valid);
            progress.Report(Invariant($"step {p.Step:N0} {p.Where(train.Count)}, {p.TrainSeconds:F1} s ({wall.Elapsed.TotalSeconds:F0} s wall): train {p.RecentLoss() / Math.Log(2):F4} bits/char, held-out {lastBpc:F4} bits/char, {p.Tokens / Math.Max(p.TrainSeconds, 1e-9):N0} tokens/s"));
            if (s.Checkpoint is not null) LmCheckpoint.Save(s.Checkpoint, model, optimizer, p, fingerprint, vocab);
        }

        bool Done() => p.Epoch >= epochs || (budget is { } b && p.TrainSeconds >= b);
        progress.Run(() =>
        {
            if (s.Resume is null) { lastBpc = BitsPerCharacter(model, valid); progress.Report(Invariant($"step 0, 0.0 s: held-out {lastBpc:F4} bits/char (untrained; log2 {vocab.Count} = {Math.Log2(vocab.Count):F4})")); }
            var clock = new Stopwatch();
            while (!Done() && !interrupt.Requested)
            {
                clock.Restart();
                model.Train();
                var batch = train[p.Window];
                var (logits, next) = model.Forward(batch.Inputs, p.State);
                var loss = Tensor.CrossEntropy(logits.Reshape(-1, vocab.Count), batch.Targets.Reshape(-1)).Mean();
                double value = loss.Item();
                if (!double.IsFinite(value))
                    throw new InvalidOperationException(Invariant($"lm: the training loss became {value} at step {p.Step + 1} (epoch {p.Epoch + 1}, window {p.Window}); try a lower --lr or --clip") +
                                                        (s.Checkpoint is null ? "" : $"; the last checkpoint {s.Checkpoint} is kept"));
                bptt.Step(loss);
                p.State = next.Detach();
                p.Advance(value, batch.Inputs.NumEl, clock.Elapsed.TotalSeconds, train.Count);
                progress.Batch(p);
                if (p.TrainSeconds >= nextEval && !Done())
                {
                    Evaluate();
                    nextEval = Math.Floor(p.TrainSeconds / s.EvalEvery + 1) * s.EvalEvery;
                }
            }
            if (interrupt.Requested)
            {
                if (s.Checkpoint is not null) LmCheckpoint.Save(s.Checkpoint, model, optimizer, p, fingerprint, vocab);
                return;
            }
            Evaluate();
        });

        if (interrupt.Requested)
        {
            output.WriteLine(Invariant($"interrupted at step {p.Step:N0} ({p.Where(train.Count)}, {p.TrainSeconds:F1} s trained)") +
                             (s.Checkpoint is null ? "; no checkpoint (--checkpoint FILE), nothing saved" : $"; checkpoint saved: {s.Checkpoint} (continue with --resume {s.Checkpoint}); --output not written"));
            return InterruptedExitCode;
        }
        output.WriteLine(Invariant($"held-out: {lastBpc:F4} bits/char ({(long)valid.BatchSize * (valid.StreamLength - 1):N0} characters predicted), after {p.Step:N0} steps, {p.Tokens:N0} characters, {p.TrainSeconds:F1} s of training ({p.Tokens / Math.Max(p.TrainSeconds, 1e-9):N0} tokens/s)"));
        if (modelFile is not null)
        {
            output.WriteLine($"saved: {ModelFile.Save(model, modelFile!)}");
        }
        if (s.Checkpoint is not null) output.WriteLine($"checkpoint: {s.Checkpoint}");
        output.WriteLine(Invariant($"time: {wall.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    /// <summary>Held-out bits per character: the mean cross-entropy in nats over every predicted character of
    /// <paramref name="batches"/>, state carried from window to window, in evaluation mode without gradients, / ln 2.</summary>
    public static double BitsPerCharacter(CharLanguageModel model, LanguageModelBatches batches)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            LanguageModelState? state = null;
            double nats = 0;
            long count = 0;
            foreach (var batch in batches)
            {
                var (logits, next) = model.Forward(batch.Inputs, state);
                nats += Tensor.CrossEntropy(logits.Reshape(-1, model.Vocabulary.Count), batch.Targets.Reshape(-1)).ToDoubleArray().Sum();
                count += batch.Targets.NumEl;
                state = next;
            }
            return nats / count / Math.Log(2);
        }
        finally { model.Train(wasTraining); }
    }

    static (LanguageModelBatches Train, LanguageModelBatches Valid) MakeBatches(Settings s, long[] train, long[] valid)
    {
        // A stream of L = ⌊N / B⌋ characters has L − 1 inputs with a target: B ≤ N / 2 and T ≤ L − 1.
        int maxBatch = train.Length / 2;
        if (s.Batch > maxBatch)
            throw new UsageException(maxBatch < 1 ? $"the text is too short to train on: {train.Length} training characters"
                : Invariant($"--batch must be in 1…{maxBatch} for this text ({train.Length:N0} training characters, each stream needs 2), got {s.Batch}"));
        int maxSeq = train.Length / s.Batch - 1;
        if (s.Seq > maxSeq)
            throw new UsageException(Invariant($"--seq must be in 1…{maxSeq} for this text with --batch {s.Batch} (each of the {s.Batch} streams has {maxSeq + 1:N0} characters), got {s.Seq}"));
        if (valid.Length < 2)
            throw new UsageException(Invariant($"the held-out part has {valid.Length} characters (--val-frac {s.ValidationFraction} of {train.Length + valid.Length:N0}); it needs at least 2: use a longer text or a larger --val-frac"));
        int evalBatch = Math.Min(s.EvalBatch, valid.Length / 2);
        int evalSeq = Math.Min(s.Seq, valid.Length / evalBatch - 1);
        return (new LanguageModelBatches(train, s.Batch, s.Seq), new LanguageModelBatches(valid, evalBatch, evalSeq));
    }

    static RecurrentMode Validate(Settings s)
    {
        static void Range(string option, double value, double min, double max, string? range = null)
        {
            if (!(value >= min && value <= max))
                throw new UsageException(Invariant($"{option} must be in {range ?? $"{min}…{max}"}, got {value}"));
        }
        var cell = CharLanguageModelOptions.ParseCell(s.Cell) ?? throw new UsageException($"--cell: unknown cell '{s.Cell}'. Valid: lstm, gru, rnn, rnn-relu");
        Range("--hidden", s.Hidden, 1, 8192);
        Range("--layers", s.Layers, 1, 16);
        Range("--embedding", s.Embedding, 1, 8192);
        Range("--seq", s.Seq, 1, 100_000);
        Range("--batch", s.Batch, 1, 100_000);
        if (!(s.LearningRate > 0 && s.LearningRate <= 10)) throw new UsageException(Invariant($"--lr must be in (0, 10], got {s.LearningRate}"));
        Range("--clip", s.Clip, 0, double.MaxValue, "[0, ∞) (0: off)");
        if (!(s.Dropout >= 0 && s.Dropout < 1)) throw new UsageException(Invariant($"--dropout must be in [0, 1), got {s.Dropout}"));
        if (s.Epochs is not null && s.Minutes is not null) throw new UsageException("give either --epochs or --minutes, not both");
        if (s.Epochs is { } e) Range("--epochs", e, 1, 1_000_000);
        if (s.Minutes is { } m && !(m > 0 && m <= 1e6)) throw new UsageException(Invariant($"--minutes must be in (0, 1000000], got {m}"));
        if (!(s.EvalEvery > 0 && s.EvalEvery <= 1e9)) throw new UsageException(Invariant($"--eval-every must be positive (seconds), got {s.EvalEvery}"));
        if (!(s.ValidationFraction > 0 && s.ValidationFraction <= 0.5)) throw new UsageException(Invariant($"--val-frac must be in (0, 0.5], got {s.ValidationFraction}"));
        if (s.Resume is not null && !File.Exists(s.Resume)) throw new UsageException($"--resume: checkpoint file not found: {s.Resume}");
        if (s.Text is not null && !File.Exists(s.Text)) throw new UsageException($"--text: file not found: {s.Text}");
        return cell;
    }

    /// <summary>What a checkpoint must agree with to be resumed: the text (by hash) and every option that shapes the
    /// model or the stream of windows. The budget (--epochs, --minutes), --eval-every and outputs may change.</summary>
    static string Fingerprint(Settings s, RecurrentMode cell, string text) => Invariant(
        $"text {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]} ({text.Length} chars); --cell {CharLanguageModelOptions.CellNameOf(cell)} --hidden {s.Hidden} --layers {s.Layers} --embedding {s.Embedding} --seq {s.Seq} --batch {s.Batch} --lr {s.LearningRate:R} --clip {s.Clip:R} --dropout {s.Dropout:R} --val-frac {s.ValidationFraction:R} --seed {s.Seed}");

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Where training is: epochs done, the next window of this epoch, the carried state, counters.</summary>
    internal sealed class Position
    {
        public int Epoch, Window;
        public long Step, Tokens;
        public double TrainSeconds;
        public LanguageModelState? State;
        readonly Queue<double> recent = new();

        public void Advance(double loss, long tokens, double seconds, int windowsPerEpoch)
        {
            Step++;
            Tokens += tokens;
            TrainSeconds += seconds;
            recent.Enqueue(loss);
            if (recent.Count > 50) recent.Dequeue();
            if (++Window == windowsPerEpoch) { Epoch++; Window = 0; State = null; }  // each pass starts from a zero state
        }

        /// <summary>"epoch 2 window 10/960", or "epoch 1 done" between epochs.</summary>
        public string Where(int windowsPerEpoch) => Window == 0 && Epoch > 0
            ? $"epoch {Epoch} done" : $"epoch {Epoch + 1} window {Window}/{windowsPerEpoch}";

        /// <summary>Mean training loss (nats) of the last 50 windows.</summary>
        public double RecentLoss() => recent.Count == 0 ? double.NaN : recent.Average();
    }

    /// <summary>A live progress bar (as `train` shows it) or nothing per window, and one line per evaluation either way.</summary>
    sealed class Progress(TextWriter output, bool live, double? seconds, long? windows, int windowsPerEpoch)
    {
        ProgressTask? task;

        public void Run(Action train)
        {
            if (!live) { train(); return; }
            AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    task = ctx.AddTask("training", maxValue: seconds ?? Math.Max(1, windows ?? 1));
                    train();
                });
        }

        public void Batch(Position p)
        {
            if (task is null) return;
            task.Value = seconds is not null ? Math.Min(p.TrainSeconds, seconds.Value) : (double)p.Epoch * windowsPerEpoch + p.Window;
            task.Description = Markup.Escape(Invariant(
                $"{p.Where(windowsPerEpoch)} loss {p.RecentLoss() / Math.Log(2):F3} bits/char {p.Tokens / Math.Max(p.TrainSeconds, 1e-9):N0} tokens/s"));
        }

        public void Report(string line)
        {
            if (task is not null) AnsiConsole.MarkupLine(Markup.Escape(line));
            else output.WriteLine(line);
        }
    }
}

/// <summary>
/// A `neurite lm` checkpoint: <see cref="Checkpoint"/>'s format (model.*, optim.*, epoch, step count, learning rate,
/// the state of <see cref="Generator.Default"/>), plus the position in the epoch, the carried recurrent state
/// (<c>lm.h</c>, <c>lm.c</c>), the training time and counters, the vocabulary and the options it was made with.
/// Written atomically (<see cref="SafeTensors.Save"/>), so Ctrl-C never leaves half a file.
/// </summary>
static class LmCheckpoint
{
    public static void Save(string path, CharLanguageModel model, Optimizer optimizer, LmCommand.Position p, string fingerprint, CharVocabulary vocab)
    {
        var tensors = Checkpoint.StateTensors(model, optimizer);
        if (p.State is { } state)
        {
            tensors["lm.h"] = state.H;
            if (state.C is { } c) tensors["lm.c"] = c;
        }
        var inv = CultureInfo.InvariantCulture;
        var meta = new Dictionary<string, string>
        {
            ["format"] = "neurite-checkpoint",
            ["epoch"] = p.Epoch.ToString(inv),
            ["optimizer"] = optimizer.GetType().Name,
            ["step_count"] = optimizer.StepCount.ToString(inv),
            ["lr"] = string.Join(",", optimizer.Groups.Select(g => g.LearningRate.ToString("R", inv))),
            ["rng"] = string.Join(",", Generator.Default.GetState()),
            ["lm.window"] = p.Window.ToString(inv),
            ["lm.step"] = p.Step.ToString(inv),
            ["lm.tokens"] = p.Tokens.ToString(inv),
            ["lm.train_seconds"] = p.TrainSeconds.ToString("R", inv),
            ["lm.options"] = fingerprint,
            ["lm.vocabulary"] = vocab.ToJson(),
        };
        SafeTensors.Save(path, tensors, meta);
    }

    public static LmCommand.Position Load(string path, CharLanguageModel model, Optimizer optimizer, string fingerprint, CharVocabulary vocab)
    {
        var (tensors, meta) = SafeTensors.Load(path);
        string Meta(string key) => meta.TryGetValue(key, out var v) ? v : throw new ModelFormatException($"{path}: not a `neurite lm` checkpoint (no '{key}' in its metadata)");
        if (Meta("lm.vocabulary") != vocab.ToJson())
            throw new UsageException($"--resume: {path} was made on a text with other characters; resume with the same --text");
        if (Meta("lm.options") != fingerprint)
            throw new UsageException($"--resume: {path} was made with other data or options; resume with the same ones: {Differences(Meta("lm.options"), fingerprint)}");
        int epoch = Checkpoint.Load(path, model, optimizer);  // weights, Adam moments, step count, learning rate, Generator.Default
        var inv = CultureInfo.InvariantCulture;
        var p = new LmCommand.Position
        {
            Epoch = epoch,
            Window = int.Parse(Meta("lm.window"), inv),
            Step = long.Parse(Meta("lm.step"), inv),
            Tokens = long.Parse(Meta("lm.tokens"), inv),
            TrainSeconds = double.Parse(Meta("lm.train_seconds"), inv),
        };
        if (tensors.TryGetValue("lm.h", out var h)) p.State = new LanguageModelState(h, tensors.GetValueOrDefault("lm.c"));
        return p;
    }

    /// <summary>"--hidden 512 in the checkpoint, --hidden 256 now; …" for the parts of two fingerprints that differ.</summary>
    static string Differences(string saved, string now)
    {
        static string[] Parts(string f) => f.Replace("; --", " --", StringComparison.Ordinal).Split(" --").Select((x, i) => i == 0 ? x : "--" + x).ToArray();
        var (a, b) = (Parts(saved), Parts(now));
        if (a.Length != b.Length) return $"checkpoint: {saved}; now: {now}";
        return string.Join("; ", a.Zip(b).Where(x => x.First != x.Second).Select(x => $"{x.First} in the checkpoint, {x.Second} now"));
    }
}
