using System.Globalization;
using Neurite.Training;

namespace Neurite.Serialization;

/// <summary>An <see cref="Ensemble"/> (the mean of its members' softmax probabilities): its members' configs, children 0, 1, ….</summary>
/// <param name="Members">One config per member.</param>
public sealed record EnsembleConfig(List<LayerConfig> Members) : LayerConfig
{
    internal static EnsembleConfig Of(Ensemble e) => new([.. e.Members.Select(LayerConfigs.Describe)]);

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
