namespace Neurite.Embeddings;

/// <summary>
/// A word that is not in the vocabulary of a <see cref="WordVectors"/>; <see cref="Suggestions"/> are the closest
/// words by spelling (edit distance), which the message lists.
/// </summary>
public sealed class UnknownWordException(string word, IReadOnlyList<string> suggestions, int vocabularySize)
    : KeyNotFoundException($"'{word}' is not in the vocabulary ({vocabularySize:N0} words)" +
                           (suggestions.Count == 0 ? "" : $"; closest by spelling: {string.Join(", ", suggestions)}"))
{
    /// <summary>The word that was looked up.</summary>
    public string Word { get; } = word;

    /// <summary>The vocabulary's words closest to <see cref="Word"/> by edit distance (possibly none).</summary>
    public IReadOnlyList<string> Suggestions { get; } = suggestions;
}
