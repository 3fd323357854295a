using Neurite.Training;

namespace Neurite.Serialization;

/// <summary>An <see cref="Ensemble"/> (the mean of its members' softmax probabilities): its members' configs, children 0, 1, ….</summary>
/// <param name="Members">One config per member.</param>
public sealed record EnsembleConfig(List<LayerConfig> Members) : LayerConfig
{
    internal static EnsembleConfig Of(Ensemble e) => new([.. e.Members.Select(LayerConfigs.Describe)]);

    /// <inheritdoc/>
    public override Nn.Module Build() =>
        Members.Count == 0 ? throw new ArgumentException("ensemble: at least one member is needed") : new Ensemble(Checks.BuildAll(Members, "members"));

    /// <inheritdoc/>
    public override IEnumerable<StateEntry>? State() => Checks.Prefixed(Checks.Numbered(Members, ""));
}

/// <summary>A <see cref="Nn.MultiTask"/> model: the shared trunk's config and one config per head.</summary>
/// <param name="Trunk">The shared part.</param>
/// <param name="Heads">The task heads, in order.</param>
public sealed record MultiTaskConfig(LayerConfig Trunk, List<LayerConfig> Heads) : LayerConfig
{
    internal static MultiTaskConfig Of(Nn.MultiTask m) => new(LayerConfigs.Describe(m.Trunk), [.. m.Heads.Select(LayerConfigs.Describe)]);

    /// <inheritdoc/>
    public override Nn.Module Build() =>
        Heads.Count == 0 ? throw new ArgumentException("multi-task: at least one head is needed")
            : new Nn.MultiTask(Checks.BuildChild(Trunk, "trunk"), Checks.BuildAll(Heads, "heads"));

    /// <inheritdoc/>
    public override IEnumerable<StateEntry>? State() => Checks.Prefixed(Checks.Numbered(Heads, "heads.").Prepend(("trunk.", Trunk)));
}
