using System.CommandLine;
using System.Globalization;
using Neurite.Onnx;
using Neurite.Serialization;

namespace Neurite.Cli.Commands;

/// <summary>`neurite export`: writes a saved model as an ONNX file (opset 17) for ONNX Runtime and other tools.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved Neurite model (the path given to train --output)", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "ONNX file to write (replaced atomically)", Required = true };
        var shape = new Option<string?>("--input-shape")
        {
            Description = "Shape of one sample without the batch, e.g. 1,28,28 or 64 (default: the one the model file records); the batch dimension is dynamic",
        };
        var command = new Command("export", "Write a saved model as ONNX (opset 17) with a dynamic batch dimension") { model, onnx, shape };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(onnx)!, r.GetValue(shape), Console.Out));
        return command;
    }

    /// <summary>Exports the model at <paramref name="modelPath"/> to <paramref name="onnxPath"/>; returns the exit code.</summary>
    public static int Run(string modelPath, string onnxPath, string? inputShape, TextWriter output)
    {
        int[]? given = inputShape is null ? null : ParseShape(inputShape);
        var loaded = ModelFile.Read(modelPath);
        int[] sample = given ?? loaded.Info.InputShape
            ?? throw new UsageException($"--input-shape: {loaded.Path} does not record the shape of its input; give it, e.g. --input-shape 1,28,28");
        OnnxExportReport report;
        try { report = loaded.Model.ExportOnnx(onnxPath, sample); }
        catch (ShapeException e) when (given is not null)
        {
            throw new UsageException($"--input-shape {inputShape} does not fit the model: {e.Message}");
        }
        catch (OnnxExportException e)
        {
            Console.Error.WriteLine($"neurite: {loaded.Path}: {e.Message}");
            return 1;
        }
        output.WriteLine($"wrote {report}");
        return 0;
    }

    static int[] ParseShape(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] <= 0)
                throw new UsageException($"--input-shape must be positive integers separated by commas (one sample, without the batch), e.g. 1,28,28; got '{text}'");
        if (dims.Length > 8) throw new UsageException($"--input-shape has {dims.Length} dimensions; at most 8");
        return dims;
    }
}
