using System.Globalization;
using System.Text;

namespace Neurite.Data;

public static partial class Datasets
{
    // (species, slope, intercept): cp_after = intercept + slope · cp + noise. Made-up numbers in the spirit
    // of seed 004 (Hung-yi Lee's lecture): the species decides most of how much CP an evolution adds.
    static readonly (string Name, double Slope, double Intercept)[] PokemonSpecies =
    [
        ("Caterpie", 1.05, 10), ("Eevee", 1.9, 150), ("Pidgey", 1.7, 20), ("Pikachu", 2.2, 60), ("Weedle", 1.35, -10),
    ];

    /// <summary>
    /// Seed 004's regression problem as CSV text: the combat power (CP) of a Pokémon after evolution from
    /// its CP before, its species and its hit points. Columns <c>cp,species,hp,cp_after</c>; n rows plus a
    /// header. Each species s (Caterpie, Eevee, Pidgey, Pikachu, Weedle, uniformly) has its own line:
    /// cp_after = b_s + w_s · cp + ε, with cp uniform in [10, 500), hp ≈ 10 + cp / 5 + noise (correlated with
    /// cp but carrying no extra signal) and ε ~ N(0, 15²). A linear model on cp and hp alone cannot see
    /// the species; one with the species one-hot (<see cref="TabularSchema"/>) fits each species' intercept.
    /// </summary>
    /// <example><code>var table = CsvTable.Parse(new StringReader(Datasets.PokemonCp(400, seed: 1)), "pokemon");</code></example>
    public static string PokemonCp(int n, ulong seed = 0)
    {
        CheckCount(n, nameof(PokemonCp));
        var g = new Generator(seed);
        var csv = new StringBuilder("cp,species,hp,cp_after\n");
        for (int i = 0; i < n; i++)
        {
            var (name, slope, intercept) = PokemonSpecies[g.NextInt(PokemonSpecies.Length)];
            int cp = 10 + g.NextInt(490);
            int hp = Math.Max(10, (int)Math.Round(10 + cp / 5.0 + 5 * g.NextNormal()));
            double after = Math.Round(intercept + slope * cp + 15 * g.NextNormal(), 1);
            csv.Append(CultureInfo.InvariantCulture, $"{cp},{name},{hp},{after}\n");
        }
        return csv.ToString();
    }
}
