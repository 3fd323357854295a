namespace Neurite.Data.Vision;

/// <summary>Options of <see cref="RandomCrop"/>: pad each side with <paramref name="Padding"/> zeros, then crop a random <paramref name="Size"/>×<paramref name="Size"/> window (CIFAR training: Size 32, Padding 4).</summary>
/// <param name="Size">Side of the square crop, ≥ 1.</param>
/// <param name="Padding">Zeros added on each side before cropping, ≥ 0 (default 0).</param>
public sealed record RandomCropOptions(int Size, int Padding = 0)
{
    internal void Validate()
    {
        Options.Require(Size >= 1, "RandomCrop", nameof(Size), Size, "must be at least 1");
        Options.Require(Padding >= 0, "RandomCrop", nameof(Padding), Padding, "must be 0 or more");
    }
}

/// <summary>Options of <see cref="RandomAffine"/>: a rotation by θ ~ U(−Degrees, Degrees) and a shift by
/// round(U(−Translate·W, Translate·W)) × round(U(−Translate·H, Translate·H)) pixels.</summary>
/// <param name="Degrees">Largest rotation either way, in [0, 180] (default 0: none).</param>
/// <param name="Translate">Largest shift as a fraction of the image size, in [0, 1] (default 0: none).</param>
public sealed record RandomAffineOptions(double Degrees = 0, double Translate = 0)
{
    internal void Validate()
    {
        Options.Require(Degrees >= 0 && Degrees <= 180, "RandomAffine", nameof(Degrees), Degrees, "must be in [0, 180]");
        Options.Require(Translate >= 0 && Translate <= 1, "RandomAffine", nameof(Translate), Translate, "must be in [0, 1]");
    }
}

/// <summary>
/// Options of <see cref="RandomErasing"/> (Zhong et al. 2017, "Random Erasing Data Augmentation"): with
/// probability <paramref name="Probability"/> a rectangle covering a fraction U(MinArea, MaxArea) of the
/// image, with aspect ratio (height/width) log-uniform in [MinAspect, MaxAspect], is filled with <paramref name="Value"/>.
/// Defaults are the paper's: p = 0.5, s_l = 0.02, s_h = 0.4, r_1 = 0.3, r_2 = 1/0.3.
/// </summary>
/// <param name="Probability">Chance that a sample is erased, in [0, 1].</param>
/// <param name="MinArea">Smallest erased fraction of the image area, in (0, 1].</param>
/// <param name="MaxArea">Largest erased fraction, in [MinArea, 1].</param>
/// <param name="MinAspect">Smallest height/width ratio, &gt; 0.</param>
/// <param name="MaxAspect">Largest height/width ratio, ≥ MinAspect.</param>
/// <param name="Value">The fill value (0 by default; after <see cref="Normalize"/> 0 is the mean colour).</param>
public sealed record RandomErasingOptions(
    double Probability = 0.5, double MinArea = 0.02, double MaxArea = 0.4,
    double MinAspect = 0.3, double MaxAspect = 1 / 0.3, float Value = 0)
{
    internal void Validate()
    {
        const string op = "RandomErasing";
        Options.Require(Probability >= 0 && Probability <= 1, op, nameof(Probability), Probability, "must be in [0, 1]");
        Options.Require(MinArea > 0 && MinArea <= 1, op, nameof(MinArea), MinArea, "must be in (0, 1]");
        Options.Require(MaxArea >= MinArea && MaxArea <= 1, op, nameof(MaxArea), MaxArea, $"must be in [MinArea = {MinArea}, 1]");
        Options.Require(MinAspect > 0 && double.IsFinite(MinAspect), op, nameof(MinAspect), MinAspect, "must be a positive number");
        Options.Require(MaxAspect >= MinAspect && double.IsFinite(MaxAspect), op, nameof(MaxAspect), MaxAspect, $"must be finite and ≥ MinAspect = {MinAspect}");
        Options.Require(float.IsFinite(Value), op, nameof(Value), Value, "must be finite");
    }
}

/// <summary>
/// Options of <see cref="ColorJitter"/>: each sample's pixels are multiplied by a brightness factor
/// b ~ U(1 − Brightness, 1 + Brightness), then pulled toward or pushed from the sample's mean m by a contrast
/// factor k ~ U(1 − Contrast, 1 + Contrast): x ← (b·x − m)·k + m, where m is the mean of b·x.
/// </summary>
/// <param name="Brightness">Largest relative brightness change, in [0, 1] (default 0: none).</param>
/// <param name="Contrast">Largest relative contrast change, in [0, 1] (default 0: none).</param>
/// <param name="Clamp">Clip results to [0, 1], for images in that range (default true).</param>
public sealed record ColorJitterOptions(double Brightness = 0, double Contrast = 0, bool Clamp = true)
{
    internal void Validate()
    {
        Options.Require(Brightness >= 0 && Brightness <= 1, "ColorJitter", nameof(Brightness), Brightness, "must be in [0, 1]");
        Options.Require(Contrast >= 0 && Contrast <= 1, "ColorJitter", nameof(Contrast), Contrast, "must be in [0, 1]");
    }
}

internal static class Options
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the transform and the option unless <paramref name="ok"/>.</summary>
    public static void Require(bool ok, string op, string option, object value, string rule)
    {
        if (!ok) throw new ArgumentOutOfRangeException(option, value, $"{op}: option {option} {rule}, got {value}");
    }
}
