using Neurite.Optim;

namespace Neurite.Seq2Seq;

/// <summary>How <see cref="Seq2SeqTraining.Fit"/> trains: Adam at <paramref name="LearningRate"/>, the global
/// gradient norm clipped to <paramref name="ClipNorm"/>, batches shuffled by <paramref name="Seed"/>.</summary>
public sealed record Seq2SeqTrainingOptions(int Epochs = 10, int BatchSize = 64, double LearningRate = 2e-3, double ClipNorm = 5, ulong Seed = 1)
{
    /// <summary>Checks every option; returns this.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Epochs or BatchSize below 1, a learning rate not positive and finite, or ClipNorm not positive.</exception>
    public Seq2SeqTrainingOptions Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Seq2SeqTrainingOptions: Epochs must be in [1, ∞)");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Seq2SeqTrainingOptions: BatchSize must be in [1, ∞)");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Seq2SeqTrainingOptions: LearningRate must be in (0, ∞)");
        if (!(ClipNorm > 0)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "Seq2SeqTrainingOptions: ClipNorm must be in (0, ∞]");
        return this;
    }
}

/// <summary>Exact match (the whole output equals the reference) and token accuracy (reference positions whose token
/// the output has at the same position) over <see cref="Count"/> pairs.</summary>
public readonly record struct Seq2SeqScore(double ExactMatch, double TokenAccuracy, int Count)
{
    /// <summary>E.g. <c>exact match 97.50%, token accuracy 99.20% (1000 pairs)</c>.</summary>
    public override string ToString() => $"exact match {ExactMatch:P2}, token accuracy {TokenAccuracy:P2} ({Count} pairs)";
}

/// <summary>Teacher-forced training and evaluation of a <see cref="Seq2SeqModel"/> on text pairs.</summary>
public static class Seq2SeqTraining
{
    /// <summary>The (source ids, target ids) of text pairs, with the model's tokenizers and vocabularies.</summary>
    public static List<(long[] Source, long[] Target)> Encode(Seq2SeqModel model, IEnumerable<(string Source, string Target)> pairs) =>
        pairs.Select(p => (model.SourceIds(p.Source), model.TargetIds(p.Target))).ToList();

    /// <summary>Trains for <see cref="Seq2SeqTrainingOptions.Epochs"/> epochs; <paramref name="onEpoch"/> gets the epoch
    /// (1-based) and its mean batch loss. Stops between batches when <paramref name="cancel"/> is set (the epoch in
    /// progress is then not reported). Returns the epochs completed.</summary>
    public static int Fit(Seq2SeqModel model, IReadOnlyList<(long[] Source, long[] Target)> pairs, Seq2SeqTrainingOptions options,
        Action<int, double>? onEpoch = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        options.Validate();
        if (pairs.Count == 0) throw new ArgumentException("Seq2SeqTraining.Fit: no training pairs", nameof(pairs));
        model.Train();
        var parameters = model.Parameters();
        var optimizer = new Adam(parameters, options.LearningRate);
        var shuffle = new Generator(options.Seed);
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            double total = 0;
            int batches = 0;
            foreach (var batch in Seq2SeqBatch.Shuffled(pairs, options.BatchSize, shuffle))
            {
                if (cancel.IsCancellationRequested) return epoch - 1;
                optimizer.ZeroGrad();
                var loss = model.Loss(batch.Source, batch.SourceLengths, batch.Target, batch.TargetLengths);
                loss.Backward();
                GradClip.ClipGradNorm(parameters, options.ClipNorm);
                optimizer.Step();
                total += loss.Item();
                batches++;
            }
            onEpoch?.Invoke(epoch, total / batches);
        }
        return options.Epochs;
    }

    /// <summary>Greedy decoding (batched) of every source, scored against its target.</summary>
    public static Seq2SeqScore Evaluate(Seq2SeqModel model, IReadOnlyList<(long[] Source, long[] Target)> pairs, int maxLength, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        model.Eval();
        var outputs = new List<long[]>(pairs.Count);
        for (int start = 0; start < pairs.Count; start += batchSize)
            outputs.AddRange(model.Greedy(pairs.Skip(start).Take(batchSize).Select(p => p.Source).ToList(), maxLength).Select(h => h.Tokens));
        return Score(outputs, pairs.Select(p => p.Target).ToList());
    }

    /// <summary>Exact match and token accuracy of <paramref name="outputs"/> (ids without &lt;/s&gt;) against
    /// <paramref name="references"/> (with or without a final &lt;/s&gt;).</summary>
    public static Seq2SeqScore Score(IReadOnlyList<long[]> outputs, IReadOnlyList<long[]> references)
    {
        if (outputs.Count != references.Count) throw new ArgumentException($"Seq2SeqTraining.Score: {outputs.Count} outputs for {references.Count} references");
        int exact = 0;
        long right = 0, total = 0;
        for (int i = 0; i < outputs.Count; i++)
        {
            var reference = references[i].AsSpan();
            if (reference.Length > 0 && reference[^1] == Data.Text.Vocabulary.EndId) reference = reference[..^1];
            var output = outputs[i].AsSpan();
            if (output.SequenceEqual(reference)) exact++;
            for (int t = 0; t < reference.Length; t++)
                if (t < output.Length && output[t] == reference[t]) right++;
            total += reference.Length;
        }
        return new Seq2SeqScore(outputs.Count == 0 ? 0 : (double)exact / outputs.Count, total == 0 ? 0 : (double)right / total, outputs.Count);
    }
}
