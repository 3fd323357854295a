using Neurite.Nn;

namespace Neurite.Classical;

/// <summary>
/// A fitted classical model as a <see cref="Module"/>, so that it lives in the one model file
/// (<c>ModelFile.Save/Read</c>) and runs wherever a network does (<c>neurite eval</c>, <c>neurite predict</c>,
/// <c>Trainer.Predict</c>). Its buffers are the model's fitted float64 tensors (the same objects, so loading a state
/// dict loads the model); it has no parameters and nothing to train.
/// </summary>
/// <remarks>
/// Forward: X [N, D] → log-probabilities [N, K] for a classifier (softmax gives <c>PredictProba</c>, argmax
/// <c>Predict</c>; clamped at −1e30, so a float32 output never holds −∞), predictions [N, 1] for a regressor, in X's dtype.
/// </remarks>
public sealed class ClassicalModule : Module
{
    /// <summary>Wraps a fitted model, registering its <see cref="ClassicalModel.FittedState"/> tensors as buffers.</summary>
    /// <param name="model">A fitted classical model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The model is not fitted.</exception>
    public ClassicalModule(ClassicalModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.IsFitted) throw new InvalidOperationException($"ClassicalModule: {model} is not fitted; call Fit(X, y) first");
        Model = model;
        foreach (var (name, tensor) in model.FittedState()) RegisterBuffer(name, tensor);
    }

    /// <summary>The fitted model (its concrete type is the model file's layer type).</summary>
    public ClassicalModel Model { get; }

    /// <summary>X [N, D] → log-probabilities [N, K] (classifier, columns in <see cref="Classifier.Classes"/> order, clamped at −1e30)
    /// or predictions ŷ [N, 1] (regressor), in X's dtype; computed in float64.</summary>
    /// <exception cref="ShapeException">X is not [N, <see cref="ClassicalModel.Features"/>].</exception>
    /// <exception cref="ArgumentException">X holds a NaN or infinite value.</exception>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 2 || x.Shape[1] != Model.Features)
            throw new ShapeException($"{Describe()} expects input [*, {Model.Features}], got [{string.Join(", ", x.Shape.ToArray())}]");
        var output = Model.ModuleOutput(ToMatrix(x));
        int n = output.GetLength(0), k = output.GetLength(1);
        var flat = new double[n * k];
        Buffer.BlockCopy(output, 0, flat, 0, flat.Length * sizeof(double));
        var result = Tensor.FromArray(flat, n, k);
        return x.DType == DType.Float64 ? result : result.To(x.DType);
    }

    static double[,] ToMatrix(Tensor x)
    {
        var flat = x.ToDoubleArray();
        var m = new double[x.Shape[0], x.Shape[1]];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }

    /// <summary>The model and its feature count, e.g. <c>LogisticRegression(C=1)  # 4 features</c>.</summary>
    public override string Describe() => $"{Model}  # {Model.Features} features";
}
