using System.Globalization;
using Neurite.Training;

namespace Neurite.Cli;

/// <summary>`train --diagnose`: writes each diagnostics snapshot as a table with its warnings, headed by the step it
/// was taken at, through <paramref name="write"/> (the plain output, or the live display's console).</summary>
public sealed class DiagnosticsPrinter(Action<string> write) : Callback
{
    public override void OnDiagnostics(Trainer trainer, DiagnosticsSnapshot snapshot) =>
        write(string.Create(CultureInfo.InvariantCulture, $"diagnostics: epoch {snapshot.Epoch}, batch {snapshot.Batch} (step {snapshot.Step})\n") + snapshot.ToTable());
}
