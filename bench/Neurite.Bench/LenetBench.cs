using System.Diagnostics;
using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;

namespace Neurite.Bench;

/// <summary>
/// BENCHMARKS.md `lenet`: LeNet-5 on random 1×28×28 images, conv(1→6, 5×5, pad 2)-ReLU-maxpool 2 -
/// conv(6→16, 5×5)-ReLU-maxpool 2 - 400-120-84-10 with ReLU; SGD momentum 0.9, lr 0.01, batch 64, cross-entropy.
/// Training images/s (forward, backward, step) and inference images/s (no grad, batch 1000), at 1 and 2 threads.
/// Options: --threads 1,2  --reps R  --steps S, or --train-only [--data DIR] [--threads N]: load Fashion-MNIST, cut
/// it into batches as the `mlp` workload does (<see cref="EpochBatches"/>) and train exactly one epoch (938 batches
/// of 64) at the first thread count, with no warm-up, timing or inference; one JSON line. It is the process
/// compare.sh measures with /usr/bin/time -v, like bench/pytorch/lenet.py --train-only.
/// </summary>
internal static class LenetBench
{
    const int Batch = 64;

    public static int Run(string[] args)
    {
        if (args.Contains("--train-only")) return TrainOnly(args);
        CnnTraining.Run("lenet", Build, [1, 28, 28], batch: Batch, inferBatch: 1000, CnnTraining.Parse(args, stepsPerRep: 40, inference: true));
        return 0;
    }

    static int TrainOnly(string[] args)
    {
        string? folder = null;
        var rest = new List<string>(); // --threads, read by CnnTraining.Parse like the timed path's
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--data") folder = args[++i];
            else if (args[i] != "--train-only") rest.Add(args[i]);
        }
        Kernels.Threads.Count = CnnTraining.Parse([.. rest], stepsPerRep: 0, inference: false).Threads[0];

        var (train, _) = FashionMnist.Load(folder, images: true);
        var batches = EpochBatches.Of(train, Batch);
        var model = Build();
        var opt = new Sgd(model.Parameters(), learningRate: 0.01, momentum: 0.9);
        var loss = new CrossEntropyLoss();
        double last = 0;
        foreach (var (x, y) in batches)
        {
            var l = loss.Forward(model.Forward(x), y);
            opt.ZeroGrad();
            l.Backward();
            opt.Step();
            last = l.Item();
        }
        using var self = Process.GetCurrentProcess();
        Measure.Json(("workload", "lenet"), ("impl", "neurite"), ("threads", Kernels.Threads.Count), ("train_steps", batches.Count),
            ("final_loss", last), ("peak_working_set_mb", self.PeakWorkingSet64 / 1048576.0));
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
