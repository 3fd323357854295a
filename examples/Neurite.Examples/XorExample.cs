using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Examples;

/// <summary>Seed 000: XOR is not linearly separable. A single neuron (logistic regression) cannot fit it;
/// one hidden layer of tanh units can.</summary>
public static class XorExample
{
    public sealed record Result(double SingleNeuronAccuracy, double HiddenLayerAccuracy, double HiddenLayerLoss);

    public static Result Run(TextWriter output, ulong seed = 1)
    {
        var x = Tensor.FromArray(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 4, 2);
        var y = Tensor.FromArray(new float[] { 0, 1, 1, 0 }, 4, 1);
        var g = new Generator(seed);

        // One sigmoid neuron: p = σ(w·x + b), trained on binary cross-entropy.
        var neuron = new Sequential(new Linear(2, 1, generator: g));
        var (accNeuron, _) = Train(neuron, x, y);
        // One hidden layer of 4 tanh units.
        var mlp = new Sequential(new Linear(2, 4, init: Init.XavierUniform(), generator: g), new Tanh(), new Linear(4, 1, generator: g));
        var (accMlp, lossMlp) = Train(mlp, x, y);

        output.WriteLine($"single neuron accuracy {accNeuron:P0}; one hidden layer accuracy {accMlp:P0} (loss {lossMlp:F4})");
        return new Result(accNeuron, accMlp, lossMlp);
    }

    static (double accuracy, double loss) Train(Module model, Tensor x, Tensor y)
    {
        var trainer = new Trainer(model, new BCEWithLogitsLoss(), new Adam(model.Parameters(), 0.05));
        var history = trainer.Fit([(x, y)], 500);
        var predicted = trainer.Predict(x).Gt(Tensor.Scalar(0));
        double accuracy = predicted.Eq(y).Mean().Item();
        return (accuracy, history.Epochs[^1].TrainLoss);
    }
}
