using System.Globalization;
using System.IO.Compression;

namespace Neurite.Data;

/// <summary>
/// Small data sets shipped inside the library (Iris, 8×8 digits) and seeded generators of toy
/// problems (XOR, spirals, moons, circles, blobs, a noisy curve). Nothing is downloaded.
/// </summary>
/// <remarks>Sources, licences and file formats of the shipped files: <c>src/Neurite/Resources/README.md</c>.</remarks>
public static partial class Datasets
{
    /// <summary>
    /// Fisher's Iris data (1936): 150 flowers, 4 features in cm (sepal length, sepal width, petal length,
    /// petal width) as float32 [150, 4]; int64 labels [150], 50 per class; class names
    /// setosa, versicolor, virginica. Rows in the original order.
    /// </summary>
    /// <example><code>var iris = Datasets.Iris();   // iris.Features [150, 4], iris.Labels [150], iris.ClassNames</code></example>
    public static TensorDataset Iris()
    {
        const string name = "iris.csv";
        using var reader = new StreamReader(Resource(name));
        // Header: sample count, feature count, then the class names in label order.
        var head = (reader.ReadLine() ?? "").Split(',');
        if (head.Length < 3 || !int.TryParse(head[0], out int n) || !int.TryParse(head[1], out int d))
            throw new DataFormatException(name, 1, "expected a header 'samples,features,class names...'");
        var classNames = head[2..];
        var (x, y) = ReadRows(reader, name, n, d, firstLine: 2);
        return new TensorDataset(Tensor.FromArray(x, n, d), Tensor.FromArray(y, n), classNames);
    }

    /// <summary>
    /// The UCI optical recognition of handwritten digits test set (Alpaydin &amp; Kaynak, 1998), as in
    /// scikit-learn's <c>load_digits</c>: 1,797 images of 8×8 pixels with values 0…16, features float32
    /// [1797, 64] (row-major pixels), int64 labels 0–9 [1797].
    /// </summary>
    /// <param name="images">Return features as [1797, 1, 8, 8] images (N, channels, height, width) instead of [1797, 64].</param>
    /// <param name="scale">Multiply pixel values by this, e.g. 1/16 for [0, 1] (default 1: raw 0…16).</param>
    public static TensorDataset Digits(bool images = false, double scale = 1)
    {
        const string name = "digits.csv.gz";
        const int count = 1797;
        using var reader = new StreamReader(new GZipStream(Resource(name), CompressionMode.Decompress));
        var (x, y) = ReadRows(reader, name, count, 64, firstLine: 1);
        if (scale != 1) for (int i = 0; i < x.Length; i++) x[i] = (float)(x[i] * scale);
        var data = new TensorDataset(Tensor.FromArray(x, y.Length, 64), Tensor.FromArray(y, y.Length),
            ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        return images ? data.ReshapeFeatures(1, 8, 8) : data;
    }

    static Stream Resource(string file) =>
        typeof(Datasets).Assembly.GetManifestResourceStream("Neurite.Resources." + file)
        ?? throw new InvalidOperationException($"Neurite: the embedded resource {file} is missing from the assembly (a build problem)");

    /// <summary>Exactly <paramref name="n"/> lines of <paramref name="d"/> numbers and an integer label.</summary>
    static (float[] x, long[] y) ReadRows(TextReader reader, string name, int n, int d, int firstLine)
    {
        var x = new float[n * d];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int line = firstLine + i;
            var cells = (reader.ReadLine() ?? throw new DataFormatException(name, line, $"expected {n} data rows, the file ends after {i}")).Split(',');
            if (cells.Length != d + 1) throw new DataFormatException(name, line, $"expected {d + 1} cells, got {cells.Length}");
            for (int j = 0; j < d; j++)
                if (!float.TryParse(cells[j], NumberStyles.Float, CultureInfo.InvariantCulture, out x[i * d + j]))
                    throw new DataFormatException(name, line, $"cell {j + 1} is not a number: '{cells[j]}'");
            if (!long.TryParse(cells[d], NumberStyles.Integer, CultureInfo.InvariantCulture, out y[i]))
                throw new DataFormatException(name, line, $"label is not an integer: '{cells[d]}'");
        }
        return (x, y);
    }
}
