using Neurite.Data.Text;

namespace Neurite.Tests.Data;

public class TokenizerVocabularyTests
{
    [Theory]
    [InlineData("In the beginning, God created the heaven.", "In|the|beginning|,|God|created|the|heaven|.")]
    [InlineData("don't well-known -x 'quoted' (a)", "don't|well-known|-|x|'|quoted|'|(|a|)")]
    [InlineData("  3rd of May, 1999!  ", "3rd|of|May|,|1999|!")]
    [InlineData("naïve café — 東京 😀", "naïve|café|—|東京|😀")]
    public void WordsAndPunctuation(string text, string expected) =>
        Assert.Equal(expected.Split('|'), new Tokenizer().Tokenize(text));

    [Fact]
    public void LowercaseCharactersAndDetokenize()
    {
        Assert.Equal(["in", "the", "beginning", ","], new Tokenizer(Lowercase: true).Tokenize("IN The beginning,"));
        Assert.Equal(["a", " ", "😀", "b"], new Tokenizer(TokenUnit.Characters).Tokenize("a 😀b"));
        var t = new Tokenizer();
        Assert.Equal("And God said, let there be light (and it was).", t.Detokenize(t.Tokenize("And God said , let there be light ( and it was ) .")));
        Assert.Equal("3 May 1999", new Tokenizer(TokenUnit.Characters).Detokenize(new Tokenizer(TokenUnit.Characters).Tokenize("3 May 1999")));
    }

    [Fact]
    public void VocabularyReservesFourIdsOrdersByCountAndRoundTrips()
    {
        string[][] sentences = [["the", "cat", "sat"], ["the", "dog", "sat"], ["the", "end"]];
        var v = Vocabulary.Build(sentences, minCount: 2);
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>", "the", "sat"], Enumerable.Range(0, v.Count).Select(v.Token).ToArray());
        Assert.Equal(3, v.CountOf(4));
        Assert.Equal(3, v.CountOf(Vocabulary.UnknownId));  // cat, dog, end left out
        Assert.Equal([2, 4, 1, 5, 3], v.Encode(["the", "cow", "sat"], start: true, end: true));
        Assert.Equal(["the", "<unk>", "sat"], v.Decode([2, 4, 1, 5, 3, 4, 0]));
        var back = Vocabulary.FromJson(v.ToJson(), "test");
        Assert.Equal(v.ToJson(), back.ToJson());
        Assert.StartsWith("""{"tokens":["<pad>","<unk>","<s>","</s>","the","sat"],"counts":[0,3,0,0,3,2]}""", v.ToJson());
        var top = Vocabulary.Build(sentences, maxSize: 3);  // the (3), sat (2), then cat (1) before dog and end by ordinal order
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>", "the", "sat", "cat"], Enumerable.Range(0, top.Count).Select(top.Token).ToArray());
    }

    [Theory]
    [InlineData("""{"tokens":["<pad>","<unk>","<s>","</s>","a","a"],"counts":[0,0,0,0,1,1]}""", "appears twice")]
    [InlineData("""{"tokens":["<unk>","<pad>","<s>","</s>"],"counts":[0,0,0,0]}""", "token 0 must be <pad>")]
    [InlineData("""{"tokens":["<pad>","<unk>","<s>","</s>"],"counts":[0,0,0]}""", "as many counts as tokens")]
    [InlineData("""[1,2]""", "not valid JSON")]
    public void BadStoredVocabulariesNameTheSource(string json, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Vocabulary.FromJson(json, "model.safetensors"));
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
