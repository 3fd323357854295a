namespace Neurite.Data.Text;

/// <summary>
/// One truncated-BPTT batch of a language model: <see cref="Inputs"/> and <see cref="Targets"/> are
/// int64 token ids [B, T], with <c>Targets[b, t]</c> the token that follows <c>Inputs[b, t]</c> in stream b.
/// </summary>
/// <param name="Inputs">Token ids [B, T]: row b is positions i·T … i·T + T − 1 of stream b.</param>
/// <param name="Targets">The next tokens [B, T]: the same positions plus one.</param>
/// <param name="Index">The batch's index i in its <see cref="LanguageModelBatches"/>.</param>
public sealed record LanguageModelBatch(Tensor Inputs, Tensor Targets, int Index)
{
    /// <summary>The number of time steps T of this batch (the last batch may be shorter than the others).</summary>
    public int Steps => Inputs.Size(1);
}
