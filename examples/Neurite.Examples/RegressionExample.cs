using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Examples;

/// <summary>
/// Seed 004: fitting a noisy curve with a high-degree polynomial model overfits; adding λΣw² (biases
/// not penalised) gives a smoother function with a lower error on new data. The model is linear
/// regression on polynomial features x, x², …, x⁹ of 15 noisy training points.
/// </summary>
public static class RegressionExample
{
    public sealed record Result(double TrainMsePlain, double TestMsePlain, double TrainMseL2, double TestMseL2, double WeightNormPlain, double WeightNormL2);

    const int Degree = 9;

    public static Result Run(TextWriter output, ulong seed = 7)
    {
        var train = Polynomial(Datasets.NoisyCurve(15, 0.2, seed));
        var test = Polynomial(Datasets.NoisyCurve(500, 0.0, seed + 1));  // the noiseless curve
        var (trainPlain, testPlain, normPlain) = Fit(train, test, 0, seed);
        var (trainL2, testL2, normL2) = Fit(train, test, 1e-3, seed);
        output.WriteLine($"degree-{Degree} polynomial, 15 noisy points: without L2 train MSE {trainPlain:F4}, test MSE {testPlain:F4}, |w|² {normPlain:F2}");
        output.WriteLine($"                                with λ = 1e-3 train MSE {trainL2:F4}, test MSE {testL2:F4}, |w|² {normL2:F2}");
        return new Result(trainPlain, testPlain, trainL2, testL2, normPlain, normL2);
    }

    static TensorDataset Polynomial(TensorDataset data)
    {
        // x ∈ [0, 1] → features (2x − 1)^k for k = 1..Degree, which keeps every power in [−1, 1]
        var x = data.Features.Mul(2).Sub(1);
        var powers = new Tensor[Degree];
        for (int k = 1; k <= Degree; k++) powers[k - 1] = x.Pow(k);
        return new TensorDataset(Tensor.Concat(powers, 1), data.Labels);
    }

    static (double train, double test, double norm) Fit(TensorDataset train, TensorDataset test, double l2, ulong seed)
    {
        var model = new Sequential(new Linear(Degree, 1, generator: new Generator(seed)));
        var trainer = new Trainer(model, new MSELoss(), new Adam(model.Parameters(), 0.05)) { L2 = l2 };
        trainer.Fit([(train.Features, train.Labels)], 3000);
        var loss = new MSELoss();
        double trainMse, testMse;
        using (Autograd.NoGrad())
        {
            trainMse = loss.Forward(model.Forward(train.Features), train.Labels).Item();
            testMse = loss.Forward(model.Forward(test.Features), test.Labels).Item();
        }
        return (trainMse, testMse, Penalty.L2(model).Item());
    }
}
