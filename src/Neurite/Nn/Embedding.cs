namespace Neurite.Nn;

/// <summary>
/// A lookup table of <c>numEmbeddings</c> vectors of size <c>embeddingDim</c>: int64 indices of any
/// shape [*] → [*, embeddingDim]. Weights start N(0, 1), as in PyTorch.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>The table [numEmbeddings, embeddingDim]: row i is the vector of index i (parameter "weight").</summary>
    public Tensor Weight { get; }
    /// <summary>The number of vectors (valid indices are 0 … NumEmbeddings − 1).</summary>
    public int NumEmbeddings { get; }
    /// <summary>The size of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>A table of N(0, 1) vectors (<c>torch.nn.Embedding(num_embeddings, embedding_dim)</c>).</summary>
    /// <param name="numEmbeddings">The number of vectors (e.g. the vocabulary size); positive.</param>
    /// <param name="embeddingDim">The size of each vector; positive.</param>
    /// <param name="generator">Random source of the initial weights; default <see cref="Generator.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1.</exception>
    public Embedding(int numEmbeddings, int embeddingDim, Generator? generator = null)
    {
        if (numEmbeddings <= 0) throw new ArgumentOutOfRangeException(nameof(numEmbeddings), numEmbeddings, "Embedding: numEmbeddings must be positive");
        if (embeddingDim <= 0) throw new ArgumentOutOfRangeException(nameof(embeddingDim), embeddingDim, "Embedding: embeddingDim must be positive");
        (NumEmbeddings, EmbeddingDim) = (numEmbeddings, embeddingDim);
        Weight = RegisterParameter("weight", Tensor.Randn([numEmbeddings, embeddingDim], generator));
    }

    /// <summary>Int64 indices [*] → their rows [*, EmbeddingDim]; the gradient adds into the rows used (repeats add up).</summary>
    /// <exception cref="ArgumentException">The indices are not int64.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index outside 0 … NumEmbeddings − 1.</exception>
    public override Tensor Forward(Tensor indices)
    {
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"{Describe()} expects int64 indices, got {indices.DType.Name()} [{string.Join(", ", indices.Shape.ToArray())}]");
        var flat = indices.Rank == 1 ? indices : indices.Reshape(-1);
        var rows = Weight.IndexSelect(0, flat);
        return rows.Reshape([.. indices.Shape, EmbeddingDim]);
    }

    /// <summary><c>Embedding(num, dim)</c>.</summary>
    public override string Describe() => $"Embedding({NumEmbeddings}, {EmbeddingDim})";
}
