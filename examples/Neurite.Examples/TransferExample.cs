using Neurite.Data;
using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Examples;

/// <summary>
/// Seed 003's transfer learning on Fashion-MNIST: a LeNet-5 trained on five classes (T-shirt, trouser,
/// pullover, dress, coat) is given a new head and fine-tuned on the other five (sandal, shirt, sneaker,
/// bag, ankle boot) from only 100 images per class; it beats the same network trained from scratch on
/// those 500 images with the same budget (8 epochs), because its convolutional features already describe clothing.
/// </summary>
public static class TransferExample
{
    public sealed record Result(double SourceAccuracy, double FineTunedAccuracy, double ScratchAccuracy);

    public static Result Run(TextWriter output, ulong seed = 11, string? folder = null)
    {
        var (train, test) = FashionMnist.Load(folder, images: true);
        var source = Classes(train, 0, perClass: 4000, seed);
        var sourceTest = Classes(test, 0, perClass: int.MaxValue, seed);
        var target = Classes(train, 5, perClass: 100, seed);
        var targetTest = Classes(test, 5, perClass: int.MaxValue, seed);

        // 1. Pre-train on classes 0–4.
        Generator.ManualSeed(seed);
        var options = new VisionOptions(InChannels: 1, Classes: 5, InputSize: 28, Dropout: 0);
        var pretrained = LeNet.Create(options);
        double sourceAcc = Fit(pretrained, source, sourceTest, epochs: 4, lr: 2e-3, seed);

        // 2. Transfer: keep every layer but the head, give it a fresh 5-way head, fine-tune on 500 images.
        var fineTuned = Transfer.ReplaceHead(pretrained, new Linear(84, 5, generator: new Generator(seed)));
        double fineTunedAcc = Fit(fineTuned, target, targetTest, epochs: 8, lr: 1e-3, seed);

        // 3. The same network from scratch on the same 500 images.
        var scratch = LeNet.Create(options);
        double scratchAcc = Fit(scratch, target, targetTest, epochs: 8, lr: 1e-3, seed);

        output.WriteLine($"source task (classes 0–4, 20,000 images): test accuracy {sourceAcc:P1}");
        output.WriteLine($"target task (classes 5–9, 100 images per class): fine-tuned {fineTunedAcc:P1}, from scratch {scratchAcc:P1}");
        return new Result(sourceAcc, fineTunedAcc, scratchAcc);
    }

    static double Fit(Module model, TensorDataset train, TensorDataset test, int epochs, double lr, ulong seed)
    {
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), lr));
        trainer.Fit(new DataLoader(train, 50, shuffle: true, seed: seed), epochs);
        return trainer.Evaluate(new DataLoader(test, 1000)).Accuracy ?? 0;
    }

    /// <summary>Up to <paramref name="perClass"/> images of each class first..first+4, relabelled 0..4, in a seeded random choice.</summary>
    static TensorDataset Classes(TensorDataset data, int first, int perClass, ulong seed)
    {
        var labels = data.Labels.ToLongArray();
        var order = Enumerable.Range(0, labels.Length).ToArray();
        new Generator(seed).Shuffle<int>(order);
        var taken = new int[5];
        var picked = new List<int>();
        foreach (int i in order)
        {
            long c = labels[i] - first;
            if (c is >= 0 and < 5 && taken[c] < perClass) { taken[c]++; picked.Add(i); }
        }
        var subset = data.Select(picked.ToArray());
        var relabelled = subset.Labels.ToLongArray().Select(l => l - first).ToArray();
        return new TensorDataset(subset.Features, Tensor.FromArray(relabelled));
    }
}
