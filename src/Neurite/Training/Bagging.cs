using Neurite.Data;
using Neurite.Nn;

namespace Neurite.Training;

/// <summary>
/// Bootstrap aggregating (Breiman 1996; seed 003 section 9): each of <c>members</c> models is trained on its own
/// bootstrap sample — as many rows as the training set, drawn with replacement, so each member sees about 63 % of the
/// distinct rows — and the <see cref="Ensemble"/> of them averages their class probabilities. Members' errors are partly
/// independent, so the average has less variance than any one of them.
/// <code>
/// var ensemble = Bagging.Fit(i => new Sequential(new Linear(64, 32), new ReLU(), new Linear(32, 10)),
///     m => new Trainer(m, new CrossEntropyLoss(), new Adam(m.Parameters())), train, members: 5, epochs: 10, seed: 1);
/// </code>
/// </summary>
public static class Bagging
{
    /// <summary>Trains <paramref name="members"/> models built by <paramref name="build"/> (given the member's index),
    /// each with the trainer <paramref name="trainerFor"/> makes, for <paramref name="epochs"/> epochs in mini-batches of
    /// <paramref name="batchSize"/> on a bootstrap sample of <paramref name="train"/>; seeded: the same seed gives the same ensemble.</summary>
    /// <exception cref="ArgumentOutOfRangeException">members, epochs or batchSize below 1, or an empty training set.</exception>
    public static Ensemble Fit(Func<int, Module> build, Func<Module, Trainer> trainerFor, Dataset train, int members, int epochs,
        ulong seed, int batchSize = 64)
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, "bagging: members must be at least 1");
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "bagging: epochs must be at least 1");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "bagging: batchSize must be at least 1");
        if (train.Count == 0) throw new ArgumentOutOfRangeException(nameof(train), 0, "bagging: the training set is empty");
        var trained = new List<Module>();
        for (int m = 0; m < members; m++)
        {
            var sample = Bootstrap(train.Count, seed + (ulong)m);
            var model = build(m);
            trainerFor(model).Fit(new DataLoader(train.Subset(sample), batchSize, shuffle: true, seed: seed + (ulong)m), epochs);
            trained.Add(model);
        }
        var ensemble = new Ensemble([.. trained]);
        ensemble.Eval();
        return ensemble;
    }

    /// <summary>n row indices drawn uniformly with replacement.</summary>
    public static int[] Bootstrap(int n, ulong seed)
    {
        var g = new Generator(seed);
        var rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = g.NextInt(n);
        return rows;
    }
}
