using System.Text;
using Neurite.Data;
using Neurite.Data.Text;

namespace Neurite.Tests.Data;

public class TextTests
{
    // ---- Corpora ----

    [Fact]
    public void King_James_Bible_is_the_whole_text_in_the_documented_format()
    {
        string text = Corpora.KingJamesBible();
        Assert.Equal(4_139_035, text.Length);
        Assert.StartsWith("In the beginning God created the heaven and the earth.\nAnd the earth was without form, and void;", text);
        Assert.EndsWith("Even so, come, Lord Jesus.\nThe grace of our Lord Jesus Christ be with you all. Amen.\n", text);
        Assert.Equal(32_290, text.Count(c => c == '\n'));                 // 31,102 verses + 1,188 chapter breaks
        Assert.Equal(1_188, CountOf(text, "\n\n"));
        // Genesis 1 has 31 verses, then the empty line, then Genesis 2:1.
        var lines = text.Split('\n', 34);
        Assert.Equal("", lines[31]);
        Assert.Equal("Thus the heavens and the earth were finished, and all the host of them.", lines[32]);
        Assert.Same(text, Corpora.KingJamesBible());                        // decompressed once, cached
    }

    [Fact]
    public void King_James_Bible_vocabulary_and_round_trip()
    {
        string text = Corpora.KingJamesBible();
        var vocab = CharVocabulary.Build(text);
        Assert.Equal(63, vocab.Count);
        Assert.Equal("\n !'(),-.:;?ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwxyz",
            string.Concat(vocab.Symbols.Select(r => r.ToString())));        // no 'X' in the KJV
        long[] ids = vocab.Encode(text);
        Assert.Equal(text.Length, ids.Length);
        Assert.Equal(text, vocab.Decode(ids));
    }

    static int CountOf(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    // ---- TextFile ----

    static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    static string WriteBytes(TempDir dir, string name, params byte[][] parts)
    {
        string path = dir.File(name);
        File.WriteAllBytes(path, parts.SelectMany(p => p).ToArray());
        return path;
    }

    static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void ReadUtf8_reads_text_and_strips_the_bom()
    {
        using var dir = new TempDir();
        string path = WriteBytes(dir, "bom.txt", Bom, Encoding.UTF8.GetBytes("héllo 😀\n"));
        Assert.Equal("héllo 😀\n", TextFile.ReadUtf8(path));
        Assert.Equal("a\tb\r\n\fc", TextFile.ReadUtf8(WriteBytes(dir, "controls.txt", Ascii("a\tb\r\n\fc"))));
        Assert.Equal("\uFEFFx", TextFile.ReadUtf8(WriteBytes(dir, "twobom.txt", Bom, Bom, Ascii("x"))));   // only one BOM is stripped
    }

    [Fact]
    public void ReadUtf8_missing_file()
    {
        using var dir = new TempDir();
        string path = dir.File("nothing.txt");
        var e = Assert.Throws<FileNotFoundException>(() => TextFile.ReadUtf8(path));
        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ReadUtf8_empty_file()
    {
        using var dir = new TempDir();
        string path = WriteBytes(dir, "empty.txt");
        var e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(path));
        Assert.Equal($"{path}: the file is empty", e.Message);
        Assert.Equal(path, e.File);
        Assert.Equal(0, e.Line);

        string bomOnly = WriteBytes(dir, "bom-only.txt", Bom);
        e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(bomOnly));
        Assert.Contains("is empty", e.Message);
    }

    [Fact]
    public void ReadUtf8_invalid_utf8_names_offset_line_and_byte()
    {
        using var dir = new TempDir();
        string latin1 = WriteBytes(dir, "latin1.txt", Ascii("ab\ncd"), [0xE9], Ascii("f\n"));
        var e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(latin1));
        Assert.Equal($"{latin1}, line 2: not valid UTF-8 at byte offset 5 (byte 0xE9); re-save the file as UTF-8", e.Message);
        Assert.Equal(2, e.Line);

