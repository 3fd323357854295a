using Neurite.Data.Text;

namespace Neurite.Embeddings;

/// <summary>
/// A text as word ids for <see cref="SkipGram"/> and <see cref="GloVe"/>: each non-blank line is a sentence (a verse
/// of the King James Bible; word2vec also breaks sentences at newlines), cut into lower-case words by
/// <see cref="Tokenizer"/> with punctuation dropped (a comma is no context for a word), and the words seen fewer than
/// <c>minCount</c> times dropped too, as word2vec does (their neighbours move closer together).
/// </summary>
/// <remarks>Word ids follow <see cref="Vocabulary"/>'s order (descending count, then ordinal) without its reserved
/// tokens: id 0 is the most frequent word.</remarks>
public sealed class EmbeddingCorpus
{
    EmbeddingCorpus(string[] words, long[] counts, int[] tokens, int[] sentenceStarts, long rawTokens)
    {
        Words = words;
        Counts = counts;
        Tokens = tokens;
        SentenceStarts = sentenceStarts;
        RawTokens = rawTokens;
    }

    /// <summary>The vocabulary, most frequent first.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>How often each word occurs.</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>Every kept token's word id, sentence after sentence.</summary>
    public int[] Tokens { get; }

    /// <summary>Sentence s is <c>Tokens[SentenceStarts[s]..SentenceStarts[s + 1]]</c> (length: sentences + 1).</summary>
    public int[] SentenceStarts { get; }

    /// <summary>The number of sentences that kept at least one word.</summary>
    public int SentenceCount => SentenceStarts.Length - 1;

    /// <summary>Word tokens before the rare ones were dropped.</summary>
    public long RawTokens { get; }

    /// <summary>The text's lines as sentences of lower-case words without punctuation, words seen at least
    /// <paramref name="minCount"/> times.</summary>
    public static EmbeddingCorpus FromText(string text, int minCount = 5)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (minCount < 1) throw new ArgumentOutOfRangeException(nameof(minCount), minCount, "EmbeddingCorpus: minCount must be at least 1");
        var tokenizer = new Tokenizer(TokenUnit.Words, Lowercase: true);
        var sentences = new List<string[]>();
        foreach (var line in text.Split('\n'))
        {
            var words = tokenizer.Tokenize(line).Where(IsWord).ToArray();
            if (words.Length > 0) sentences.Add(words);
        }
        var vocab = Vocabulary.Build(sentences, minCount);
        int v = vocab.Count - Vocabulary.Reserved;
        if (v < 2) throw new ArgumentException($"EmbeddingCorpus: the text has {v} word(s) seen at least {minCount} times; at least 2 are needed (lower the minimum count or give more text)");
        var words2 = new string[v];
        var counts = new long[v];
        for (int i = 0; i < v; i++) { words2[i] = vocab.Token(i + Vocabulary.Reserved); counts[i] = vocab.CountOf(i + Vocabulary.Reserved); }
        var tokens = new List<int>();
        var starts = new List<int> { 0 };
        long raw = 0;
        foreach (var s in sentences)
        {
            raw += s.Length;
            int before = tokens.Count;
            foreach (var w in s)
            {
                int id = vocab.IdOf(w);
                if (id >= Vocabulary.Reserved) tokens.Add(id - Vocabulary.Reserved);
            }
            if (tokens.Count > before) starts.Add(tokens.Count);
        }
        return new EmbeddingCorpus(words2, counts, [.. tokens], [.. starts], raw);
    }

    /// <summary>A token with a letter or digit (the tokenizer's punctuation tokens have none).</summary>
    static bool IsWord(string token) => token.Any(char.IsLetterOrDigit);
}

/// <summary>What a training run produced: the vectors, the tokens it went through (skip-gram: as word2vec counts them,
/// every corpus token of every epoch, before subsampling; GloVe: the corpus tokens counted once, as its epochs pass
/// over the co-occurrences instead, whose rate <see cref="Details"/> gives), the time and a line of details.</summary>
public sealed record EmbeddingRun(WordVectors Vectors, long Tokens, TimeSpan Elapsed, string Details)
{
    /// <summary><see cref="Tokens"/> per second of <see cref="Elapsed"/> (word2vec's words/s figure).</summary>
    public double WordsPerSecond => Tokens / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
