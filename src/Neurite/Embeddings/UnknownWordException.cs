namespace Neurite.Embeddings;

/// <summary>
/// A word that is not in the vocabulary of a <see cref="WordVectors"/>; <see cref="Suggestions"/> are the closest
/// words by spelling (edit distance), which the message lists.
/// </summary>
public sealed class UnknownWordException(string word, IReadOnlyList<string> suggestions, int vocabularySize)
    : KeyNotFoundException($"'{word}' is not in the vocabulary ({vocabularySize:N0} words)" +
                           (suggestions.Count == 0 ? "" : $"; closest by spelling: {string.Join(", ", suggestions)}"))
{
    public string Word { get; } = word;

    public IReadOnlyList<string> Suggestions { get; } = suggestions;
}
