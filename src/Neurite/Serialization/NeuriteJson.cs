using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Neurite.Nn;

namespace Neurite.Serialization;

/// <summary>
/// The JSON contracts of every type Neurite reads or writes, generated at compile time (System.Text.Json source
/// generation) so that trimming and Native AOT keep them: reflection-based serialization is off in an AOT binary.
/// Each call site keeps its own options (naming, strictness) and takes its contracts from here through
/// <see cref="NeuriteJson.Info{T}"/>. A layer config added to <see cref="LayerConfigs"/>'s table must be listed here too;
/// the table checks it when the options are first used, and a test walks the table.
/// </summary>
[JsonSerializable(typeof(LayerConfig))]
[JsonSerializable(typeof(SequentialConfig))]
[JsonSerializable(typeof(LinearConfig))]
[JsonSerializable(typeof(Conv2dConfig))]
[JsonSerializable(typeof(Conv1dConfig))]
[JsonSerializable(typeof(DropoutConfig))]
[JsonSerializable(typeof(Dropout2dConfig))]
[JsonSerializable(typeof(BatchNorm1dConfig))]
[JsonSerializable(typeof(BatchNorm2dConfig))]
[JsonSerializable(typeof(StandardizeConfig))]
[JsonSerializable(typeof(LayerNormConfig))]
[JsonSerializable(typeof(EmbeddingConfig))]
[JsonSerializable(typeof(LeakyReLUConfig))]
[JsonSerializable(typeof(ELUConfig))]
[JsonSerializable(typeof(PReLUConfig))]
[JsonSerializable(typeof(MaxoutConfig))]
[JsonSerializable(typeof(MaxPool2dConfig))]
[JsonSerializable(typeof(AvgPool2dConfig))]
[JsonSerializable(typeof(AdaptiveAvgPool2dConfig))]
[JsonSerializable(typeof(LstmConfig))]
[JsonSerializable(typeof(GruConfig))]
[JsonSerializable(typeof(RnnConfig))]
[JsonSerializable(typeof(CharLanguageModelConfig))]
[JsonSerializable(typeof(Seq2SeqConfig))]
[JsonSerializable(typeof(ZooConfig))]
[JsonSerializable(typeof(EnsembleConfig))]
[JsonSerializable(typeof(MultiTaskConfig))]
[JsonSerializable(typeof(LinearRegressionConfig))]
[JsonSerializable(typeof(RidgeConfig))]
[JsonSerializable(typeof(LogisticRegressionConfig))]
[JsonSerializable(typeof(LinearDiscriminantAnalysisConfig))]
[JsonSerializable(typeof(QuadraticDiscriminantAnalysisConfig))]
[JsonSerializable(typeof(GaussianNBConfig))]
[JsonSerializable(typeof(BernoulliNBConfig))]
[JsonSerializable(typeof(MultinomialNBConfig))]
[JsonSerializable(typeof(Plain<ReLU>))]
[JsonSerializable(typeof(Plain<Sigmoid>))]
[JsonSerializable(typeof(Plain<Tanh>))]
[JsonSerializable(typeof(Plain<Softplus>))]
[JsonSerializable(typeof(Plain<GELU>))]
[JsonSerializable(typeof(Plain<Step>))]
[JsonSerializable(typeof(Plain<Identity>))]
[JsonSerializable(typeof(Plain<Flatten>))]
[JsonSerializable(typeof(Plain<GlobalAvgPool2d>))]
[JsonSerializable(typeof(SplitInfo))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(Data.Text.Vocabulary.Stored), TypeInfoPropertyName = "StoredVocabularyTokens")]
[JsonSerializable(typeof(Embeddings.WordVectors.StoredVocabulary))]
[JsonSerializable(typeof(Training.History.Stored), TypeInfoPropertyName = "StoredHistory")]
internal sealed partial class NeuriteJsonContext : JsonSerializerContext;

static class NeuriteJson
{
    /// <summary>The contract of <typeparamref name="T"/> under <paramref name="options"/> (whose resolver is
    /// <see cref="NeuriteJsonContext"/>, possibly with modifiers).</summary>
    public static JsonTypeInfo<T> Info<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
