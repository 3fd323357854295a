using System.Globalization;
using Neurite.Training;

namespace Neurite.Serialization;

/// <summary>An <see cref="Ensemble"/> (the mean of its members' softmax probabilities): its members' configs, children 0, 1, ….</summary>
/// <param name="Members">One config per member.</param>
public sealed record EnsembleConfig(List<LayerConfig> Members) : LayerConfig
{
    internal static EnsembleConfig Of(Ensemble e) => new([.. e.Members.Select(LayerConfigs.Describe)]);

    /// <inheritdoc/>
    public override Nn.Module Build()
    {
        if (Members.Count == 0) throw new ArgumentException("ensemble: at least one member is needed");
        var built = new Nn.Module[Members.Count];
        for (int i = 0; i < built.Length; i++)
        {
            try { built[i] = Members[i].Build(); }
            catch (Exception e) when (e is ArgumentException or FormatException) { throw new ArgumentException($"members[{i}]: {e.Message}", e); }
        }
        return new Ensemble(built);
    }

    /// <inheritdoc/>
    public override IEnumerable<StateEntry>? State()
    {
        var all = new List<StateEntry>();
        for (int i = 0; i < Members.Count; i++)
        {
            var child = Members[i].State();
            if (child is null) return null;
            string prefix = i.ToString(CultureInfo.InvariantCulture) + ".";
            all.AddRange(child.Select(e => e with { Name = prefix + e.Name }));
        }
        return all;
    }
}

/// <summary>A <see cref="Nn.MultiTask"/> model: the shared trunk's config and one config per head.</summary>
/// <param name="Trunk">The shared part.</param>
/// <param name="Heads">The task heads, in order.</param>
public sealed record MultiTaskConfig(LayerConfig Trunk, List<LayerConfig> Heads) : LayerConfig
{
    internal static MultiTaskConfig Of(Nn.MultiTask m) => new(LayerConfigs.Describe(m.Trunk), [.. m.Heads.Select(LayerConfigs.Describe)]);

    /// <inheritdoc/>
    public override Nn.Module Build()
    {
        if (Heads.Count == 0) throw new ArgumentException("multi-task: at least one head is needed");
        Nn.Module trunk;
        try { trunk = Trunk.Build(); }
        catch (Exception e) when (e is ArgumentException or FormatException) { throw new ArgumentException($"trunk: {e.Message}", e); }
        var heads = new Nn.Module[Heads.Count];
        for (int i = 0; i < heads.Length; i++)
        {
            try { heads[i] = Heads[i].Build(); }
            catch (Exception e) when (e is ArgumentException or FormatException) { throw new ArgumentException($"heads[{i}]: {e.Message}", e); }
        }
        return new Nn.MultiTask(trunk, heads);
    }

    /// <inheritdoc/>
    public override IEnumerable<StateEntry>? State()
    {
        var trunk = Trunk.State();
        if (trunk is null) return null;
        var all = trunk.Select(e => e with { Name = "trunk." + e.Name }).ToList();
        for (int i = 0; i < Heads.Count; i++)
        {
            var child = Heads[i].State();
            if (child is null) return null;
            string prefix = "heads." + i.ToString(CultureInfo.InvariantCulture) + ".";
            all.AddRange(child.Select(e => e with { Name = prefix + e.Name }));
        }
        return all;
    }
}
