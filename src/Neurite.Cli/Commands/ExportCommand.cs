using System.CommandLine;
using System.Globalization;
using Neurite.Onnx;
using Neurite.Serialization;

namespace Neurite.Cli.Commands;

/// <summary>`neurite export -m MODEL --onnx FILE`: a saved model as an ONNX file (opset 17, symbolic batch dimension).</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved model (the file train --output wrote)", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "Where to write the ONNX file", Required = true };
        var shape = new Option<string?>("--input-shape") { Description = "One sample's shape without the batch dimension, e.g. 1,28,28 (default: the shape saved with the model)" };
        var command = new Command("export", "Export a saved model to ONNX (opset 17) for ONNX Runtime and other engines") { model, onnx, shape };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(onnx)!, r.GetValue(shape), Console.Out));
        return command;
    }

    /// <summary>Writes the ONNX file; returns the exit code (0). Bad options throw <see cref="UsageException"/>.</summary>
    public static int Run(string modelPath, string onnxPath, string? inputShape, TextWriter output)
    {
        OutputPath.Check("--onnx", onnxPath, createDirs: null);
        int[]? sample = inputShape is null ? null : ParseShape(inputShape);
        var loaded = ModelFile.Read(modelPath);
        sample ??= loaded.Info.InputShape ?? throw new UsageException($"--input-shape: {modelPath} does not record its input shape; give it, e.g. --input-shape 784 or 1,28,28");
        try { loaded.Model.ExportOnnx(onnxPath, sample); }
        catch (OnnxExportException e) { throw new UsageException(e.Message); }
        catch (ArgumentException e) { throw new UsageException($"--input-shape: {e.Message}"); }
        output.WriteLine($"exported: {onnxPath} (ONNX opset {OnnxExport.Opset}, input [batch, {string.Join(", ", sample)}], {new FileInfo(onnxPath).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
        return 0;
    }

    static int[] ParseShape(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] <= 0)
                throw new UsageException($"--input-shape: expected positive integers separated by commas (e.g. 1,28,28), got '{text}'");
        return dims;
    }
}
