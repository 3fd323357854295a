using Neurite.Seq2Seq;

namespace Neurite.Tests.Seq2Seq;

/// <summary>Attention: float64 gradient checks of every kind with padding, the masked weights, and hand-computed values.</summary>
public class AttentionTests
{
    const int N = 3, T = 4, HDec = 3, HEnc = 3;

    public static TheoryData<AttentionKind> Kinds => [AttentionKind.Additive, AttentionKind.Dot, AttentionKind.General];

    static Attention Make(AttentionKind kind) => new(kind, HDec, HEnc, attentionSize: kind == AttentionKind.Additive ? 5 : null, generator: new Generator(3), dtype: DType.Float64);

    [Theory, MemberData(nameof(Kinds))]
    public void Gradients_of_context_and_weights_match_finite_differences_with_padding(AttentionKind kind)
    {
        var attention = Make(kind);
        var state = Check.Input([N, HDec], 1).Mul(0.5).Detach().RequireGrad();
        var encoder = Check.Input([N, T, HEnc], 2).Mul(0.5).Detach().RequireGrad();
        int[] lengths = [4, 2, 1];
        // both outputs, weighted so that the check sees each element
        var mixC = Check.Input([N, HEnc], 8).Detach();
        var mixW = Check.Input([N, T], 9).Detach();
        var result = GradCheck.Check(xs =>
        {
            var (c, w) = attention.Forward(xs[0], xs[1], lengths);
            return c.Mul(mixC).Sum().Add(w.Mul(mixW).Sum());
        }, [state, encoder, .. attention.Parameters()]);
        Assert.True(result.Passed, result.ToString());
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Padded_positions_get_exactly_zero_weight_and_gradient_and_real_ones_sum_to_one(AttentionKind kind)
    {
        var attention = Make(kind);
        var state = Check.Input([N, HDec], 1);
        var encoder = Check.Input([N, T, HEnc], 2);
        int[] lengths = [4, 2, 1];
        var (context, weights) = attention.Forward(state, encoder, lengths);
        var w = weights.ToDoubleArray();
        for (int b = 0; b < N; b++)
        {
            double sum = 0;
            for (int t = 0; t < T; t++)
            {
                if (t >= lengths[b]) Assert.Equal(0.0, w[b * T + t]);
                else Assert.True(w[b * T + t] > 0);
                sum += w[b * T + t];
            }
            Assert.Equal(1.0, sum, 12);
        }
        context.Sum().Backward();
        var g = encoder.Grad!.ToDoubleArray();
        for (int b = 0; b < N; b++)
            for (int t = lengths[b]; t < T; t++)
                for (int k = 0; k < HEnc; k++) Assert.Equal(0.0, g[(b * T + t) * HEnc + k]);
        // a single real position takes all the weight: the context is that encoder output
        var e = encoder.ToDoubleArray();
        var c = context.ToDoubleArray();
        for (int k = 0; k < HEnc; k++) Assert.Equal(e[2 * T * HEnc + k], c[2 * HEnc + k], 12);
    }

    [Fact]
    public void Padding_values_do_not_change_anything()
    {
        var attention = Make(AttentionKind.Additive);
        var state = Check.Input([N, HDec], 1).Detach();
        var encoder = Check.Input([N, T, HEnc], 2).Detach();
        var other = encoder.ToDoubleArray();
        int[] lengths = [4, 2, 1];
        for (int b = 0; b < N; b++)
            for (int t = lengths[b]; t < T; t++)
                for (int k = 0; k < HEnc; k++) other[(b * T + t) * HEnc + k] = 1e3 * (k + 1);
        var a = attention.Forward(state, encoder, lengths);
        var z = attention.Forward(state, Tensor.FromArray(other, N, T, HEnc), lengths);
        Assert.Equal(a.Context.ToDoubleArray(), z.Context.ToDoubleArray());
        Assert.Equal(a.Weights.ToDoubleArray(), z.Weights.ToDoubleArray());
    }

    [Fact]
    public void Dot_attention_by_hand()
    {
        // s = (1, 0), h₁ = (1, 0), h₂ = (0, 1): scores 1 and 0 → a = (e/(e+1), 1/(e+1)); c = a₁h₁ + a₂h₂ = a
        var attention = new Attention(AttentionKind.Dot, 2, 2, dtype: DType.Float64);
        var (c, w) = attention.Forward(Tensor.FromArray(new double[] { 1, 0 }, 1, 2), Tensor.FromArray(new double[] { 1, 0, 0, 1 }, 1, 2, 2));
        double a1 = Math.E / (Math.E + 1);
        Assert.Equal([a1, 1 - a1], w.ToDoubleArray(), (x, y) => Math.Abs(x - y) < 1e-12);
        Assert.Equal([a1, 1 - a1], c.ToDoubleArray(), (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Fact]
    public void A_memory_of_one_source_broadcasts_over_a_beam_of_states()
    {
        var attention = Make(AttentionKind.General);
        var states = Check.Input([N, HDec], 1).Detach();
        var encoder = Check.Input([1, T, HEnc], 2).Detach();
        var together = attention.Forward(states, attention.Prepare(encoder, [3]));
        for (int b = 0; b < N; b++)
        {
            var alone = attention.Forward(states.Narrow(0, b, 1), attention.Prepare(encoder, [3]));
            Assert.Equal(alone.Weights.ToDoubleArray(), together.Weights.Narrow(0, b, 1).ToDoubleArray(), (x, y) => Math.Abs(x - y) < 1e-14);
        }
    }

    [Fact]
    public void Bad_shapes_and_lengths_are_refused_with_their_names()
    {
        var attention = Make(AttentionKind.Additive);
        Assert.Throws<ShapeException>(() => attention.Prepare(Tensor.Zeros([N, T, HEnc + 1], DType.Float64)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => attention.Prepare(Tensor.Zeros([N, T, HEnc], DType.Float64), [1, 0, 2]));
        Assert.Equal("lengths", e.ParamName);
        Assert.Throws<ArgumentException>(() => new Attention(AttentionKind.Dot, 3, 4));
        Assert.Throws<ShapeException>(() => attention.Forward(Tensor.Zeros([2, HDec], DType.Float64), attention.Prepare(Tensor.Zeros([N, T, HEnc], DType.Float64))));
    }
}
