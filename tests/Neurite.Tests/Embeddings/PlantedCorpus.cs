using System.Text;

namespace Neurite.Tests.Embeddings;

/// <summary>
/// A seeded text with structure planted in it, for checking that trained vectors find it:
/// <list type="bullet">
/// <item>a grid of 5 attributes × 5 objects, word "a{i}o{j}", seen among two context words of attribute i ("p{i}x{r}")
/// and two of object j ("q{j}x{r}"), so that a{i}o{j} ≈ attribute i + object j and
/// a1o1 − a1o2 + a2o2 ≈ a2o1 (400 analogy questions);</item>
/// <item>4 groups of 5 members, word "g{k}m{i}", seen among four context words drawn from two of four sets (group k:
/// "c{k}x{r}" and "c{k+1 mod 4}x{r}"), so that a context word belongs to two groups and a member's nearest
/// neighbours are the other members of its group (the only words with the same contexts).</item>
/// </list>
/// Each sentence also has two filler words "f{n}" drawn from 10 at random (function words: they co-occur with
/// everything, which GloVe needs, as it only fits the non-zero counts); one sentence per line, seven words and
/// punctuation, which is dropped.
/// </summary>
static class PlantedCorpus
{
    public const int Attributes = 5, Objects = 5, Groups = 4, Members = 5, Fillers = 10;

    public static string Grid(int a, int o) => $"a{a}o{o}";

    public static string Member(int g, int m) => $"g{g}m{m}";

    public static string Text(int sentences = 10_000, ulong seed = 7)
    {
        var rng = new Generator(seed);
        var sb = new StringBuilder();
        for (int s = 0; s < sentences; s++)
        {
            string centre;
            var context = new List<string>();
            if (rng.NextInt(5) < 3)
            {
                int a = rng.NextInt(Attributes), o = rng.NextInt(Objects);
                centre = Grid(a, o);
                for (int r = 0; r < 2; r++) { context.Add($"p{a}x{rng.NextInt(3)}"); context.Add($"q{o}x{rng.NextInt(3)}"); }
            }
            else
            {
                int g = rng.NextInt(Groups);
                centre = Member(g, rng.NextInt(Members));
                for (int r = 0; r < 4; r++) context.Add($"c{(g + rng.NextInt(2)) % Groups}x{rng.NextInt(3)}");
            }
            for (int r = 0; r < 2; r++) context.Add($"f{rng.NextInt(Fillers)}");
            var ctx = context.ToArray();
            rng.Shuffle(ctx.AsSpan());
            sb.AppendJoin(' ', ctx[..3]).Append(' ').Append(centre).Append(' ').AppendJoin(", ", ctx[3..]).Append(".\n");
        }
        return sb.ToString();
    }

    /// <summary>(a, b, c, answer) for a : b :: c : answer, i.e. answer ≈ b − a + c: a1o2 : a1o1 :: a2o2 : a2o1.</summary>
    public static IEnumerable<(string A, string B, string C, string Answer)> Analogies()
    {
        for (int a1 = 0; a1 < Attributes; a1++)
            for (int a2 = 0; a2 < Attributes; a2++)
                for (int o1 = 0; o1 < Objects; o1++)
                    for (int o2 = 0; o2 < Objects; o2++)
                        if (a1 != a2 && o1 != o2) yield return (Grid(a1, o2), Grid(a1, o1), Grid(a2, o2), Grid(a2, o1));
    }
}
