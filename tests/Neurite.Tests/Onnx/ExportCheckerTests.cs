using System.Diagnostics;
using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Onnx;
using Xunit.Abstractions;

namespace Neurite.Tests.Onnx;

/// <summary>
/// The ONNX project's own checker (Debian's python3-onnx, <c>onnx.checker.check_model(full_check=True)</c>, which also
/// runs shape inference) accepts what Neurite exports. Without python3/onnx the test passes with a note, unless
/// NEURITE_REQUIRE_ONNX_CHECKER=1 (as in .ci/run), where it fails.
/// </summary>
public class ExportCheckerTests(ITestOutputHelper output)
{
    const string Check = "import onnx,sys; [onnx.checker.check_model(onnx.load(p), full_check=True) for p in sys.argv[1:]]; print('checked', len(sys.argv) - 1)";

    // Debian's python3-onnx belongs to the system interpreter; a python3 earlier on PATH (pyenv, a venv) may lack it.
    static readonly string[] Interpreters = ["/usr/bin/python3", "python3"];

    static (int Code, string Out, string Err) Python(string interpreter, params string[] args)
    {
        var start = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "python3 did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The first interpreter that imports onnx, or null (after failing when the checker is required).</summary>
    string? Checker()
    {
        var why = new List<string>();
        foreach (var interpreter in Interpreters)
        {
            try
            {
                var (code, _, err) = Python(interpreter, "-c", "import onnx");
                if (code == 0) return interpreter;
                why.Add($"{interpreter} cannot import onnx ({err.Trim().Split('\n')[^1]})");
            }
            catch (System.ComponentModel.Win32Exception) { why.Add($"{interpreter} is not installed"); }
        }
        string reason = string.Join("; ", why);
        Assert.False(Environment.GetEnvironmentVariable("NEURITE_REQUIRE_ONNX_CHECKER") == "1", $"NEURITE_REQUIRE_ONNX_CHECKER=1 but {reason}");
        output.WriteLine($"NOT CHECKED: {reason} (install python3-onnx; set NEURITE_REQUIRE_ONNX_CHECKER=1 to make this a failure)");
        return null;
    }

    [Fact]
    public void OnnxCheckerAcceptsAnMlpLeNetResNet20AndAnLstmModel()
    {
        if (Checker() is not { } python) return;
        string dir = Directory.CreateTempSubdirectory("neurite-onnx-check-").FullName;
        var g = new Generator(3);
        var models = new (string Name, Module Model, int[] Shape)[]
        {
            ("mlp", new Sequential(new Standardize([0.5, 1, 2], [1.0, 2, 3]), new Linear(3, 16, generator: g, activation: Activation.ReLU), new BatchNorm1d(16),
                new Linear(16, 8, generator: g, activation: Activation.GELU), new Dropout(0.2), new Linear(8, 2, generator: g)), [3]),
            ("lenet", LeNet.Create(), [1, 28, 28]),
            ("resnet20", ResNet.ResNet20(new VisionOptions(3, 10, 16, 0.5, false, 0)), [3, 16, 16]),
            ("lstm", new Sequential(new Lstm(4, 8, 2, batchFirst: true, bidirectional: true, generator: g), new Linear(16, 3, generator: g)), [5, 4]),
            ("gru", new Gru(4, 6, 2, bidirectional: true, generator: g), [5, 4]),
        };
        var paths = models.Select(m => m.Model.ExportOnnx(Path.Combine(dir, m.Name + ".onnx"), m.Shape).Path).ToArray();
        var (code, stdout, err) = Python(python, ["-c", Check, .. paths]);
        Assert.True(code == 0, $"onnx.checker rejected an export:\n{err}");
        Assert.Contains($"checked {paths.Length}", stdout);
        output.WriteLine($"{python}: onnx.checker (full_check) accepted {string.Join(", ", models.Select(m => m.Name))}");
        Directory.Delete(dir, true);
    }
}
