using Neurite.Nn;

namespace Neurite.Serialization;

/// <summary>
/// The architecture of a network as JSON text, so a saved model can be rebuilt without code:
/// <c>{"type":"Sequential","layers":[{"type":"Linear","in":64,"out":128,"bias":true}, {"type":"ReLU"}, …]}</c>.
/// A thin text form of <see cref="LayerConfig"/>; <see cref="LayerConfigs"/> holds the table of layer types.
/// </summary>
public static class ModelJson
{
    /// <summary>The architecture of <paramref name="model"/> as indented JSON (no weights).</summary>
    /// <exception cref="NotSupportedException">A layer type that is not in <see cref="LayerConfigs"/>' table (a user's own module, a zoo block).</exception>
    public static string ToJson(Module model) => LayerConfigs.ToJson(LayerConfigs.Describe(model));

    /// <summary>Rebuilds a model from <see cref="ToJson"/>'s output (weights freshly initialised).</summary>
    public static Module FromJson(string json, string source = "model json") => LayerConfigs.Build(LayerConfigs.FromJson(json, source), source);

    /// <summary>The architecture of a zoo network, which is not described layer by layer (residual and Inception
    /// blocks): its name and options, rebuilt by <see cref="Nn.Zoo.Zoo.Create"/>.</summary>
    public static string Zoo(string name, Nn.Zoo.VisionOptions o) => LayerConfigs.ToJson(ZooConfig.Of(name, o));
}