        // Offsets count the BOM; a multi-byte sequence cut off at the end of the file is invalid too.
        e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(WriteBytes(dir, "bom-ff.txt", Bom, Ascii("a"), [0xFF])));
        Assert.Contains("not valid UTF-8 at byte offset 4 (byte 0xFF)", e.Message);
        e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(WriteBytes(dir, "cut.txt", Ascii("ok "), [0xC3])));
        Assert.Contains("not valid UTF-8 at byte offset 3 (byte 0xC3)", e.Message);
        // An encoded surrogate (CESU-8, ED A0 80) is not UTF-8.
        e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(WriteBytes(dir, "cesu.txt", [0x41, 0xED, 0xA0, 0x80])));
        Assert.Contains("not valid UTF-8 at byte offset 1 (byte 0xED)", e.Message);
    }

    [Fact]
    public void ReadUtf8_binary_names_the_byte_and_offset()
    {
        using var dir = new TempDir();
        string nul = WriteBytes(dir, "nul.bin", Ascii("ab"), [0x00], Ascii("c"));
        var e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(nul));
        Assert.StartsWith($"{nul}, line 1: the file looks binary: byte 0x00 at offset 2", e.Message);

        e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(WriteBytes(dir, "esc.txt", Ascii("x\ny\n"), [0x1B])));
        Assert.Contains("looks binary: byte 0x1B at offset 4", e.Message);
        Assert.Equal(3, e.Line);

        // Whichever problem comes first is reported.
        e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(WriteBytes(dir, "c-then-ff.bin", [0x01, 0xFF])));
        Assert.Contains("looks binary: byte 0x01 at offset 0", e.Message);
        e = Assert.Throws<DataFormatException>(() => TextFile.ReadUtf8(WriteBytes(dir, "ff-then-nul.bin", [0xFF, 0x00])));
        Assert.Contains("not valid UTF-8 at byte offset 0", e.Message);
    }

    // ---- CharVocabulary ----

    [Fact]
    public void Vocabulary_of_a_small_string_is_sorted_by_code_point()
    {
        var vocab = CharVocabulary.Build("hello, world");
        Assert.Equal(9, vocab.Count);
        Assert.Equal([' ', ',', 'd', 'e', 'h', 'l', 'o', 'r', 'w'], vocab.Symbols.Select(r => (char)r.Value).ToArray());
        Assert.Equal([4L, 3, 5, 5, 6], vocab.Encode("hello"));
        Assert.Equal("world", vocab.Decode([8L, 6, 7, 5, 2]));
        Assert.Equal(new Rune('d'), vocab.Symbol(2));
        Assert.Equal(5, vocab.IndexOf(new Rune('l')));
        Assert.Equal(-1, vocab.IndexOf(new Rune('x')));
        Assert.True(vocab.Contains(new Rune(',')));
        Assert.False(vocab.Contains(new Rune('H')));
        Assert.Equal("[32,44,100,101,104,108,111,114,119]", vocab.ToJson());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => vocab.Symbol(9));
        Assert.Contains("id must be in 0…8, got 9", e.Message);
    }

    [Fact]
    public void Non_bmp_character_is_one_symbol_and_round_trips()
    {
        var vocab = CharVocabulary.Build("a😀bé");
        Assert.Equal(4, vocab.Count);
        Assert.Equal([97, 98, 0xE9, 0x1F600], vocab.Symbols.Select(r => r.Value).ToArray());
        string text = "😀ab😀é";
        long[] ids = vocab.Encode(text);
        Assert.Equal([3L, 0, 1, 3, 2], ids);                                // 5 symbols from 7 UTF-16 chars
        Assert.Equal(text, vocab.Decode(ids));
        Assert.Equal(3, vocab.IndexOf(Rune.GetRuneAt("😀", 0)));
        var back = CharVocabulary.FromJson(vocab.ToJson());
        Assert.Equal("[97,98,233,128512]", back.ToJson());
        Assert.Equal(ids, back.Encode(text));
    }

    [Fact]
    public void Encode_names_the_unknown_character_its_index_and_printable_form()
    {
        var vocab = CharVocabulary.Build("abc😀");
        var e = Assert.Throws<ArgumentException>(() => vocab.Encode("ab😀cé!"));
        Assert.Equal("text", e.ParamName);
        Assert.StartsWith("CharVocabulary.Encode: character U+00E9 'é' at index 5 of the text is not in the vocabulary of 4 symbols", e.Message);

        e = Assert.Throws<ArgumentException>(() => vocab.Encode("a\nb"));
        Assert.Contains("character U+000A '\\n' at index 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => vocab.Encode("\u0007"));
        Assert.Contains("character U+0007 at index 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => vocab.Encode("🙂"));
        Assert.Contains("character U+1F642 '🙂' at index 0", e.Message);
    }

    [Fact]
    public void Unpaired_surrogates_and_empty_text_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => CharVocabulary.Build("a\uD800b"));
        Assert.Contains("unpaired surrogate U+D800 at index 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => CharVocabulary.Build("ab").Encode("b\uDC00"));
        Assert.Contains("unpaired surrogate U+DC00 at index 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => CharVocabulary.Build(""));
        Assert.Contains("text is empty", e.Message);
    }

    [Fact]
    public void Decode_rejects_ids_out_of_range()
    {
        var vocab = CharVocabulary.Build("ab");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => vocab.Decode([0L, 9]));
        Assert.Contains("id 9 at position 1 is not in 0…1", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => vocab.Decode([-1L]));
        Assert.Contains("id -1 at position 0", e.Message);
    }

    [Theory]
    [InlineData("[97,97]", "element 1 = 97 (U+0061 'a') is a duplicate of element 0")]
    [InlineData("[98,97]", "element 1 = 97 is smaller than element 0 = 98; code points must be in ascending order")]
    [InlineData("[55296]", "element 0 = 55296 is not a Unicode scalar value")]
    [InlineData("[10,1114112]", "element 1 = 1114112 is not a Unicode scalar value")]
    [InlineData("[-1]", "element 0 = -1 is not a Unicode scalar value")]
    [InlineData("[1.5]", "element 0 is 1.5, not an integer code point")]
    [InlineData("[\"a\"]", "element 0 is \"a\", not an integer code point")]
    [InlineData("[]", "the array is empty")]
    [InlineData("{\"a\":1}", "expected a JSON array of code points, got a JSON object")]
    [InlineData("[97,", "not valid JSON")]
    public void FromJson_validates(string json, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => CharVocabulary.FromJson(json));
        Assert.Contains(message, e.Message);
        Assert.Equal("json", e.ParamName);
    }

    // ---- LanguageModelBatches ----

    [Fact]
    public void Batches_follow_batchify_and_get_batch()
    {
        long[] tokens = Enumerable.Range(0, 13).Select(i => (long)i).ToArray();
        // B = 3 streams of L = 4: [0 1 2 3] [4 5 6 7] [8 9 10 11]; token 12 is dropped.
        var batches = new LanguageModelBatches(tokens, batchSize: 3, sequenceLength: 2);
        Assert.Equal(4, batches.StreamLength);
        Assert.Equal(2, batches.Count);                                      // ⌈(4 − 1) / 2⌉

        var b0 = batches[0];
        Assert.Equal([3, 2], b0.Inputs.Shape.ToArray());
        Assert.Equal(DType.Int64, b0.Inputs.DType);
        Assert.Equal([0L, 1, 4, 5, 8, 9], b0.Inputs.ToLongArray());
        Assert.Equal([1L, 2, 5, 6, 9, 10], b0.Targets.ToLongArray());
        Assert.Equal(2, b0.Steps);

        var b1 = batches[1];                                                 // the shorter last batch, T′ = 1
        Assert.Equal([3, 1], b1.Inputs.Shape.ToArray());
        Assert.Equal([2L, 6, 10], b1.Inputs.ToLongArray());
        Assert.Equal([3L, 7, 11], b1.Targets.ToLongArray());
        Assert.Equal(1, b1.Index);

        var dropped = new LanguageModelBatches(tokens, 3, 2, dropLast: true);
        Assert.Single(dropped);
        Assert.Equal([0L, 1, 4, 5, 8, 9], dropped.Single().Inputs.ToLongArray());

        // T = L − 1 exactly: one batch of the whole streams.
        var whole = new LanguageModelBatches(tokens, 3, 3);
        Assert.Single(whole);
        Assert.Equal([0L, 1, 2, 4, 5, 6, 8, 9, 10], whole[0].Inputs.ToLongArray());
        Assert.Equal([1L, 2, 3, 5, 6, 7, 9, 10, 11], whole[0].Targets.ToLongArray());
    }

    [Fact]
    public void Consecutive_batches_continue_each_stream()
    {
        long[] tokens = Enumerable.Range(0, 103).Select(i => (long)(i * 7 % 101)).ToArray();
        var batches = new LanguageModelBatches(tokens, batchSize: 4, sequenceLength: 5);   // L = 25, 24 input positions
        Assert.Equal(25, batches.StreamLength);
        Assert.Equal(5, batches.Count);
        Assert.Equal([5, 5, 5, 5, 4], batches.Select(b => b.Steps).ToArray());

        var list = batches.ToList();
        for (int i = 0; i + 1 < list.Count; i++)
        {
            long[,] x = To2D(list[i + 1].Inputs), y = To2D(list[i].Targets);
            for (int b = 0; b < 4; b++)
                Assert.Equal(y[b, y.GetLength(1) - 1], x[b, 0]);           // the next input is the last target
        }
        // Concatenated along time, row b of the inputs is stream b without its last token.
        for (int b = 0; b < 4; b++)
        {
            var row = list.SelectMany(batch => Row(To2D(batch.Inputs), b)).ToArray();
            Assert.Equal(tokens[(b * 25)..(b * 25 + 24)], row);
            var next = list.SelectMany(batch => Row(To2D(batch.Targets), b)).ToArray();
            Assert.Equal(tokens[(b * 25 + 1)..(b * 25 + 25)], next);
        }
    }

    static long[,] To2D(Tensor t)
    {
        int rows = t.Size(0), cols = t.Size(1);
        var flat = t.ToLongArray();
        var r = new long[rows, cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) r[i, j] = flat[i * cols + j];
        return r;
    }

    static IEnumerable<long> Row(long[,] m, int b) => Enumerable.Range(0, m.GetLength(1)).Select(j => m[b, j]);

    [Fact]
    public void Batches_validate_their_options()
    {
        long[] tokens = new long[10];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LanguageModelBatches(tokens, 0, 1));
        Assert.Equal("batchSize", e.ParamName);
        Assert.Contains("batchSize must be at least 1, got 0", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new LanguageModelBatches(tokens, 6, 1));   // L = 1
        Assert.Equal("batchSize", e.ParamName);
        Assert.Contains("batchSize must be in 1…5 for 10 tokens", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new LanguageModelBatches(tokens, 2, 5));   // L = 5
        Assert.Equal("sequenceLength", e.ParamName);
        Assert.Contains("sequenceLength must be in 1…4 (each of the 2 streams has 5 tokens, 4 with a target), got 5", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new LanguageModelBatches(tokens, 2, 0));
        Assert.Equal("sequenceLength", e.ParamName);
        var a = Assert.Throws<ArgumentException>(() => new LanguageModelBatches([1L], 1, 1));
        Assert.Contains("the stream has 1 tokens; it needs at least 2", a.Message);
        var batches = new LanguageModelBatches(tokens, 2, 2);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => batches[2]);
        Assert.Contains("batch index must be in 0…1, got 2", e.Message);
    }

    [Fact]
    public void Split_holds_out_the_last_fraction()
    {
        long[] tokens = Enumerable.Range(0, 10).Select(i => (long)i).ToArray();
        var (train, valid) = LanguageModelBatches.Split(tokens, 0.2);
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 7], train);
        Assert.Equal([8L, 9], valid);
        (train, valid) = LanguageModelBatches.Split(tokens, 0.25);             // 2.5 rounds to even: 2
        Assert.Equal(8, train.Length);
        Assert.Equal([8L, 9], valid);
        (train, valid) = LanguageModelBatches.Split(tokens, 0);
        Assert.Equal(tokens, train);
        Assert.Empty(valid);
        tokens[0] = 99;
        Assert.Equal(0, train[0]);                                            // the parts are copies

        foreach (double bad in new[] { 1.0, -0.1, double.NaN })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => LanguageModelBatches.Split(tokens, bad));
            Assert.Equal("validationFraction", e.ParamName);
            Assert.Contains("validationFraction must be in [0, 1)", e.Message);
        }
    }
}
