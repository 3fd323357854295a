namespace Neurite.Tests;

/// <summary>
/// Tests that depend on process-wide state — <see cref="Generator.Default"/> (seeded by the CLI and used by
/// dropout) — run alone, so no concurrently running test draws from the same generator.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "global state";
}
