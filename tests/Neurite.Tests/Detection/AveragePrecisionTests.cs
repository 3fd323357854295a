using Neurite.Detection;

namespace Neurite.Tests.Detection;

/// <summary>Mean average precision on cases worked by hand.</summary>
public class AveragePrecisionTests
{
    static readonly Box G1 = new(0, 0, 10, 10), G2 = new(20, 20, 30, 30);

    static IReadOnlyList<IReadOnlyList<T>> One<T>(params T[] items) => [items];

    [Fact]
    public void AFalsePositiveBetweenTwoHitsCostsTheAreaAfterIt()
    {
        // scores .9 hit G1, .8 miss, .7 hit G2: (recall, precision) = (.5, 1), (.5, .5), (1, 2/3);
        // the envelope is 1, 2/3, 2/3, so AP = .5·1 + .5·2/3 = 5/6
        var detections = One(new Detected(G1, 0, 0.9), new Detected(new Box(50, 50, 60, 60), 0, 0.8), new Detected(G2, 0, 0.7));
        var r = AveragePrecision.Compute(detections, One(new Labelled(G1, 0), new Labelled(G2, 0)));
        Assert.Equal(5 / 6.0, r.Mean, 12);
    }

    [Fact]
    public void ADuplicateOfAMatchedBoxIsAFalsePositiveButComesAfterFullRecall()
    {
        var detections = One(new Detected(G1, 0, 0.9), new Detected(new Box(0, 0, 10, 9), 0, 0.8));
        Assert.Equal(1.0, AveragePrecision.Compute(detections, One(new Labelled(G1, 0))).Mean, 12);
        // the same duplicate ranked first takes the match, and the exact box becomes the false positive: still AP 1
        var reversed = One(new Detected(G1, 0, 0.7), new Detected(new Box(0, 0, 10, 9), 0, 0.8));
        Assert.Equal(1.0, AveragePrecision.Compute(reversed, One(new Labelled(G1, 0))).Mean, 12);
    }

    [Fact]
    public void AMissedClassScoresZeroAndTheMeanIsOverClassesWithGroundTruth()
    {
        var detections = One(new Detected(G1, 0, 0.9), new Detected(G2, 5, 0.9));   // class 5 has no ground truth: ignored
        var r = AveragePrecision.Compute(detections, One(new Labelled(G1, 0), new Labelled(G2, 1)));
        Assert.Equal(1.0, r.PerClass[0], 12);
        Assert.Equal(0.0, r.PerClass[1], 12);
        Assert.False(r.PerClass.ContainsKey(5));
        Assert.Equal(0.5, r.Mean, 12);
    }

    [Fact]
    public void TheIouThresholdDecidesAndCocoAveragesTenOfThem()
    {
        // [0,0,10,6.25] against G1: intersection 62.5, union 100: IoU .625
        var detections = One(new Detected(new Box(0, 0, 10, 6.25), 0, 0.9));
        var truth = One(new Labelled(G1, 0));
        Assert.Equal(1.0, AveragePrecision.Compute(detections, truth, 0.5).Mean);
        Assert.Equal(0.0, AveragePrecision.Compute(detections, truth, 0.75).Mean);
        Assert.Equal(0.3, AveragePrecision.MeanOverThresholds(detections, truth), 12);   // passes 0.5, 0.55, 0.6 of ten
    }

    [Fact]
    public void DetectionsInAnotherImageDoNotMatch()
    {
        IReadOnlyList<IReadOnlyList<Detected>> detections = [[], [new Detected(G1, 0, 0.9)]];
        IReadOnlyList<IReadOnlyList<Labelled>> truth = [[new Labelled(G1, 0)], []];
        Assert.Equal(0.0, AveragePrecision.Compute(detections, truth).Mean);
    }

    [Fact]
    public void BadInputIsNamed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AveragePrecision.Compute(One<Detected>(), One<Labelled>(), 0));
        Assert.Contains("2 images of detections but 1", Assert.Throws<ArgumentException>(() =>
            AveragePrecision.Compute([[], []], One<Labelled>())).Message);
        Assert.Contains("image 0: a ground-truth box", Assert.Throws<ArgumentException>(() =>
            AveragePrecision.Compute(One<Detected>(), One(new Labelled(new Box(5, 0, 1, 1), 0)))).Message);
    }
}
