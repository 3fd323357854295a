using Neurite.Data;

namespace Neurite.Tests.Data;

public class CsvLoaderTests
{
    [Fact]
    public void Header_named_label_and_string_classes()
    {
        using var dir = new TempDir();
        string path = dir.Write("flowers.csv", "length,species,width\n1.5,b,2\n\n\"3.25\", a ,4e1\n-1,c,0\n");
        var csv = CsvLoader.Load(path, new CsvOptions(Label: new LabelColumn.Named("species")));
        Assert.Equal(["length", "width"], csv.FeatureNames);
        Assert.Equal(["a", "b", "c"], csv.ClassNames!);            // ordinal sort of the distinct values
        Assert.Equal([3, 2], csv.Data.Features.Shape.ToArray());
        Assert.Equal([1.5f, 2f, 3.25f, 40f, -1f, 0f], csv.Data.Features.ToFloatArray());
        Assert.Equal([1L, 0L, 2L], csv.Data.Labels.ToLongArray());
        Assert.Equal(DType.Int64, csv.Data.Labels.DType);
    }

    [Fact]
    public void No_header_label_by_index_and_integer_classes()
    {
        var text = "2,0.5,0.25\n0,1,2\n";
        var csv = CsvLoader.Parse(new StringReader(text), "mem", new CsvOptions(HasHeader: false, Label: new LabelColumn.At(0)));
        Assert.Equal(["column 2", "column 3"], csv.FeatureNames);
        Assert.Equal([2L, 0L], csv.Data.Labels.ToLongArray());
        Assert.Equal(["0", "1", "2"], csv.ClassNames!);
        Assert.Equal([0.5f, 0.25f, 1f, 2f], csv.Data.Features.ToFloatArray());
    }

    [Fact]
    public void Regression_target_is_float_column()
    {
        var csv = CsvLoader.Parse(new StringReader("x;y\n1;2.5\n2;4.5\n"), "mem",
            new CsvOptions(Kind: LabelKind.Regression, Delimiter: ';'));
        Assert.Null(csv.ClassNames);
        Assert.Equal(DType.Float32, csv.Data.Labels.DType);
        Assert.Equal([2, 1], csv.Data.Labels.Shape.ToArray());
        Assert.Equal([2.5f, 4.5f], csv.Data.Labels.ToFloatArray());
    }

    [Fact]
    public void Ragged_row_names_file_and_line()
    {
        using var dir = new TempDir();
        string path = dir.Write("ragged.csv", "a,b,label\n1,2,x\n3,4,y\n5,y\n");
        var e = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Equal(path, e.File);
        Assert.Equal(4, e.Line);
        Assert.Contains("ragged.csv, line 4", e.Message);
        Assert.Contains("expected 3 cells, got 2", e.Message);
    }

    [Fact]
    public void Non_numeric_cell_names_file_line_and_column()
    {
        using var dir = new TempDir();
        string path = dir.Write("bad.csv", "a,b,label\n1,2,x\n3,four,y\n");
        var e = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Equal(3, e.Line);
        Assert.Contains("bad.csv, line 3", e.Message);
        Assert.Contains("column 2 ('b')", e.Message);
        Assert.Contains("'four'", e.Message);
        // With column 'a' as the label, the text column 'label' (x, y) is a categorical feature now, not an
        // error at line 2; 'four' among b's numbers is still refused.
        var r = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path, new CsvOptions(Label: new LabelColumn.At(0), Kind: LabelKind.Regression)));
        Assert.Equal(3, r.Line);
        Assert.Contains("column 2 ('b') is not a number: 'four'", r.Message);
    }

    [Fact]
    public void Text_feature_column_is_one_hot_encoded()
    {
        var csv = CsvLoader.Parse(new StringReader("cp,species,y\n10,Pikachu,0\n20,Eevee,1\n"), "mem");
        Assert.Equal(["cp", "species=Eevee", "species=Pikachu"], csv.FeatureNames);
        Assert.Equal([10f, 0, 1, 20, 1, 0], csv.Data.Features.ToFloatArray());
        Assert.Equal(["cp", "species"], csv.Schema!.FeatureNames);
    }

    [Theory]
    [InlineData("1,2,0\n3,NaN,1\n", 3, "column 2 ('b') is missing ('NaN')")]
    [InlineData("1,2,0\n3,Infinity,1\n", 3, "column 2 ('b') is not a finite float32 number: 'Infinity'")]
    [InlineData("1,2,0\n3,1e39,1\n", 3, "column 2 ('b') is not a finite float32 number: '1e39'")]
    [InlineData("1,2,0\n3,4,\n", 3, "the label column 3 ('label') is missing (an empty cell)")]
    [InlineData("1,2,0\n3,4,0\n", 0, "only one class ('0')")]
    public void Bad_cells_are_refused(string rows, int line, string words)
    {
        using var dir = new TempDir();
        string path = dir.Write("cells.csv", "a,b,label\n" + rows);
        var e = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Equal(path, e.File);
        Assert.Equal(line, e.Line);
        Assert.Contains("cells.csv", e.Message);
        Assert.Contains(words, e.Message);
    }

    [Fact]
    public void Header_only_and_latin1_files_are_refused()
    {
        using var dir = new TempDir();
        var h = Assert.Throws<DataFormatException>(() => CsvLoader.Load(dir.Write("head.csv", "a,b,label\n")));
        Assert.Contains("head.csv: the file has a header but no data rows", h.Message);
        string latin = dir.File("latin.csv");
        File.WriteAllBytes(latin, System.Text.Encoding.Latin1.GetBytes("a,label\n1,caf\u00e9\n2,th\u00e9\n"));
        var l = Assert.Throws<DataFormatException>(() => CsvLoader.Load(latin));
        Assert.Contains("latin.csv, line 2", l.Message);
        Assert.Contains("byte offset 13", l.Message);
        Assert.Contains("expected UTF-8", l.Message);
    }

    [Fact]
    public void Missing_file_and_unknown_column()
    {
        var missing = Path.Combine(Path.GetTempPath(), "neurite-no-such-file.csv");
        var e = Assert.Throws<FileNotFoundException>(() => CsvLoader.Load(missing));
        Assert.Contains(missing, e.Message);
        var u = Assert.Throws<DataFormatException>(() => CsvLoader.Parse(new StringReader("a,b\n1,2\n"), "t.csv", new CsvOptions(Label: new LabelColumn.Named("c"))));
        Assert.Contains("no column named 'c'", u.Message);
        Assert.Equal(1, u.Line);
    }
}
