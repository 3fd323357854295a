using Neurite.Serialization;

namespace Neurite.Tests.Serialization;

/// <summary>Every type Neurite writes as JSON has a compile-time contract, so a trimmed or Native AOT build reads and
/// writes the same files as the JIT build.</summary>
public class JsonContractTests
{
    [Fact]
    public void EveryLayerConfigInTheTableHasAGeneratedContract()
    {
        var missing = LayerConfigs.ConfigTypes.Where(t => NeuriteJsonContext.Default.GetTypeInfo(t) is null).Select(t => t.Name).ToList();
        Assert.True(missing.Count == 0, $"add [JsonSerializable(typeof(…))] to NeuriteJsonContext for: {string.Join(", ", missing)}");
        Assert.True(LayerConfigs.ConfigTypes.Count() >= 30);
    }

    [Fact]
    public void ReflectionIsNotNeededToReadOrWriteAnArchitecture()
    {
        // the options carry the generated resolver, not the reflection-based DefaultJsonTypeInfoResolver
        Assert.IsNotType<System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver>(LayerConfigs.Json.TypeInfoResolver);
        var config = new SequentialConfig([new LinearConfig(4, 3, true, "relu"), new Plain<Neurite.Nn.Tanh>(), new DropoutConfig(0.25)]);
        string json = LayerConfigs.ToJson(config);
        Assert.Contains("\"type\": \"Linear\"", json);
        Assert.Contains("\"type\": \"Tanh\"", json);
        var back = (SequentialConfig)LayerConfigs.FromJson(json, "test");
        Assert.Equal(config.Layers, back.Layers);
    }
}
