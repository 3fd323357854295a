using Neurite.Nn;

namespace Neurite.Tests.Nn;

public class SummaryTests
{
    [Fact]
    public void ListsLayersShapesAndTotals()
    {
        var model = new Sequential(
            new Linear(784, 256), new ReLU(), new Dropout(0.2),
            new Sequential(new Linear(256, 128), new BatchNorm1d(128), new Tanh()),
            new Linear(128, 10));
        model[0].Freeze();
        var summary = ModelSummary.Of(model, 784);
        Assert.Equal(["0", "1", "2", "3.0", "3.1", "3.2", "4"], summary.Rows.Select(r => r.Name));
        Assert.Equal([1, 256], summary.Rows[0].OutputShape);
        Assert.Equal([1, 10], summary.Rows[^1].OutputShape);
        // 784·256 + 256 = 200,960; 256·128 + 128 = 32,896; batch norm 2·128 = 256; 128·10 + 10 = 1,290
        Assert.Equal(200_960, summary.Rows[0].Parameters);
        Assert.Equal(256, summary.Rows[4].Parameters);
        Assert.Equal(200_960 + 32_896 + 256 + 1_290, summary.TotalParameters);
        Assert.Equal(32_896 + 256 + 1_290, summary.TrainableParameters);
        var text = summary.ToString();
        Assert.Contains("Linear(784 → 256)", text);
        Assert.Contains("[N, 256]", text);
        Assert.Contains("Total params: 235,402", text);
        Assert.Contains("Non-trainable params: 200,960", text);
        Assert.True(model.IsTraining, "the summary restores training mode");
    }
}
