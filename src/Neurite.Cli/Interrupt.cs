namespace Neurite.Cli;

/// <summary>
/// Ctrl-C asks a training loop to stop at the next batch (so it can write a checkpoint, restore the terminal and exit
/// with 130); a second Ctrl-C ends the process at once. <see cref="Token"/> is cancelled by either Ctrl-C or the
/// token given (tests).
/// </summary>
public sealed class Interrupt : IDisposable
{
    /// <summary>The exit code of an interrupted command, as a shell reports SIGINT.</summary>
    public const int ExitCode = 130;

    readonly CancellationTokenSource source;
    volatile bool requested;

    public Interrupt(CancellationToken token = default)
    {
        source = CancellationTokenSource.CreateLinkedTokenSource(token);
        Console.CancelKeyPress += OnCancel;
    }

    public bool Requested => requested || source.IsCancellationRequested;

    public CancellationToken Token => source.Token;

    void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (requested) return;  // second Ctrl-C: default handling, the process ends
        requested = true;
        e.Cancel = true;
        source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        source.Dispose();
    }
}
