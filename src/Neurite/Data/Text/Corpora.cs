using System.IO.Compression;
using System.Text;

namespace Neurite.Data.Text;

/// <summary>
/// Text corpora shipped inside the library, for language models. Nothing is downloaded.
/// </summary>
/// <remarks>Sources, licences, sizes and formats: <c>src/Neurite/Resources/README.md</c>.</remarks>
public static class Corpora
{
    const string KjvResource = "kjv.txt.gz";

    static readonly Lazy<string> kjv = new(() => ReadGzipText(KjvResource), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The King James Bible (Authorized Version), from Debian's <c>bible-kjv</c> 4.38: 4,139,035 ASCII
    /// characters, one verse per line without references, an empty line between chapters, 63 distinct
    /// characters. It starts <c>"In the beginning God created the heaven and the earth.\n"</c> and ends
    /// with a newline.
    /// </summary>
    /// <remarks>
    /// The embedded gzip (1.2 MB) is decompressed on the first call and the string cached; later calls
    /// return the same instance. Public domain outside the UK (see the resources README for the Crown
    /// patent there). Rebuilt by <c>scripts/make-kjv-corpus.sh</c>.
    /// <code>
    /// string text = Corpora.KingJamesBible();
    /// var vocab = CharVocabulary.Build(text);          // 63 symbols
    /// long[] ids = vocab.Encode(text);
    /// </code>
    /// </remarks>
    public static string KingJamesBible() => kjv.Value;

    static string ReadGzipText(string file)
    {
        using var stream = typeof(Corpora).Assembly.GetManifestResourceStream("Neurite.Resources." + file)
            ?? throw new InvalidOperationException($"Neurite: the embedded resource {file} is missing from the assembly (a build problem)");
        using var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress),
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        return reader.ReadToEnd();
    }
}
