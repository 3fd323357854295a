using Neurite.Nn;

namespace Neurite.Tests.Nn;

public class InformationTests
{
    static Tensor P(params double[] v) => Tensor.FromArray(v);

    [Fact]
    public void EntropyOfCoinsAndCertainties()
    {
        Assert.Equal(Math.Log(2), Information.Entropy(P(0.5, 0.5)).Item(), 12);
        Assert.Equal(1.0, Information.Entropy(P(0.5, 0.5), logBase: 2).Item(), 12);           // one bit
        Assert.Equal(0.0, Information.Entropy(P(1, 0)).Item(), 12);                             // 0 log 0 = 0
        Assert.Equal(2.0, Information.Entropy(P(0.25, 0.25, 0.25, 0.25), logBase: 2).Item(), 12);
        // a batch of two distributions along the last dim
        var h = Information.Entropy(Tensor.FromArray(new double[] { 0.5, 0.5, 1, 0 }, 2, 2)).ToDoubleArray();
        Assert.Equal(new[] { Math.Log(2), 0 }, h);
    }

    [Fact]
    public void KlCrossEntropyAndJensenShannonByHand()
    {
        var p = P(0.5, 0.5);
        var q = P(0.9, 0.1);
        double kl = 0.5 * Math.Log(0.5 / 0.9) + 0.5 * Math.Log(0.5 / 0.1);
        Assert.Equal(kl, Information.KlDivergence(p, q).Item(), 12);
        Assert.Equal(Math.Log(2) + kl, Information.CrossEntropy(p, q).Item(), 12);          // H(p, q) = H(p) + KL
        Assert.Equal(0.0, Information.KlDivergence(q, q).Item(), 12);
        Assert.Equal(Math.Log(2), Information.JensenShannon(P(1, 0), P(0, 1)).Item(), 12);  // disjoint supports: the maximum
        Assert.True(double.IsPositiveInfinity(Information.KlDivergence(P(0.5, 0.5), P(1, 0)).Item()));   // q = 0 < p
        Assert.Equal(Math.Log(2), Information.KlDivergence(P(1, 0), P(0.5, 0.5)).Item(), 12);             // 1·log(1/0.5); p = 0 adds nothing
    }

    [Fact]
    public void MutualInformationIsZeroForIndependenceAndHForIdentity()
    {
        var independent = Tensor.FromArray(new double[] { 0.3 * 0.6, 0.3 * 0.4, 0.7 * 0.6, 0.7 * 0.4 }, 2, 2);
        Assert.Equal(0.0, Information.MutualInformation(independent).Item(), 12);
        var copy = Tensor.FromArray(new double[] { 0.5, 0, 0, 0.5 }, 2, 2);                 // Y = X, a fair coin
        Assert.Equal(1.0, Information.MutualInformation(copy, logBase: 2).Item(), 12);
    }

    [Fact]
    public void GradientsCheck()
    {
        var p = Tensor.FromArray(new double[] { 0.2, 0.3, 0.5, 0.6, 0.3, 0.1 }, 2, 3).RequireGrad();
        var q = Tensor.FromArray(new double[] { 0.1, 0.6, 0.3, 0.2, 0.2, 0.6 }, 2, 3);
        GradCheck.Assert(t => Information.Entropy(t[0]).Sum(), p);
        GradCheck.Assert(t => Information.KlDivergence(t[0], q).Sum(), p);
        GradCheck.Assert(t => Information.JensenShannon(t[0], q).Sum(), p);
    }

    [Fact]
    public void BadDistributionsAreNamed()
    {
        Assert.Contains("sums to 0.9", Assert.Throws<ArgumentException>(() => Information.Entropy(P(0.5, 0.4))).Message);
        Assert.Contains("not in [0, 1]", Assert.Throws<ArgumentException>(() => Information.Entropy(P(1.5, -0.5))).Message);
        Assert.Contains("same shape", Assert.Throws<ArgumentException>(() => Information.KlDivergence(P(0.5, 0.5), P(1.0))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Information.Entropy(P(0.5, 0.5), logBase: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Information.Entropy(P(0.5, 0.5), dim: 1));
    }
}
