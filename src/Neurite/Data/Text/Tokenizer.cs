using System.Globalization;
using System.Text;

namespace Neurite.Data.Text;

/// <summary>How a <see cref="Tokenizer"/> cuts text.</summary>
public enum TokenUnit
{
    /// <summary>Words (letters and digits, with inner apostrophes and hyphens: "don't", "well-known") and each
    /// punctuation character on its own.</summary>
    Words,

    /// <summary>Every character (Unicode scalar value) is a token, spaces included: for character-level models
    /// such as the dates task.</summary>
    Characters,
}

/// <summary>
/// Cuts text into tokens: words and punctuation, or characters. Words are runs of letters, marks and digits;
/// an apostrophe or hyphen between two such characters stays inside the word; every other non-space character is a
/// token of its own. <see cref="Lowercase"/> folds case (invariant culture).
/// <code>
/// new Tokenizer(Lowercase: true).Tokenize("In the beginning, God created.")   // in the beginning , god created .
/// </code>
/// </summary>
public sealed record Tokenizer(TokenUnit Unit = TokenUnit.Words, bool Lowercase = false)
{
    /// <summary>The tokens of <paramref name="text"/> by <see cref="Unit"/>, lowercased first when <see cref="Lowercase"/>; whitespace
    /// separates words and is dropped, except in <see cref="TokenUnit.Characters"/> mode where every character is kept.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Lowercase) text = text.ToLowerInvariant();
        var tokens = new List<string>();
        if (Unit == TokenUnit.Characters)
        {
            foreach (var rune in text.EnumerateRunes()) tokens.Add(rune.ToString());
            return [.. tokens];
        }
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            int start = i;
            if (IsWordChar(text, i))
            {
                i = Next(text, i);
                while (i < text.Length && (IsWordChar(text, i) || (text[i] is '\'' or '’' or '-') && i + 1 < text.Length && IsWordChar(text, i + 1)))
                    i = Next(text, i);
            }
            else i = Next(text, i);
            tokens.Add(text[start..i]);
        }
        return [.. tokens];
    }

    /// <summary>Tokens back to text: spaces between words, none before closing punctuation or after opening
    /// brackets (characters: simply concatenated).</summary>
    public string Detokenize(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (Unit == TokenUnit.Characters) return string.Concat(tokens);
        var sb = new StringBuilder();
        string? previous = null;
        foreach (var t in tokens)
        {
            bool glue = previous is null || t is "." or "," or ";" or ":" or "!" or "?" or ")" or "]" or "}" or "'s" || previous is "(" or "[" or "{";
            if (!glue) sb.Append(' ');
            sb.Append(t);
            previous = t;
        }
        return sb.ToString();
    }

    static bool IsWordChar(string s, int i)
    {
        var category = char.IsSurrogate(s[i]) && i + 1 < s.Length && char.IsSurrogatePair(s[i], s[i + 1])
            ? CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(s[i], s[i + 1]))
            : CharUnicodeInfo.GetUnicodeCategory(s[i]);
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
    }

    static int Next(string s, int i) => char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? i + 2 : i + 1;
}
