using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Examples;

/// <summary>
/// Seed 004: predict a Pokémon's CP after evolution, y = b + w·x, from its CP before (and its HP); then add
/// the species, a categorical variable, one-hot encoded, so each species gets its own intercept. The table
/// is split first and the schema (the species list, which columns are numbers) is fitted on the training
/// rows only; test MSE is in CP² on held-out rows.
/// </summary>
public static class PokemonCpExample
{
    public sealed record Result(double TestMseWithoutSpecies, double TestMseWithSpecies, IReadOnlyList<string> EncodedFeatureNames);

    public static Result Run(TextWriter output, ulong seed = 1, int rows = 400)
    {
        var table = CsvTable.Parse(new StringReader(Datasets.PokemonCp(rows, seed)), "pokemon-cp.csv");
        var (train, dev, test) = Split.Indices(table.RowCount, (0.6, 0.2, 0.2), seed);
        var schema = TabularSchema.Fit(table, train, new TabularOptions(new LabelColumn.Named("cp_after"), LabelKind.Regression));
        var (trainSet, testSet) = (schema.Encode(table, train), schema.Encode(table, test));
        output.WriteLine($"{table.RowCount} Pokémon, {train.Length} train / {dev.Length} dev / {test.Length} test rows; encoded features: {string.Join(", ", schema.EncodedFeatureNames)}");

        // Without the species: keep only the numeric columns cp and hp.
        var numeric = Enumerable.Range(0, schema.EncodedWidth).Where(j => !schema.EncodedFeatureNames[j].StartsWith("species=", StringComparison.Ordinal)).Select(j => (long)j).ToArray();
        var keep = Tensor.FromArray(numeric, numeric.Length);
        double without = TestMse(trainSet.WithFeatures(trainSet.Features.IndexSelect(1, keep)), testSet.WithFeatures(testSet.Features.IndexSelect(1, keep)), seed);
        double with = TestMse(trainSet, testSet, seed);
        output.WriteLine($"linear regression on cp, hp:            test MSE {without,9:F1}  (RMSE {Math.Sqrt(without):F1} CP)");
        output.WriteLine($"linear regression on cp, hp + species:  test MSE {with,9:F1}  (RMSE {Math.Sqrt(with):F1} CP)");
        return new Result(without, with, schema.EncodedFeatureNames);
    }

    /// <summary>Fits Linear(D → 1) with MSE and Adam on standardised features and target; the test MSE in CP².</summary>
    static double TestMse(TensorDataset train, TensorDataset test, ulong seed)
    {
        var scaler = new StandardScaler().Fit(train);
        var target = new StandardScaler().Fit(train.Labels);
        var x = scaler.Transform(train.Features);
        var y = target.Transform(train.Labels);
        var model = new Sequential(new Linear(x.Size(1), 1, generator: new Generator(seed)));
        var trainer = new Trainer(model, new MSELoss(), new Adam(model.Parameters(), 0.05));
        trainer.Fit([(x, y)], 500);
        using (Autograd.NoGrad())
        {
            var predicted = target.InverseTransform(model.Forward(scaler.Transform(test.Features)));
            return new MSELoss().Forward(predicted, test.Labels).Item();
        }
    }
}
