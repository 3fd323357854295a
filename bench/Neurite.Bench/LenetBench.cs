using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;

namespace Neurite.Bench;

/// <summary>
/// BENCHMARKS.md `lenet`: LeNet-5 on random 1×28×28 images, conv(1→6, 5×5, pad 2)-ReLU-maxpool 2 -
/// conv(6→16, 5×5)-ReLU-maxpool 2 - 400-120-84-10 with ReLU; SGD momentum 0.9, lr 0.01, batch 64, cross-entropy.
/// Training images/s (forward, backward, step) and inference images/s (no grad, batch 1000), at 1 and 2 threads.
/// Options: --threads 1,2  --reps R  --steps S, or --train-only [--data DIR]: load Fashion-MNIST and train one epoch
/// (938 batches of 64) with nothing else, for compare.sh's peak-memory measurement (/usr/bin/time -v), like
/// bench/pytorch/lenet.py --train-only.
/// </summary>
internal static class LenetBench
{
    const int Batch = 64;

    public static int Run(string[] args)
    {
        if (args.Contains("--train-only"))
        {
            string? Option(string name) => Array.IndexOf(args, name) is int at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
            if (Option("--threads") is { } t) Kernels.Threads.Count = int.Parse(t.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
            return TrainOneEpoch(Option("--data"));
        }
        CnnTraining.Run("lenet", Build, [1, 28, 28], batch: Batch, inferBatch: 1000, CnnTraining.Parse(args, stepsPerRep: 40, inference: true));
        return 0;
    }

    static int TrainOneEpoch(string? folder)
    {
        var (train, _) = FashionMnist.Load(folder);
        var model = Build();
        var opt = new Sgd(model.Parameters(), learningRate: 0.01, momentum: 0.9);
        var loss = new CrossEntropyLoss();
        var order = new DataLoader(train, Batch, shuffle: true, seed: 0, prefetch: 0).Order(0);
        double last = 0;
        for (int s = 0; s < order.Length; s += Batch)
        {
            var (x, y) = train.GetBatch(order.AsSpan(s, Math.Min(Batch, order.Length - s)));
            var l = loss.Forward(model.Forward(x.Reshape(x.Shape[0], 1, 28, 28)), y);
            opt.ZeroGrad();
            l.Backward();
            opt.Step();
            last = l.Item();
        }
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        Measure.Json(("workload", "lenet"), ("impl", "neurite"), ("threads", Kernels.Threads.Count), ("final_loss", last),
            ("peak_working_set_mb", self.PeakWorkingSet64 / 1048576.0));
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
