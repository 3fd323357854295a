using Neurite.Data.Vision;
using Neurite.Nn;

namespace Neurite.Training;

/// <summary>
/// Options of <see cref="TestTimeAugmentation"/>.
/// </summary>
/// <param name="HorizontalFlip">Also predict on the mirror image of every view (default true).</param>
/// <param name="CropPadding">With p &gt; 0, add four corner crops of the image zero-padded by p (each shifted
/// by p pixels diagonally) to the centre crop, which is the image itself; 0 (default) for the centre only.</param>
public sealed record TtaOptions(bool HorizontalFlip = true, int CropPadding = 0)
{
    internal void Validate()
    {
        if (CropPadding < 0)
            throw new ArgumentOutOfRangeException(nameof(CropPadding), CropPadding, $"TestTimeAugmentation: option CropPadding must be 0 or more, got {CropPadding}");
    }
}

/// <summary>
/// Test-time augmentation: average a model's class probabilities over several views of each test image,
/// p(y | x) = (1/V) Σᵥ softmax(f(tᵥ(x))), the multi-crop testing of seed 003 (AlexNet's "10-crop": four
/// corners and the centre, each also mirrored), adapted to small images as pad-and-crop shifts.
/// </summary>
/// <remarks>
/// Views, in order: for each crop — centre (the identity), then with <see cref="TtaOptions.CropPadding"/> p &gt; 0
/// the windows of the padded image at (0, 0), (0, 2p), (2p, 0), (2p, 2p) — the crop itself and, with
/// <see cref="TtaOptions.HorizontalFlip"/>, its mirror. So the defaults give 2 views and
/// <c>new TtaOptions(CropPadding: 4)</c> gives 10. Use only views the model was trained to be invariant to.
/// <code>
/// var probabilities = TestTimeAugmentation.Predict(model, xTest, new TtaOptions(CropPadding: 2));
/// double accuracy = probabilities.ArgMax(1) …
/// </code>
/// </remarks>
public static class TestTimeAugmentation
{
    /// <summary>The augmented copies of <paramref name="images"/> [N, C, H, W] that <see cref="Predict"/> averages over, in order.</summary>
    public static IReadOnlyList<Tensor> Views(Tensor images, TtaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        options ??= new TtaOptions();
        options.Validate();
        int p = options.CropPadding;
        var crops = new List<Tensor> { images.Detach() };
        if (p > 0)
            foreach (var (top, left) in new[] { (0, 0), (0, 2 * p), (2 * p, 0), (2 * p, 2 * p) })
                crops.Add(Images.PadCrop(images, p, top, left));
        var views = new List<Tensor>();
        foreach (var crop in crops)
        {
            views.Add(crop);
            if (options.HorizontalFlip) views.Add(Images.FlipHorizontal(crop));
        }
        return views;
    }

    /// <summary>
    /// The mean softmax probabilities [N, classes] of <paramref name="model"/> over the <see cref="Views"/> of
    /// <paramref name="images"/>, in eval mode without recording a graph (the model's modes are restored).
    /// </summary>
    public static Tensor Predict(Module model, Tensor images, TtaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var views = Views(images, options);
        return EvalMode.Run(model, () =>
        {
            Tensor? sum = null;
            foreach (var view in views)
            {
                var p = model.Invoke(view).Softmax(-1);
                sum = sum is null ? p : sum.Add(p);
            }
            return sum!.Div(views.Count);
        });
    }
}
