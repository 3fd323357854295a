// Neurite benchmarks: `dotnet run -c Release --project bench/Neurite.Bench -- <workload> [options]`.
// Each result is one JSON line on standard output, so a script can compare it with PyTorch's.
using Neurite.Bench;

string workload = args.Length > 0 ? args[0] : "help";
string[] rest = args.Skip(1).ToArray();
switch (workload)
{
    case "gemm": return GemmBench.Run(rest);
    case "tiny": return TinyBench.Run(rest);
    case "tinyop": return TinyBench.RunOp(rest);
    case "elementwise": return ElementwiseBench.Run(rest);
    case "mlp": return MlpBench.Run(rest);
    case "lenet": return LenetBench.Run(rest);
    case "resnet": return ResnetBench.Run(rest);
    case "conv": return ConvBench.Run(rest);
    case "wgrad": return WeightGradBench.Run(rest);
    case "pool": return PoolBench.Run(rest);
    case "lstm": return LstmBench.Run(rest);
    case "seq2seq": return Seq2SeqBench.Run(rest);
    case "ort": return OrtBench.Run(rest);
    default:
        Console.Error.WriteLine($"unknown workload '{workload}'. Workloads: gemm, tiny, tinyop, elementwise, mlp, lenet, resnet, conv, wgrad, pool, lstm, seq2seq, ort");
        return 2;
}
