using System.Diagnostics;
using System.Globalization;
using Neurite.Cli;
using Neurite.Cli.Commands;
using Neurite.Serialization;

namespace Neurite.Tests.Cli;

/// <summary>`neurite lm` and `neurite sample` end to end, in process (values, resume) and as the real program (exit codes, messages).</summary>
[Collection(GlobalStateCollection.Name)]
public sealed class LmCliTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "neurite-lm-" + Guid.NewGuid().ToString("N"));
    readonly string textFile;

    public LmCliTests()
    {
        Directory.CreateDirectory(dir);
        textFile = Path.Combine(dir, "verses.txt");
        // Repetitive text: 3 verses over 17 symbols, so a model that learns anything gets far below log2 17 ≈ 4.09 bits/char.
        var verses = new[] { "in the beginning was the word.\n", "and the word was good.\n", "let there be light.\n" };
        var g = new Generator(11);
        File.WriteAllText(textFile, string.Concat(Enumerable.Range(0, 500).Select(_ => verses[g.NextInt(3)])));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    LmCommand.Settings Small(int epochs) => new(Text: textFile, Hidden: 48, Embedding: 12, Seq: 32, Batch: 8, LearningRate: 1e-2, Dropout: 0.1,
        Epochs: epochs, Seed: 5, EvalEvery: 0.5, Plain: true);

    static double HeldOut(string log) => double.Parse(
        log.Split('\n').Single(l => l.StartsWith("held-out:", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);

    [Fact]
    public void LmLearnsTheTextSampleGeneratesItAndResumeContinuesExactly()
    {
        string stem = Path.Combine(dir, "lm"), ckpt = Path.Combine(dir, "lm.ckpt");
        var log = new StringWriter();
        Assert.Equal(0, LmCommand.Run(Small(2) with { Output = stem }, log));
        double bpc = HeldOut(log.ToString());
        Assert.True(double.IsFinite(bpc) && bpc < 0.25 * Math.Log2(17), log.ToString());  // untrained ≈ 4.09; this run ≈ 0.3
        Assert.Contains("held-out 4.", log.ToString());                                  // the step-0 evaluation

        var sample = new StringWriter();
        Assert.Equal(0, SampleCommand.Run(stem, 200, 0.5, "and the ", 3, sample));
        string text = sample.ToString();
        Assert.StartsWith("and the ", text);
        Assert.Contains("the", text[8..]);
        var again = new StringWriter();
        SampleCommand.Run(stem, 200, 0.5, "and the ", 3, again);
        Assert.Equal(text, again.ToString());

        // 1 epoch + resume to 2 = 2 epochs straight: weights, Adam moments, dropout RNG and position all restored.
        Assert.Equal(0, LmCommand.Run(Small(1) with { Checkpoint = ckpt }, TextWriter.Null));
        var resumed = new StringWriter();
        Assert.Equal(0, LmCommand.Run(Small(2) with { Resume = ckpt, Output = Path.Combine(dir, "resumed") }, resumed));
        Assert.Contains("resumed: " + ckpt + " at epoch 1 done, step ", resumed.ToString());
        Assert.Equal(bpc, HeldOut(resumed.ToString()));
        var (a, _) = SafeTensors.Load(stem + ".safetensors");
        var (b, _) = SafeTensors.Load(Path.Combine(dir, "resumed.safetensors"));
        foreach (var key in a.Keys) Assert.Equal(a[key].ToFloatArray(), b[key].ToFloatArray());

        var e = Assert.Throws<UsageException>(() => LmCommand.Run(Small(2) with { Hidden = 40, Resume = ckpt }, TextWriter.Null));
        Assert.Contains("--hidden 48", e.Message);
    }

    [Fact]
    public void OptionsOutOfRangeNameTheOptionAndTheRange()
    {
        (LmCommand.Settings Settings, string Message)[] cases =
        [
            (Small(1) with { Hidden = 0 }, "--hidden must be in 1…8192, got 0"),
            (Small(1) with { Layers = 17 }, "--layers must be in 1…16"),
            (Small(1) with { Dropout = 1 }, "--dropout must be in [0, 1)"),
            (Small(1) with { LearningRate = 0 }, "--lr must be in (0, 10]"),
            (Small(1) with { Clip = -1 }, "--clip must be in [0, ∞)"),
            (Small(1) with { Minutes = 1 }, "either --epochs or --minutes"),
            (Small(1) with { Cell = "tcn" }, "Valid: lstm, gru, rnn, rnn-relu"),
            (Small(1) with { Batch = 100_000 }, "--batch must be in 1…"),
            (Small(1) with { Seq = 5000 }, "--seq must be in 1…"),
            (Small(1) with { Text = Path.Combine(dir, "missing.txt") }, "--text: file not found"),
        ];
        foreach (var (settings, message) in cases)
            Assert.Contains(message, Assert.Throws<UsageException>(() => LmCommand.Run(settings, TextWriter.Null)).Message);
        Assert.Contains("--temperature must be a positive number",
            Assert.Throws<UsageException>(() => SampleCommand.Run("nothing", 10, -0.5, null, 1, TextWriter.Null)).Message);
    }

    // ---- the real program: exit codes and what reaches the terminal ----

    static (int Code, string Out, string Err) RunNeurite(params string[] args) => CliProcess.Run(args);

    [Fact]
    public void TheProgramExitsNonZeroWithTheFileAndByteOffsetOrTheOption()
    {
        string stem = Path.Combine(dir, "never");
        string empty = Path.Combine(dir, "empty.txt"), latin1 = Path.Combine(dir, "latin1.txt"), binary = Path.Combine(dir, "binary.bin");
        File.WriteAllBytes(empty, []);
        File.WriteAllBytes(latin1, [.. "caf"u8, 0xE9, .. " au lait\n"u8]);
        File.WriteAllBytes(binary, [.. "abc"u8, 0x00, 0x01, 0x02]);

        var (code, _, err) = RunNeurite("lm", "--text", empty, "--output", stem);
        Assert.Equal(1, code);
        Assert.Contains("empty.txt", err);
        Assert.Contains("empty", err[(err.IndexOf("empty.txt", StringComparison.Ordinal) + 9)..]);
        (code, _, err) = RunNeurite("lm", "--text", latin1, "--output", stem);
        Assert.Equal(1, code);
        Assert.Contains("latin1.txt", err);
        Assert.Contains("byte offset 3 (byte 0xE9)", err);
        (code, _, err) = RunNeurite("lm", "--text", binary, "--output", stem);
        Assert.Equal(1, code);
        Assert.Contains("binary.bin", err);
        Assert.Contains("offset 3", err);
        (code, _, err) = RunNeurite("lm", "--text", textFile, "--hidden", "0", "--output", stem);
        Assert.Equal(2, code);
        Assert.Contains("--hidden must be in 1…8192, got 0", err);
        Assert.False(File.Exists(stem + ".json") || File.Exists(stem + ".safetensors"));  // nothing half-written

        string model = Path.Combine(dir, "tiny");
        string ckpt = Path.Combine(dir, "tiny.ckpt");
        string[] tiny = ["lm", "--text", textFile, "--hidden", "16", "--embedding", "8", "--seq", "16", "--batch", "8", "--plain"];
        (code, var output, err) = RunNeurite([.. tiny, "--epochs", "1", "--output", model, "--checkpoint", ckpt]);
        Assert.True(code == 0, err);
        Assert.Contains("held-out:", output);
        (code, output, err) = RunNeurite([.. tiny, "--epochs", "2", "--resume", ckpt]);
        Assert.True(code == 0, err);
        Assert.Contains("resumed:", output);

        (code, output, _) = RunNeurite("sample", "-m", model, "--length", "50", "--prime", "let ", "--seed", "1");
        Assert.Equal(0, code);
        Assert.StartsWith("let ", output);
        (code, _, err) = RunNeurite("sample", "-m", model, "--temperature", "0");
        Assert.Equal(2, code);
        Assert.Contains("--temperature must be a positive number", err);
        (code, _, err) = RunNeurite("sample", "-m", model, "--prime", "Let");
        Assert.Equal(2, code);
        Assert.Contains("--prime: the prime's character U+004C 'L' (at index 0) is not in the model's vocabulary", err);
    }

    [Fact]
    public async Task CtrlCStopsCleanlyAndKeepsTheCheckpoint()
    {
        string ckpt = Path.Combine(dir, "interrupted.ckpt"), model = Path.Combine(dir, "interrupted");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Neurite.Cli.dll"), "lm", "--text", textFile, "--hidden", "16", "--embedding", "8",
                     "--seq", "16", "--batch", "8", "--minutes", "5", "--checkpoint", ckpt, "--output", model, "--plain" })
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null && !line.StartsWith("step 0", StringComparison.Ordinal)) lines.Add(line);
        Assert.NotNull(line);  // training has begun
        using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        string rest = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        string err = await stderr;
        Assert.True(p.ExitCode == LmCommand.InterruptedExitCode, rest + err);
        Assert.Contains("interrupted at step", rest);
        Assert.Contains("--resume " + ckpt, rest);
        Assert.True(File.Exists(ckpt));
        Assert.False(File.Exists(model + ".json"));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        var (_, meta) = SafeTensors.Load(ckpt);
        Assert.Equal("neurite-checkpoint", meta["format"]);
    }
}
