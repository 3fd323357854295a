namespace Neurite.Nn;

/// <summary>
/// A weight initialiser: fills a tensor in place (no grad) from a seeded generator. Fan-in and fan-out
/// follow PyTorch: for a [out, in, k…] weight, fan_in = in·∏k and fan_out = out·∏k.
/// </summary>
public abstract record Init
{
    /// <summary>Fills <paramref name="tensor"/>'s values.</summary>
    public abstract void Fill(Tensor tensor, Generator generator);

    /// <summary>All zeros. For weights it fails: every hidden unit computes the same function and gets the same
    /// gradient, so they stay identical (the symmetry problem of seed 003).</summary>
    public static readonly Init Zeros = new ConstantInit(0);

    /// <summary>Small Gaussian N(0, σ²), σ = 0.01 by default: the "small random numbers" of seed 003.</summary>
    public static Init SmallNormal(double std = 0.01) => new NormalInit(0, std);

    /// <summary>Glorot/Xavier uniform: U(−a, a), a = gain·√(6/(fan_in + fan_out)); for tanh and sigmoid.</summary>
    public static Init XavierUniform(double gain = 1) => new XavierInit(gain, Uniform: true);

    /// <summary>Glorot/Xavier normal: N(0, gain²·2/(fan_in + fan_out)).</summary>
    public static Init XavierNormal(double gain = 1) => new XavierInit(gain, Uniform: false);

    /// <summary>He/Kaiming uniform for ReLU: U(−b, b), b = √(6/fan_in) (gain √2).</summary>
    public static Init HeUniform() => new HeInit(Uniform: true);

    /// <summary>He/Kaiming normal for ReLU: N(0, 2/fan_in).</summary>
    public static Init HeNormal() => new HeInit(Uniform: false);

    /// <summary>A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one, times gain.</summary>
    public static Init Orthogonal(double gain = 1) => new OrthogonalInit(gain);

    /// <summary>PyTorch's default for Linear and Conv weights: U(−1/√fan_in, 1/√fan_in).</summary>
    public static readonly Init LeCunUniform = new FanInUniformInit();

    /// <summary>Every element set to <paramref name="value"/> (<c>torch.nn.init.constant_</c>).</summary>
    public static Init Constant(double value) => new ConstantInit(value);

    internal static (int fanIn, int fanOut) Fans(Tensor t)
    {
        if (t.Rank < 2) return (t.NumEl, t.NumEl);
        int receptive = 1;
        for (int i = 2; i < t.Rank; i++) receptive *= t.Shape[i];
        return (t.Shape[1] * receptive, t.Shape[0] * receptive);
    }

    /// <summary>Writes <paramref name="values"/> into the tensor without recording.</summary>
    internal static void Write(Tensor tensor, Tensor values)
    {
        using (Autograd.NoGrad()) tensor.CopyFrom(values);
    }
}

sealed record ConstantInit(double Value) : Init
{
    public override void Fill(Tensor tensor, Generator generator) => Write(tensor, Tensor.Full(tensor.Shape.ToArray(), Value, tensor.DType));
}

sealed record NormalInit(double Mean, double Std) : Init
{
    public override void Fill(Tensor tensor, Generator generator) => Write(tensor, Tensor.Normal(tensor.Shape.ToArray(), Mean, Std, generator, tensor.DType));
}

sealed record XavierInit(double Gain, bool Uniform) : Init
{
    public override void Fill(Tensor tensor, Generator generator)
    {
        var (fanIn, fanOut) = Fans(tensor);
        double std = Gain * Math.Sqrt(2.0 / Math.Max(1, fanIn + fanOut));
        var shape = tensor.Shape.ToArray();
        Write(tensor, Uniform
            ? Tensor.Uniform(shape, -std * Math.Sqrt(3), std * Math.Sqrt(3), generator, tensor.DType)
            : Tensor.Normal(shape, 0, std, generator, tensor.DType));
    }
}

sealed record HeInit(bool Uniform) : Init
{
    public override void Fill(Tensor tensor, Generator generator)
    {
        var (fanIn, _) = Fans(tensor);
        double std = Math.Sqrt(2.0 / Math.Max(1, fanIn));
        var shape = tensor.Shape.ToArray();
        Write(tensor, Uniform
            ? Tensor.Uniform(shape, -std * Math.Sqrt(3), std * Math.Sqrt(3), generator, tensor.DType)
            : Tensor.Normal(shape, 0, std, generator, tensor.DType));
    }
}

sealed record FanInUniformInit : Init
{
    public override void Fill(Tensor tensor, Generator generator)
    {
        var (fanIn, _) = Fans(tensor);
        double bound = 1 / Math.Sqrt(Math.Max(1, fanIn));
        Write(tensor, Tensor.Uniform(tensor.Shape.ToArray(), -bound, bound, generator, tensor.DType));
    }
}

sealed record OrthogonalInit(double Gain) : Init
{
    public override void Fill(Tensor tensor, Generator generator)
    {
        if (tensor.Rank < 2) throw new ArgumentException($"orthogonal init: needs a tensor of rank ≥ 2, got rank {tensor.Rank}");
        int rows = tensor.Shape[0], cols = tensor.NumEl / rows;
        // Gram–Schmidt on the rows (or columns) of a Gaussian matrix: the same distribution as QR with
        // the sign correction (Saxe et al. 2013), in a few lines.
        bool transpose = rows < cols;
        int n = transpose ? rows : cols, len = transpose ? cols : rows;
        var q = new double[n, len];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < len; j++) q[i, j] = generator.NextNormal();
            for (int k = 0; k < i; k++)
            {
                double dot = 0;
                for (int j = 0; j < len; j++) dot += q[i, j] * q[k, j];
                for (int j = 0; j < len; j++) q[i, j] -= dot * q[k, j];
            }
            double norm = 0;
            for (int j = 0; j < len; j++) norm += q[i, j] * q[i, j];
            norm = Math.Sqrt(norm);
            for (int j = 0; j < len; j++) q[i, j] /= norm;
        }
        var values = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                values[r * cols + c] = Gain * (transpose ? q[r, c] : q[c, r]);
        Write(tensor, Tensor.FromArray(values, tensor.Shape.ToArray()).To(tensor.DType));
    }
}
