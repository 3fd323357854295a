using System.Text;
using Neurite.Data;
using Neurite.Data.Text;

namespace Neurite.Tests.Data;

public class ParallelCorpusTests
{
    [Fact]
    public void Reads_pairs_with_their_lines_skipping_blank_lines()
    {
        using var dir = new TempDir();
        string path = dir.Write("eng-fra.tsv", "Go.\tVa !\n\nI see.\tJe comprends.\r\n   \nCafé ?\tUn café ?\n");
        var pairs = ParallelCorpus.ReadTsv(path);
        Assert.Equal([new SentencePair("Go.", "Va !", 1), new SentencePair("I see.", "Je comprends.", 3), new SentencePair("Café ?", "Un café ?", 5)], pairs);
    }

    [Fact]
    public void Keeps_text_exactly_and_splits_lines_only_at_newlines()
    {
        using var dir = new TempDir();
        // A BOM is dropped; inner spaces, a line separator (U+2028) and the last line without a newline are kept.
        string path = dir.File("p.tsv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(" a b \tx\u2028y\nlast\tline")]);
        var pairs = ParallelCorpus.ReadTsv(path);
        Assert.Equal([new SentencePair(" a b ", "x\u2028y", 1), new SentencePair("last", "line", 2)], pairs);
    }

    [Fact]
    public void A_line_without_a_tab_is_an_error_naming_file_and_line()
    {
        using var dir = new TempDir();
        string path = dir.Write("p.tsv", "a\tb\nc\td\n\nd\te\nf\tg\nh\ti\nHello there.\nj\tk\n");
        var e = Assert.Throws<DataFormatException>(() => ParallelCorpus.ReadTsv(path));
        Assert.Equal($"{path}, line 7: no tab: expected source<TAB>target, got \"Hello there.\"", e.Message);
        Assert.Equal(7, e.Line);
        Assert.Equal(path, e.File);
    }

    [Fact]
    public void More_than_one_tab_is_an_error()
    {
        using var dir = new TempDir();
        string path = dir.Write("p.tsv", "Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org\n");
        var e = Assert.Throws<DataFormatException>(() => ParallelCorpus.ReadTsv(path));
        Assert.Equal($"{path}, line 1: 2 tabs: expected source<TAB>target with exactly one tab (a third column? cut it off first, e.g. cut -f1,2)", e.Message);
    }

    [Theory]
    [InlineData("a\tb\n\tVa !\n", 2, "empty source")]
    [InlineData("Go.\t\n", 1, "empty target")]
    [InlineData("Go.\t   \n", 1, "empty target")]
    [InlineData("a\tb\r\n\t\r\n", 2, "empty source and target")]
    public void An_empty_side_is_an_error(string text, int line, string words)
    {
        using var dir = new TempDir();
        string path = dir.Write("p.tsv", text);
        var e = Assert.Throws<DataFormatException>(() => ParallelCorpus.ReadTsv(path));
        Assert.Equal($"{path}, line {line}: {words}: expected source<TAB>target with text on both sides of the tab", e.Message);
        Assert.Equal(line, e.Line);
    }

    [Fact]
    public void A_file_with_no_pairs_is_an_error()
    {
        using var dir = new TempDir();
        string empty = dir.Write("empty.tsv", "");
        var e = Assert.Throws<DataFormatException>(() => ParallelCorpus.ReadTsv(empty));
        Assert.Equal($"{empty}: the file is empty: no pairs; expected source<TAB>target on each line", e.Message);
        Assert.Equal(0, e.Line);

        string blank = dir.Write("blank.tsv", "\n  \r\n\n");
        e = Assert.Throws<DataFormatException>(() => ParallelCorpus.ReadTsv(blank));
        Assert.Equal($"{blank}: no pairs: the file has only blank lines; expected source<TAB>target on each line", e.Message);
    }

    [Fact]
    public void Bad_encoding_and_missing_files_are_reported_by_TextFile()
    {
        using var dir = new TempDir();
        string latin1 = dir.File("latin1.tsv");
        File.WriteAllBytes(latin1, [.. "a\tb\nCaf"u8, 0xE9, .. "\tcoffee\n"u8]);   // Latin-1 é
        var e = Assert.Throws<DataFormatException>(() => ParallelCorpus.ReadTsv(latin1));
        Assert.Equal($"{latin1}, line 2: not valid UTF-8 at byte offset 7 (byte 0xE9); re-save the file as UTF-8", e.Message);
        Assert.Throws<FileNotFoundException>(() => ParallelCorpus.ReadTsv(dir.File("missing.tsv")));
    }
}
