using Neurite.Search;

namespace Neurite.Tests.Search;

public class SpaceFileTests
{
    [Fact]
    public void ReadsEveryKindInOrder()
    {
        var space = SpaceFile.Parse("""
        {
          "lr": { "float": [1e-4, 1e-1], "log": true },
          "optimizer": { "choice": ["adam", "momentum"] },
          "momentum": { "float": [0.5, 0.99], "when": { "optimizer": ["momentum"] } },
          "layers": { "layers": { "depth": [1, 3], "width": [16, 256] } },
          "batch_size": { "int": [16, 128], "log": true }
        }
        """);
        Assert.Equal(["lr", "optimizer", "momentum", "layers", "batch_size"], space.Parameters.Select(p => p.Name));
        var lr = Assert.IsType<FloatParameter>(space["lr"]);
        Assert.Equal((1e-4, 1e-1, true), (lr.Low, lr.High, lr.Log));
        Assert.Equal(new Condition("optimizer", ["momentum"]).Parameter, space["momentum"].When!.Parameter);
        var layers = Assert.IsType<LayersParameter>(space["layers"]);
        Assert.Equal((1, 3, 16, 256), (layers.MinDepth, layers.MaxDepth, layers.MinWidth, layers.MaxWidth));
        Assert.True(Assert.IsType<IntParameter>(space["batch_size"]).Log);
    }

    [Theory]
    [InlineData("{}", "space is empty")]
    [InlineData("{\"lr\": {\"float\": [0, 1], \"log\": true}}", "$.lr: search space: log-uniform 'lr' needs low > 0")]
    [InlineData("{\"lr\": {\"float\": [1]}}", "$.lr.float: must be [low, high]")]
    [InlineData("{\"lr\": {\"float\": [0.1, 1], \"scale\": 2}}", "$.lr.scale: unknown key 'scale'")]
    [InlineData("{\"n\": {\"int\": [1.5, 3]}}", "$.n.int: must be two integers")]
    [InlineData("{\"a\": {\"choice\": [\"x\"]}, \"b\": {\"int\": [1, 2], \"when\": {\"a\": [\"y\"]}}}", "'b' depends on a = 'y'")]
    [InlineData("{\"a\": {\"layers\": {\"depth\": [1, 2]}}}", "$.a.layers: layers need both depth and width")]
    [InlineData("{\"a\": {}}", "$.a: no kind given")]
    [InlineData("{\n\"a\": {\"int\": [1, 2]},,\n}", "space.json: line 2: not valid JSON")]
    public void StrictErrorsNameTheFileThePlaceAndTheValidForms(string json, string expected)
    {
        var e = Assert.Throws<SearchSpaceException>(() => SpaceFile.Parse(json, "space.json"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("space.json: ", e.Message);
        if (!expected.Contains("not valid JSON") && !expected.Contains("depends")) Assert.Contains("Valid parameter forms", e.Message);
    }
}
