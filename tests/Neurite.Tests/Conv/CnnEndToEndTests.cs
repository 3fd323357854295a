using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;

namespace Neurite.Tests.Conv;

public class CnnEndToEndTests
{
    [Fact]
    public void SmallCnnLearnsDigits()
    {
        // conv(1→8, 3, same)-BN-ReLU-maxpool 2 → conv(8→16, 3, same)-ReLU-global pool → linear 10 on 8×8 digits
        var data = Datasets.Digits(images: true, scale: 1.0 / 16);
        var (trainSet, testSet) = Split.TrainTest(data, 0.2, seed: 11);
        var (xTrain, yTrain) = trainSet;
        var (xTest, yTest) = testSet;
        int train = xTrain.Shape[0];
        var g = new Generator(11);

        var model = new Sequential(
            new Conv2d(1, 8, 3, padding: Padding.Same, generator: g), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, padding: Padding.Same, generator: g), new ReLU(), new Flatten(),
            new Linear(16 * 4 * 4, 10, generator: g));
        var opt = new Sgd(model.Parameters(), learningRate: 0.05, momentum: 0.9);
        var loss = new CrossEntropyLoss();
        const int batch = 50;
        for (int epoch = 0; epoch < 6; epoch++)
            for (int s = 0; s + batch <= train; s += batch)
            {
                var l = loss.Forward(model.Forward(xTrain.Narrow(0, s, batch)), yTrain.Narrow(0, s, batch));
                model.ZeroGrad();
                l.Backward();
                opt.Step();
            }
        model.Eval();
        using var _ = Autograd.NoGrad();
        var predicted = model.Forward(xTest).ArgMax(1).ToLongArray();
        var truth = yTest.ToLongArray();
        double accuracy = predicted.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length;
        Assert.True(accuracy >= 0.9, $"test accuracy {accuracy:P1}");
    }
}
