using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Examples;

/// <summary>The code of README.md, kept compiling and tested.</summary>
public static class ReadmeExample
{
    public static (double loss, double? accuracy, string grad) Run(TextWriter output)
    {
        var (train, test) = Split.TrainTest(Datasets.Digits(), testFraction: 0.2, seed: 1, stratified: true);
        var model = new Sequential(
            new Linear(64, 128, init: Init.HeUniform()), new ReLU(),
            new Linear(128, 10));
        var optimizer = new Adam(model.Parameters(), learningRate: 1e-3);
        var lossFn = new CrossEntropyLoss();

        foreach (var (x, y) in new DataLoader(train, batchSize: 64, shuffle: true, seed: 1))
        {
            optimizer.ZeroGrad();
            var loss = lossFn.Forward(model.Forward(x), y);
            loss.Backward();
            optimizer.Step();
        }

        var trainer = new Trainer(model, lossFn, optimizer);
        trainer.Fit(new DataLoader(train, 64, shuffle: true, seed: 1), epochs: 20, callbacks: new PlainProgress(output));
        var result = trainer.Evaluate(new DataLoader(test, 1000));
        output.WriteLine(result);

        var v = Tensor.FromArray(new double[] { 1, 2, 3 }).RequireGrad();
        var s = (v * v + 5 * v + 4).Sum();   // s = Σ v² + 5v + 4
        s.Backward();
        output.WriteLine(v.Grad);            // 2v + 5
        GradCheck.Assert(t => t[0].Tanh().Softmax(-1), Tensor.Randn([3, 4], dtype: DType.Float64).RequireGrad());
        return (result.Loss, result.Accuracy, v.Grad!.ToString());
    }
}
