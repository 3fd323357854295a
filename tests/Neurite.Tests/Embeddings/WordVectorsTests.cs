using Neurite.Data;
using Neurite.Embeddings;

namespace Neurite.Tests.Embeddings;

/// <summary>Queries on hand-made vectors with hand-computed answers, the file formats, and bad input.</summary>
public sealed class WordVectorsTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "neurite-wv-" + Guid.NewGuid().ToString("N"));

    public WordVectorsTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string File(string name, string text)
    {
        string path = Path.Combine(dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    // 2-d unit vectors at angles: a 0°, b 90°, c 45°, x 135°, y 100°, z 180°.
    // a : b :: c : ?  3CosAdd: b − a + c = (0,1) − (1,0) + (.707,.707) = (−.293, 1.707), at 99.7°:
    //   cos to y (100°) = cos 0.3° ≈ 1.000, to x (135°) = cos 35.3° = 0.816, to z (180°) = cos 80.3° = 0.168 → y, x, z.
    // 3CosMul: cos′ = (cos + 1)/2; score = cos′(·,b)·cos′(·,c) / (cos′(·,a) + 0.001):
    //   x: cos(x,b)=cos45=.707 → .854; cos(x,c)=cos90=0 → .5; cos(x,a)=cos135=−.707 → .146; .854·.5/.147 = 2.90
    //   y: cos10=.985 → .992; cos55=.574 → .787; cos100=−.174 → .413; .992·.787/.414 = 1.887
    //   z: cos90=0 → .5; cos135 → .146; cos180=−1 → 0; .5·.146/.001 = 73.2  → z, x, y: the methods disagree.
    static WordVectors Compass()
    {
        var angles = new (string, double)[] { ("a", 0), ("b", 90), ("c", 45), ("x", 135), ("y", 100), ("z", 180) };
        var values = angles.SelectMany(p => new[] { (float)Math.Cos(p.Item2 * Math.PI / 180), (float)Math.Sin(p.Item2 * Math.PI / 180) }).ToArray();
        return new WordVectors(angles.Select(p => p.Item1).ToArray(), values, 2);
    }

    [Fact]
    public void ThreeCosAddAndThreeCosMulGiveTheHandComputedAnswers()
    {
        var v = Compass();
        var add = v.Analogy("a", "b", "c", 3, AnalogyMethod.Add);
        Assert.Equal(["y", "x", "z"], add.Select(n => n.Word));
        Assert.Equal(Math.Cos(0.3 * Math.PI / 180), add[0].Similarity, 3);
        Assert.Equal(0.816, add[1].Similarity, 2);
        var mul = v.Analogy("a", "b", "c", 3, AnalogyMethod.Mul);
        Assert.Equal(["z", "x", "y"], mul.Select(n => n.Word));
        Assert.Equal(0.5 * 0.14645 / 0.001, mul[0].Similarity, 0);
        Assert.Equal(0.85355 * 0.5 / (0.14645 + 0.001), mul[1].Similarity, 2);
    }

    [Fact]
    public void NearestLeavesTheWordOutAndRanksByCosine()
    {
        var v = Compass();
        // From c (45°): a and b at 45° (cos .707, a first by id), y at 55° (.574), x at 90° (0), z at 135°.
        Assert.Equal(["a", "b", "y", "x", "z"], v.Nearest("c", 10).Select(n => n.Word));
        Assert.Equal(Math.Cos(Math.PI / 4), v.Nearest("c", 1)[0].Similarity, 5);
        // A vector's length does not matter; exclusions do.
        Assert.Equal(["y", "x"], v.Nearest([-0.17f, 0.98f], 2, ["b"]).Select(n => n.Word));           // ≈ 100°, b left out
        Assert.Equal(["z", "x"], v.Nearest([-10f, 0f], 2).Select(n => n.Word));                       // 180°, length 10
    }

    [Fact]
    public void BadQueriesAreRefusedWithSpecificExceptions()
    {
        var v = new WordVectors(["king", "queen", "kings", "kingdom", "man", "woman"], new float[12].Select((_, i) => (float)(i % 5 + 1)).ToArray(), 2);
        var unknown = Assert.Throws<UnknownWordException>(() => v.Nearest("kingg", 3));
        Assert.IsAssignableFrom<KeyNotFoundException>(unknown);
        Assert.Contains("'kingg' is not in the vocabulary (6 words)", unknown.Message);
        Assert.Contains("closest by spelling: king, kings, kingdom", unknown.Message);
        Assert.Equal(["king", "kings", "kingdom"], unknown.Suggestions);
        Assert.Throws<UnknownWordException>(() => v.Analogy("man", "king", "womn"));

        var repeated = Assert.Throws<ArgumentException>(() => v.Analogy("man", "king", "man"));
        Assert.Contains("repeats a word", repeated.Message);
        var k = Assert.Throws<ArgumentOutOfRangeException>(() => v.Nearest("king", 0));
        Assert.Contains("at least 1", k.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Analogy("man", "king", "woman", -1));
        Assert.Throws<ArgumentException>(() => new WordVectors(["a", "a"], new float[4], 2));
    }

    [Fact]
    public void Word2VecTextAndSafeTensorsRoundTripExactly()
    {
        var v = new WordVectors(["in", "the", "beginning"], [0.1f, -2.5e-7f, 3f, float.Epsilon, 1e30f, -0.333333343f], 2, [5, 9, 1], "skipgram", "dim 2");
        string text = Path.Combine(dir, "v.txt"), st = Path.Combine(dir, "v.safetensors");
        v.SaveText(text);
        Assert.StartsWith("3 2\nin 0.1 -2.5E-07\n", System.IO.File.ReadAllText(text));
        v.Save(st);
        foreach (var back in new[] { WordVectors.Load(text), WordVectors.Load(st) })
        {
            Assert.Equal(v.Words, back.Words);
            Assert.Equal(v.Matrix.ToArray(), back.Matrix.ToArray());
        }
        var loaded = WordVectors.Load(st);
        Assert.Equal([5L, 9, 1], loaded.Counts!);
        Assert.Equal(("skipgram", "dim 2"), (loaded.Method, loaded.Options));
    }

    [Fact]
    public void GloVeFilesWithoutAHeaderAreRead()
    {
        // GloVe writes no "V D" line; tabs, CRLF and a trailing blank line are accepted.
        var v = WordVectors.Load(File("glove.txt", "the 0.5 -1 2\r\nof\t1e-3 0 -0.25\r\nand 3 2 1\r\n\r\n"));
        Assert.Equal(["the", "of", "and"], v.Words);
        Assert.Equal(3, v.Dim);
        Assert.Equal([0.5f, -1, 2, 1e-3f, 0, -0.25f, 3, 2, 1], v.Matrix.ToArray());
        Assert.Equal("and", v.Nearest("the", 1)[0].Word);
    }

    [Theory]
    [InlineData("a 1 2\nb 1 x\n", 2, "\"x\", is not a finite number")]
    [InlineData("a 1 2\nb 1 2 3\n", 2, "'b' has 3 values, expected 2 (as on line 1)")]
    [InlineData("2 2\na 1 2\nb 1\n", 3, "'b' has 1 values, expected 2 (the header's dimension)")]
    [InlineData("a 1 2\nb 3 4\na 5 6\n", 3, "the word 'a' appears again (first on line 1)")]
    [InlineData("3 2\na 1 2\nb 3 4\n", 1, "the header says 3 words but the file has 2")]
    [InlineData("a 1 2\n\nb 3 4\n", 2, "a blank line")]
    [InlineData("a 1 NaN\n", 1, "is not a finite number")]
    [InlineData("lonely\n", 1, "has a word but no values")]
    public void MalformedTextFilesNameTheFileAndLine(string text, int line, string message)
    {
        string path = File("bad.txt", text);
        var e = Assert.Throws<DataFormatException>(() => WordVectors.Load(path));
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"{path}, line {line}: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void SafeTensorsThatAreNotWordVectorsAreRefused()
    {
        string path = Path.Combine(dir, "other.safetensors");
        Neurite.Serialization.SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Zeros(2, 2) });
        var e = Assert.Throws<Neurite.Serialization.ModelFormatException>(() => WordVectors.Load(path));
        Assert.Contains("not a word-vectors file", e.Message);
    }
}
