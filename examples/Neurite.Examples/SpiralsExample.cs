using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Examples;

/// <summary>Two interleaved spirals: a classic problem no linear model separates; a small ReLU MLP does.</summary>
public static class SpiralsExample
{
    public sealed record Result(double LinearTestAccuracy, double MlpTestAccuracy);

    public static Result Run(TextWriter output, ulong seed = 3)
    {
        var (train, test) = Split.TrainTest(Datasets.TwoSpirals(2000, 0.01, seed), 0.25, seed, stratified: true);
        double linear = Fit(new Sequential(new Linear(2, 2)), train, test, seed);
        double mlp = Fit(new Sequential(
            new Linear(2, 64, init: Init.HeUniform()), new ReLU(),
            new Linear(64, 64, init: Init.HeUniform()), new ReLU(),
            new Linear(64, 2)), train, test, seed);
        output.WriteLine($"two spirals test accuracy: linear {linear:P1}, 2-64-64-2 ReLU MLP {mlp:P1}");
        return new Result(linear, mlp);
    }

    static double Fit(Module model, TensorDataset train, TensorDataset test, ulong seed)
    {
        Generator.ManualSeed(seed);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.01));
        trainer.Fit(new DataLoader(train, 32, shuffle: true, seed: seed), 100);
        return trainer.Evaluate(new DataLoader(test, 500)).Accuracy ?? 0;
    }
}
