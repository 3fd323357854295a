using System.CommandLine;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Cli.Commands;

/// <summary>`neurite xor`: seed 000's first lesson — one neuron cannot learn XOR, one hidden layer can.</summary>
public static class XorCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Training epochs (full-batch Adam steps)", DefaultValueFactory = _ => 300 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1 };
        var command = new Command("xor", "Train a single neuron and a 2-8-2 tanh network on XOR and compare") { epochs, seed };
        command.SetAction(r => Run(r.GetValue(epochs), r.GetValue(seed), Console.Out));
        return command;
    }

    public static int Run(int epochs, ulong seed, TextWriter output)
    {
        if (epochs <= 0) throw new UsageException($"--epochs must be positive, got {epochs}");
        var x = Tensor.FromArray(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 4, 2);
        var y = Tensor.FromArray(new long[] { 0, 1, 1, 0 });
        var g = new Generator(seed);
        double accSingle = Train("single neuron (2 → 2 logits, no hidden layer)", new Sequential(new Linear(2, 2, generator: g)), x, y, epochs, output);
        double accHidden = Train("one hidden layer (2 → 8 tanh → 2)", new Sequential(new Linear(2, 8, generator: g), new Tanh(), new Linear(8, 2, generator: g)), x, y, epochs, output);
        output.WriteLine();
        output.WriteLine($"XOR accuracy: single neuron {accSingle:P0}, one hidden layer {accHidden:P0}");
        output.WriteLine(accHidden == 1 && accSingle < 1
            ? "As seed 000 says: XOR is not linearly separable, so a single unit cannot learn it; a hidden layer can."
            : "Unexpected result: try another --seed or more --epochs.");
        return 0;
    }

    static double Train(string title, Module model, Tensor x, Tensor y, int epochs, TextWriter output)
    {
        output.WriteLine(title);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.05));
        var history = trainer.Fit([(x, y)], epochs);
        int every = Math.Max(1, epochs / 6);
        foreach (var e in history.Epochs)
            if (e.Epoch == 1 || e.Epoch % every == 0 || e.Epoch == epochs)
                output.WriteLine($"  epoch {e.Epoch,4}  loss {e.TrainLoss:F4}  accuracy {e.TrainAccuracy:P0}");
        var p = trainer.Predict(x).Softmax();
        var probs = p.ToFloatArray();
        for (int i = 0; i < 4; i++)
            output.WriteLine($"  {x[i, 0]:0} xor {x[i, 1]:0} = {y[i]:0}  →  P(1) = {probs[i * 2 + 1]:F3}");
        return Metrics.Accuracy(trainer.Predict(x), y);
    }
}
