using Neurite.Nn;

namespace Neurite.Bench;

/// <summary>
/// BENCHMARKS.md `lenet`: LeNet-5 on random 1×28×28 images, conv(1→6, 5×5, pad 2)-ReLU-maxpool 2 -
/// conv(6→16, 5×5)-ReLU-maxpool 2 - 400-120-84-10 with ReLU; SGD momentum 0.9, lr 0.01, batch 64, cross-entropy.
/// Training images/s (forward, backward, step) and inference images/s (no grad, batch 1000), at 1 and 2 threads.
/// Options: --threads 1,2  --reps R  --steps S.
/// </summary>
internal static class LenetBench
{
    public static int Run(string[] args)
    {
        CnnTraining.Run("lenet", Build, [1, 28, 28], batch: 64, inferBatch: 1000, CnnTraining.Parse(args, stepsPerRep: 40, inference: true));
        return 0;
    }

    internal static Module Build()
    {
        var g = new Generator(1);
        return new Sequential(
            new Conv2d(1, 6, 5, padding: 2, generator: g), new ReLU(), new MaxPool2d(2),
            new Conv2d(6, 16, 5, generator: g), new ReLU(), new MaxPool2d(2),
            new Flatten(),
            new Linear(400, 120, generator: g), new ReLU(),
            new Linear(120, 84, generator: g), new ReLU(),
            new Linear(84, 10, generator: g));
    }
}
