using Neurite.Nn;
using Neurite.Serialization;

namespace Neurite.Tests.Recurrent;

/// <summary>
/// Outputs and gradients equal to PyTorch's nn.LSTM / nn.GRU / nn.RNN and their cells given the same weights, on
/// fixtures that tests/fixtures-src/recurrent/make_fixtures.py computed with Debian's python3-torch (float64). PyTorch
/// is not needed to run these tests.
/// </summary>
public class PyTorchParityTests
{
    static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Neurite.Tests", "Fixtures", "recurrent");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Neurite.Tests/Fixtures/recurrent not found above " + AppContext.BaseDirectory);
    }

    static string[] CaseNames() => Directory.GetFiles(Folder(), "*.safetensors")
        .Select(f => Path.GetFileNameWithoutExtension(f)).OrderBy(f => f, StringComparer.Ordinal).ToArray();

    public static TheoryData<string> Cases() => new(CaseNames());

    [Fact]
    public void Every_kind_of_case_is_there()
    {
        var cases = CaseNames();
        Assert.True(cases.Length >= 16, $"only {cases.Length} fixtures: {string.Join(", ", cases)}");
        foreach (var mode in new[] { "lstm", "gru", "rnn_tanh", "rnn_relu" })
            Assert.Contains(cases, c => c.StartsWith(mode, StringComparison.Ordinal));
        Assert.Contains(cases, c => c.Contains("cell", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Cases))]
    public void Matches_PyTorch(string name)
    {
        var (t, meta) = SafeTensors.Load(Path.Combine(Folder(), name + ".safetensors"));
        string mode = meta["mode"];
        int inF = int.Parse(meta["input_size"]), hid = int.Parse(meta["hidden_size"]);
        var recMode = mode switch { "lstm" => RecurrentMode.Lstm, "gru" => RecurrentMode.Gru, "rnn_relu" => RecurrentMode.RnnRelu, _ => RecurrentMode.RnnTanh };
        bool isCell = t.ContainsKey("weight_ih");
        var x = t["input"].Detach().RequireGrad();
        var h0 = t.TryGetValue("h0", out var h) ? h.Detach().RequireGrad() : null;
        var c0 = t.TryGetValue("c0", out var c) ? c.Detach().RequireGrad() : null;
        Module module;
        Tensor loss;
        var outputs = new List<(string Name, Tensor Value)>();
        if (isCell)
        {
            module = recMode switch
            {
                RecurrentMode.Lstm => new LstmCell(inF, hid, dtype: DType.Float64),
                RecurrentMode.Gru => new GruCell(inF, hid, dtype: DType.Float64),
                _ => new RnnCell(inF, hid, relu: recMode == RecurrentMode.RnnRelu, dtype: DType.Float64),
            };
            Load(module, t);
            if (module is LstmCell lc)
            {
                var s = lc.Forward(x, h0 is null ? null : new LstmState(h0, c0!));
                outputs.Add(("h_1", s.H));
                outputs.Add(("c_1", s.C));
            }
            else outputs.Add(("h_1", module is GruCell gc ? gc.Forward(x, h0) : ((RnnCell)module).Forward(x, h0)));
        }
        else
        {
            int layers = int.Parse(meta["num_layers"]);
            bool bi = bool.Parse(meta["bidirectional"]), batchFirst = bool.Parse(meta["batch_first"]);
            var rec = recMode switch
            {
                RecurrentMode.Lstm => (RecurrentBase)new Lstm(inF, hid, layers, batchFirst: batchFirst, bidirectional: bi, dtype: DType.Float64),
                RecurrentMode.Gru => new Gru(inF, hid, layers, batchFirst: batchFirst, bidirectional: bi, dtype: DType.Float64),
                _ => new Rnn(inF, hid, layers, relu: recMode == RecurrentMode.RnnRelu, batchFirst: batchFirst, bidirectional: bi, dtype: DType.Float64),
            };
            module = rec;
            Load(module, t);
            int[]? lengths = t.TryGetValue("lengths", out var len) ? len.ToDoubleArray().Select(v => (int)v).ToArray() : null;
            var (o, hn, cn) = RecurrentGradTests.Run(rec, x, h0, c0, lengths);
            outputs.Add(("output", o));
            outputs.Add(("h_n", hn));
            if (cn is not null) outputs.Add(("c_n", cn));
        }
        loss = Tensor.Scalar(0.0, DType.Float64);
        foreach (var (n, v) in outputs)
        {
            AssertClose(t[n], v, $"{name}: {n}");
            loss = loss.Add(v.Mul(t["upstream." + n]).Sum());
        }
        loss.Backward();
        AssertClose(t["grad.input"], x.Grad!, $"{name}: grad.input");
        if (h0 is not null) AssertClose(t["grad.h0"], h0.Grad!, $"{name}: grad.h0");
        if (c0 is not null) AssertClose(t["grad.c0"], c0.Grad!, $"{name}: grad.c0");
        foreach (var (pn, p) in module.NamedParameters())
            AssertClose(t["grad." + pn], p.Grad!, $"{name}: grad.{pn}");
    }

    static void Load(Module m, Dictionary<string, Tensor> t)
    {
        var own = m.StateDict();
        m.LoadStateDict(own.Keys.ToDictionary(k => k, k => t[k]));
    }

    static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape [{string.Join(", ", actual.Shape.ToArray())}], PyTorch [{string.Join(", ", expected.Shape.ToArray())}]");
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-9 + 1e-7 * Math.Abs(e[i]), $"{what}: element {i} is {a[i]:R}, PyTorch {e[i]:R}");
    }
}
