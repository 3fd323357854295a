namespace Neurite.Nn;

/// <summary>
/// A lookup table of <c>numEmbeddings</c> vectors of size <c>embeddingDim</c>: int64 indices of any
/// shape [*] → [*, embeddingDim]. Weights start N(0, 1), as in PyTorch.
/// </summary>
public sealed class Embedding : Module
{
    public Tensor Weight { get; }
    public int NumEmbeddings { get; }
    public int EmbeddingDim { get; }

    public Embedding(int numEmbeddings, int embeddingDim, Generator? generator = null)
    {
        if (numEmbeddings <= 0) throw new ArgumentOutOfRangeException(nameof(numEmbeddings), numEmbeddings, "Embedding: numEmbeddings must be positive");
        if (embeddingDim <= 0) throw new ArgumentOutOfRangeException(nameof(embeddingDim), embeddingDim, "Embedding: embeddingDim must be positive");
        (NumEmbeddings, EmbeddingDim) = (numEmbeddings, embeddingDim);
        Weight = RegisterParameter("weight", Tensor.Randn([numEmbeddings, embeddingDim], generator));
    }

    public override Tensor Forward(Tensor indices)
    {
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"{Describe()} expects int64 indices, got {indices.DType.Name()} [{string.Join(", ", indices.Shape.ToArray())}]");
        var flat = indices.Rank == 1 ? indices : indices.Reshape(-1);
        var rows = Weight.IndexSelect(0, flat);
        return rows.Reshape([.. indices.Shape, EmbeddingDim]);
    }

    public override string Describe() => $"Embedding({NumEmbeddings}, {EmbeddingDim})";
}
