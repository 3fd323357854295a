using System.Text;
using Neurite.Data;
using Neurite.Examples;

namespace Neurite.Tests.Data;

public class TabularTests
{
    static CsvTable Table(string text, bool header = true) => CsvTable.Parse(new StringReader(text), "t.csv", header);

    static DataFormatException Refused(string text, TabularOptions? options = null) =>
        Assert.Throws<DataFormatException>(() => TabularSchema.Fit(Table(text), options));

    [Fact]
    public void Table_keeps_header_cells_and_line_numbers()
    {
        var t = Table("a, b ,c\n\n1,\"x,y\",3\n4,\"say \"\"hi\"\"\",6\n");
        Assert.Equal(["a", "b", "c"], t.ColumnNames);
        Assert.Equal(2, t.RowCount);
        Assert.Equal(3, t.Rows[0].Line);                       // the blank line 2 is skipped
        Assert.Equal(["1", "x,y", "3"], t.Rows[0].Cells);
        Assert.Equal("say \"hi\"", t.Rows[1].Cells[1]);
        Assert.Equal(["column 1", "column 2"], Table("1,2\n", header: false).ColumnNames);
    }

    [Fact]
    public void Empty_and_header_only_files_are_refused_by_name()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DataFormatException>(() => CsvTable.Read(dir.Write("empty.csv", "")));
        Assert.Contains("empty.csv", e.Message);
        Assert.Contains("is empty", e.Message);
        var h = Assert.Throws<DataFormatException>(() => CsvTable.Read(dir.Write("head.csv", "a,b,label\n\n")));
        Assert.Contains("head.csv", h.Message);
        Assert.Contains("has a header but no data rows", h.Message);
        Assert.DoesNotContain("Sequence", h.Message);
    }

    [Fact]
    public void Latin1_file_is_refused_with_byte_offset_and_hint()
    {
        using var dir = new TempDir();
        string path = dir.File("café.csv");
        var bytes = Encoding.Latin1.GetBytes("name,x,y\nJosé,1,0\n");   // é = 0xE9, at byte offset 12
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFormatException>(() => CsvTable.Read(path));
        Assert.Equal(path, e.File);
        Assert.Equal(2, e.Line);
        Assert.Contains("byte offset 12", e.Message);
        Assert.Contains("0xE9", e.Message);
        Assert.Contains("expected UTF-8", e.Message);
        Assert.Contains("Latin-1/Windows-1252", e.Message);
        Assert.Contains("'é'", e.Message);
    }

    [Fact]
    public void Utf8_with_bom_and_unicode_path_is_read()
    {
        using var dir = new TempDir();
        string path = dir.File("ポケモン données.csv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("espèce,cp\nPokémon,1\nÉvoli,2\n")]);
        var t = CsvTable.Read(path);
        Assert.Equal(["espèce", "cp"], t.ColumnNames);               // the BOM is not part of the first name
        Assert.Equal("Évoli", t.Rows[1].Cells[0]);
        var csv = CsvLoader.Load(path, new CsvOptions(Label: new LabelColumn.Named("espèce")));
        Assert.Equal(["Pokémon", "Évoli"], csv.ClassNames!);
    }

    [Fact]
    public void Categorical_column_is_one_hot_with_training_categories()
    {
        var t = Table("cp,species,y\n10,Pikachu,0\n20,Eevee,1\n30,Pikachu,1\n40,Abra,0\n");
        var schema = TabularSchema.Fit(t, [0, 1, 2]);                 // Abra only in the last (test) row
        Assert.Equal(["cp", "species"], schema.FeatureNames);
        Assert.Equal(["cp", "species=Eevee", "species=Pikachu"], schema.EncodedFeatureNames);
        Assert.Equal(["Eevee", "Pikachu"], schema.CategoriesOf("species")!);
        Assert.Null(schema.CategoriesOf("cp"));
        Assert.Equal([10f, 0, 1, 20, 1, 0, 30, 0, 1], schema.EncodeFeatures(t, [0, 1, 2]).ToFloatArray());
        var e = Assert.Throws<DataFormatException>(() => schema.EncodeFeatures(t, [3]));
        Assert.Equal(5, e.Line);
        Assert.Contains("column 2 ('species')", e.Message);
        Assert.Contains("'Abra'", e.Message);
        Assert.Contains("known: Eevee, Pikachu", e.Message);
    }

    [Fact]
    public void Mostly_numeric_column_with_a_text_cell_is_a_typo_not_a_category()
    {
        var e = Refused("a,b,y\n1,2,0\n2,3,1\n3,x3,0\n");
        Assert.Equal(4, e.Line);
        Assert.Contains("column 2 ('b') is not a number: 'x3'", e.Message);
        Assert.Contains("2 of 3", e.Message);
    }

    [Theory]
    [InlineData("NaN", "is missing ('NaN')")]
    [InlineData("", "is missing (an empty cell)")]
    [InlineData("NA", "is missing ('NA')")]
    [InlineData("?", "is missing ('?')")]
    [InlineData("Infinity", "not a finite float32 number: 'Infinity'")]
    [InlineData("-Infinity", "not a finite float32 number: '-Infinity'")]
    [InlineData("1e39", "not a finite float32 number: '1e39'")]
    public void Missing_and_non_finite_cells_are_refused_with_line_and_column(string cell, string words)
    {
        using var dir = new TempDir();
        string path = dir.Write("cells.csv", $"a,b,y\n1,2,0\n3,{cell},1\n");
        var e = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Equal(path, e.File);
        Assert.Equal(3, e.Line);
        Assert.Contains("cells.csv, line 3", e.Message);
        Assert.Contains("column 2 ('b')", e.Message);
        Assert.Contains(words, e.Message);
        Assert.Contains("Impute", e.Message);
    }

    [Fact]
    public void Impute_fills_from_training_rows_only()
    {
        // b: training 1, 2, 9 → mean 4, median 2; the test row's 100 must not count.
        var t = Table("b,c,y\n1,u,0\n2,v,1\n9,u,0\nNA,?,1\n100,v,0\n");
        int[] train = [0, 1, 2, 3];
        var mean = TabularSchema.Fit(t, train, new TabularOptions(Impute: Impute.Mean));
        var median = TabularSchema.Fit(t, train, new TabularOptions(Impute: Impute.Median));
        Assert.Equal(4.0, ((NumericColumn)mean.Columns[0]).Fill);
        Assert.Equal(2.0, ((NumericColumn)median.Columns[0]).Fill);
        Assert.Equal("u", ((CategoricalColumn)mean.Columns[1]).Fill);    // most frequent
        Assert.Equal([4f, 1, 0], mean.EncodeFeatures(t, [3]).ToFloatArray());
        Assert.Equal([2f, 1, 0], median.EncodeFeatures(t, [3]).ToFloatArray());
        var inf = Table("b,y\n1,0\nInfinity,1\n3,0\n");
        Assert.Equal([1f, 2, 3], TabularSchema.Fit(inf, new TabularOptions(Impute: Impute.Median)).EncodeFeatures(inf).ToFloatArray());
    }

    [Fact]
    public void Empty_label_is_refused_with_line_and_column()
    {
        var e = Refused("a,b,label\n1,2,x\n3,4,\n5,6,y\n");
        Assert.Equal(3, e.Line);
        Assert.Contains("t.csv, line 3", e.Message);
        Assert.Contains("the label column 3 ('label') is missing (an empty cell)", e.Message);
        var r = Refused("a,y\n1,2\n3,NaN\n", new TabularOptions(Kind: LabelKind.Regression));
        Assert.Equal(3, r.Line);
        Assert.Contains("column 2 ('y') is missing ('NaN')", r.Message);
        var inf = Refused("a,y\n1,2\n3,1e39\n", new TabularOptions(Kind: LabelKind.Regression));
        Assert.Contains("not a finite float32 number: '1e39'", inf.Message);
    }

    [Fact]
    public void Single_class_is_refused()
    {
        var e = Refused("a,label\n1,cat\n2,cat\n3,cat\n");
        Assert.Contains("t.csv", e.Message);
        Assert.Contains("only one class ('cat') in the 3 training rows", e.Message);
        Assert.Contains("needs at least two classes", e.Message);
        Assert.Contains("needs at least two classes", Refused("a,label\n1,3\n2,3\n").Message);   // integer labels: names 0…3, but one class present
    }

    [Fact]
    public void Continuous_label_is_refused_with_a_hint()
    {
        var text = new StringBuilder("x,cp\n");
        for (int i = 0; i < 281; i++) text.Append($"{i},{100 + i * 1.5}\n");
        var e = Refused(text.ToString());
        Assert.Contains("looks continuous: 281 distinct values", e.Message);
        Assert.Contains("use --regression", e.Message);
        var ok = TabularSchema.Fit(Table(text.ToString()), new TabularOptions(Kind: LabelKind.Regression));
        Assert.True(ok.IsRegression);
        Assert.Null(ok.ClassNames);
        // 50 distinct integers are still classes.
        var fifty = new StringBuilder("x,y\n");
        for (int i = 0; i < 100; i++) fifty.Append($"{i},{i % 50}\n");
        Assert.Equal(50, TabularSchema.Fit(Table(fifty.ToString())).ClassNames!.Count);
    }

    [Fact]
    public void Encode_matches_columns_by_name()
    {
        var train = Table("cp,species,hp,y\n10,a,1,0\n20,b,2,1\n");
        var schema = TabularSchema.Fit(train);
        var reordered = Table("id,hp,species,cp\n7,5,b,30\n");       // reordered, an extra column, no label
        Assert.Equal([30f, 0, 1, 5], schema.EncodeFeatures(reordered).ToFloatArray());
        var e = Assert.Throws<DataFormatException>(() => schema.EncodeFeatures(Table("cp,hp\n1,2\n")));
        Assert.Contains("missing feature column 'species'", e.Message);
        Assert.Contains("the model needs cp, species, hp", e.Message);
        Assert.Throws<DataFormatException>(() => schema.EncodeLabels(reordered, [0]));
        var unseen = Assert.Throws<DataFormatException>(() => schema.EncodeLabels(Table("cp,species,hp,y\n1,a,1,2\n"), [0]));
        Assert.Contains("'2', a class the training rows did not have (classes: 0, 1)", unseen.Message);
    }

    [Fact]
    public void Schema_json_round_trips()
    {
        var t = Table("cp,species,hp,label\n10.5,Pikachu,1,b\n20,Eevee,NA,a\n0.1,Eevee,3,b\n");
        var schema = TabularSchema.Fit(t, new TabularOptions(Impute: Impute.Mean));
        var back = TabularSchema.FromJson(schema.ToJson(), "model.json");
        Assert.Equal(schema.ToJson(), back.ToJson());
        Assert.Equal(["cp", "species", "hp"], back.FeatureNames);
        Assert.Equal(schema.EncodedFeatureNames, back.EncodedFeatureNames);
        Assert.Equal(["a", "b"], back.ClassNames!);
        Assert.Equal("label", back.LabelName);
        Assert.Equal(Impute.Mean, back.Impute);
        Assert.Equal(2.0, ((NumericColumn)back.Columns[2]).Fill);
        Assert.Equal(schema.Encode(t).Features.ToFloatArray(), back.Encode(t).Features.ToFloatArray());
        Assert.Equal(schema.Encode(t).Labels.ToLongArray(), back.Encode(t).Labels.ToLongArray());
        var regression = TabularSchema.Fit(t, new TabularOptions(new LabelColumn.Named("cp"), LabelKind.Regression, Impute.Median));
        Assert.True(TabularSchema.FromJson(regression.ToJson(), "m").IsRegression);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "field '(root)'")]
    [InlineData("{\"format\":\"x\"}", "field 'format' is 'x'")]
    [InlineData("{\"format\":\"neurite.tabular/1\",\"label\":{\"name\":\"y\",\"kind\":\"class\",\"classes\":[\"a\",\"b\"]},\"impute\":\"none\",\"features\":[{\"name\":\"s\",\"type\":\"categorical\",\"categories\":[\"u\",7],\"fill\":null}]}", "field 'features[0].categories[1]'")]
    [InlineData("{\"format\":\"neurite.tabular/1\",\"label\":{\"name\":\"y\",\"kind\":\"class\",\"classes\":[\"a\",\"b\"]},\"impute\":\"sometimes\",\"features\":[]}", "field 'impute' is 'sometimes'")]
    [InlineData("{\"format\":\"neurite.tabular/1\",\"label\":{\"name\":\"y\",\"kind\":\"class\",\"classes\":null},\"impute\":\"none\",\"features\":[]}", "field 'label.classes' is null")]
    public void Bad_schema_json_names_the_field(string json, string words)
    {
        var e = Assert.Throws<DataFormatException>(() => TabularSchema.FromJson(json, "model.neurite"));
        Assert.Contains("model.neurite", e.Message);
        Assert.Contains(words, e.Message);
    }

    [Fact]
    public void Split_indices_match_TrainDevTest_rows()
    {
        int n = 50;
        var x = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        var y = Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray();
        var data = new TensorDataset(Tensor.FromArray(x, n, 1), Tensor.FromArray(y, n));
        foreach (bool stratified in new[] { false, true })
        {
            var (train, dev, test) = Split.Indices(n, (0.6, 0.2, 0.2), seed: 4, stratified ? y : null);
            var s = Split.TrainDevTest(data, (0.6, 0.2, 0.2), seed: 4, stratified);
            Assert.Equal(train.Select(i => (float)i), s.Train.Features.ToFloatArray());
            Assert.Equal(dev.Select(i => (float)i), s.Dev.Features.ToFloatArray());
            Assert.Equal(test.Select(i => (float)i), s.Test.Features.ToFloatArray());
            Assert.Equal(Enumerable.Range(0, n), train.Concat(dev).Concat(test).Order());
        }
        // round(0.6 · 50) = 30 training rows. (Checked once against the pre-Indices TrainDevTest: the same rows for 128 cases of n, seed, fractions and stratification.)
        Assert.Equal(30, Split.Indices(n, (0.6, 0.2, 0.2), seed: 4).Train.Length);
        Assert.Throws<ArgumentException>(() => Split.Indices(3, (1, 0, 0), stratifyBy: [0, 1]));
    }

    [Fact]
    public void Pokemon_species_one_hot_lowers_test_mse()
    {
        var r = PokemonCpExample.Run(TextWriter.Null);
        Assert.Equal(["cp", "species=Caterpie", "species=Eevee", "species=Pidgey", "species=Pikachu", "species=Weedle", "hp"], r.EncodedFeatureNames);
        // Values of this run (seed 1, 400 rows); a one-hot that carried no species information would leave
        // "with" at the "without" level, ~24,000 CP².
        Assert.InRange(r.TestMseWithoutSpecies, 23_000, 25_300);
        Assert.InRange(r.TestMseWithSpecies, 3_350, 3_700);
        Assert.True(r.TestMseWithSpecies < r.TestMseWithoutSpecies / 5);
    }

    [Fact]
    public void Pokemon_csv_is_seeded()
    {
        Assert.Equal(Datasets.PokemonCp(20, seed: 3), Datasets.PokemonCp(20, seed: 3));
        Assert.NotEqual(Datasets.PokemonCp(20, seed: 3), Datasets.PokemonCp(20, seed: 4));
        var t = Table(Datasets.PokemonCp(20, seed: 3));
        Assert.Equal(["cp", "species", "hp", "cp_after"], t.ColumnNames);
        Assert.Equal(20, t.RowCount);
    }
}
