namespace Neurite.Onnx;

// Shapes, indexing and constants. Shape tensors are int64 Neurite tensors, as in ONNX.
internal static partial class OnnxOperators
{
    static Tensor Flatten(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        long a = n.Int("axis", 1);
        int axis = a == x.Rank ? x.Rank : n.Axis(a, x.Rank);
        int rows = 1;
        for (int i = 0; i < axis; i++) rows *= x.Shape[i];
        return x.Reshape(rows, rows == 0 ? 0 : x.NumEl / rows);
    }

    /// <summary>Reshape to a shape read from the second input: 0 copies the input's dimension (unless allowzero), −1 is inferred.</summary>
    static Tensor Reshape(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        var target = n.ToInts(n.Longs(n.In(inputs, 1), "shape"), "shape");
        bool allowZero = n.Int("allowzero", 0) != 0;
        for (int i = 0; i < target.Length; i++)
            if (target[i] == 0 && !allowZero)
            {
                if (i >= x.Rank) throw n.Bad($"shape [{string.Join(", ", target)}] copies dimension {i} of an input of rank {x.Rank}");
                target[i] = x.Shape[i];
            }
        return x.Reshape(target);
    }

    static Tensor Transpose(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        var perm = n.SmallInts("perm") ?? Enumerable.Range(0, x.Rank).Reverse().ToArray();
        if (perm.Length != x.Rank || perm.Order().Where((p, i) => p != i).Any())
            throw n.Bad($"perm [{string.Join(", ", perm)}] is not a permutation of the {x.Rank} dimensions");
        return x.Permute(perm);
    }

    static Tensor Concat(OnnxNode n, Tensor?[] inputs)
    {
        var xs = inputs.Select((t, i) => t ?? throw n.Bad($"input {i} is empty")).ToArray();
        return Tensor.Concat(xs, n.Axis(n.Int("axis", 0), xs[0].Rank));
    }

    /// <summary>out = data indexed along <c>axis</c> by indices of any rank: shape data[:axis] + indices + data[axis+1:].</summary>
    static Tensor Gather(OnnxNode n, Tensor?[] inputs)
    {
        Tensor data = n.In(inputs, 0), indices = n.In(inputs, 1);
        if (indices.DType != DType.Int64) throw n.Bad($"indices must be integers, got {indices.DType.Name()}");
        if (data.Rank == 0) throw n.Bad("data must have at least one dimension");
        int axis = n.Axis(n.Int("axis", 0), data.Rank), size = data.Shape[axis];
        var idx = indices.ToLongArray();
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] < -size || idx[i] >= size) throw new ArgumentOutOfRangeException(nameof(inputs), $"index {idx[i]} is out of range for axis {axis} of size {size}");
            if (idx[i] < 0) idx[i] += size;
        }
        // int64 data (a shape being taken apart) goes through float64, exact for any size a shape can have
        var src = data.DType == DType.Int64 ? data.To(DType.Float64) : data;
        var picked = src.IndexSelect(axis, Tensor.FromArray(idx, idx.Length));
        int[] shape = [.. data.Shape[..axis], .. indices.Shape, .. data.Shape[(axis + 1)..]];
        var y = picked.Reshape(shape);
        return data.DType == DType.Int64 ? y.To(DType.Int64) : y;
    }

    /// <summary>data[starts:ends:steps] on the given axes; out-of-range bounds clamp as in numpy. Positive steps only.</summary>
    static Tensor Slice(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        long[] starts = n.Longs(n.In(inputs, 1), "starts"), ends = n.Longs(n.In(inputs, 2), "ends");
        long[] axes = OnnxNode.Optional(inputs, 3) is { } a ? n.Longs(a, "axes") : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        long[] steps = OnnxNode.Optional(inputs, 4) is { } s ? n.Longs(s, "steps") : Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw n.Bad($"starts, ends, axes and steps have lengths {starts.Length}, {ends.Length}, {axes.Length}, {steps.Length}");
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = n.Axis(axes[i], x.Rank, "axes");
            long dim = x.Shape[axis];
            if (steps[i] <= 0) throw n.Bad($"step {steps[i]} is not supported (positive steps only)");
            long begin = Math.Clamp(starts[i] < 0 ? starts[i] + dim : starts[i], 0, dim);
            long end = Math.Clamp(ends[i] < 0 ? ends[i] + dim : ends[i], begin, dim);
            x = x.Slice(axis, (int)begin, (int)end, (int)Math.Min(steps[i], int.MaxValue));
        }
        return x;
    }

    /// <summary>The input's shape as int64 [rank] (from opset 15 the dimensions start…end).</summary>
    static Tensor Shape(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        int r = x.Rank;
        long start = n.Int("start", 0), end = n.Int("end", r);
        int b = (int)Math.Clamp(start < 0 ? start + r : start, 0, r), e = (int)Math.Clamp(end < 0 ? end + r : end, b, r);
        var dims = new long[e - b];
        for (int i = 0; i < dims.Length; i++) dims[i] = x.Shape[b + i];
        return Tensor.FromArray(dims, dims.Length);
    }

    /// <summary>Axes from the attribute (before opset 13) or the second input (from 13).</summary>
    static long[]? AxesOf(OnnxNode n, Tensor?[] inputs)
    {
        if (n.Opset >= 13)
        {
            if (n.Has("axes")) throw n.Bad("axes are an input from opset 13, not an attribute");
            return OnnxNode.Optional(inputs, 1) is { } a ? n.Longs(a, "axes") : null;
        }
        if (inputs.Length > 1) throw n.Bad("axes are an attribute before opset 13, not an input");
        return n.Ints("axes");
    }

    static Tensor Unsqueeze(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        var axes = AxesOf(n, inputs) ?? throw n.Bad("axes are required");
        int rank = x.Rank + axes.Length;
        var dims = axes.Select(a => n.Axis(a, rank, "axes")).Order().ToArray();
        if (dims.Distinct().Count() != dims.Length) throw n.Bad($"axes [{string.Join(", ", axes)}] repeat an axis");
        foreach (int d in dims) x = x.Unsqueeze(d);
        return x;
    }

    static Tensor Squeeze(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        if (AxesOf(n, inputs) is not { } axes) return x.Squeeze();
        var dims = axes.Select(a => n.Axis(a, x.Rank, "axes")).Distinct().OrderDescending().ToArray();
        foreach (int d in dims)
        {
            if (x.Shape[d] != 1) throw new ArgumentException($"cannot squeeze axis {d} of size {x.Shape[d]} (shape {Neurite.Shape.Format(x.Shape)})");
            x = x.Squeeze(d);
        }
        return x;
    }

    /// <summary>A tensor of the shape given by the int64 input, filled with the one-element <c>value</c> (default float 0).</summary>
    static Tensor ConstantOfShape(OnnxNode n, Tensor?[] inputs)
    {
        var shape = n.ToInts(n.Longs(n.In(inputs, 0), "shape"), "shape");
        if (shape.Any(d => d < 0)) throw n.Bad($"shape [{string.Join(", ", shape)}] has a negative dimension");
        var value = n.TensorAttr("value") is { } v ? OnnxTensors.ToTensor(v, $"{n.Where}: attribute 'value'") : Tensor.Scalar(0);
        if (value.NumEl != 1) throw n.Bad($"attribute 'value' must hold one element, got {value.NumEl}");
        return Tensor.Full(shape, value.Item(), value.DType);
    }

    static Tensor Constant(OnnxNode n, Tensor?[] inputs)
    {
        if (n.Proto.Attribute.Count != 1) throw n.Bad($"must have exactly one value attribute, has {n.Proto.Attribute.Count}");
        switch (n.Proto.Attribute[0].Name)
        {
            case "value":
                return n.TensorAttr("value") is { } t ? OnnxTensors.ToTensor(t, $"{n.Where}: attribute 'value'") : throw n.Bad("attribute 'value' holds no tensor");
            case "value_float": return Tensor.Scalar(n.Float("value_float", 0));
            case "value_int": return Tensor.Scalar(n.Int("value_int", 0), DType.Int64);
            case "value_floats": { var v = n.Floats("value_floats") ?? []; return Tensor.FromArray(v, v.Length); }
            default: { var v = n.Ints("value_ints") ?? []; return Tensor.FromArray(v, v.Length); }
        }
    }

    /// <summary>Broadcasts the input against the int64 shape both ways (numpy rules): a view, no copy.</summary>
    static Tensor Expand(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        var shape = n.ToInts(n.Longs(n.In(inputs, 1), "shape"), "shape");
        if (shape.Any(d => d < 0)) throw n.Bad($"shape [{string.Join(", ", shape)}] has a negative dimension");
        return x.Expand(Neurite.Shape.Broadcast("expand", [.. x.Shape], shape));
    }

    /// <summary>Pieces along <c>axis</c> (views): sizes from the split input (opset ≥ 13) or attribute (before 13), else
    /// equal pieces, one per output (from opset 18 num_outputs, the last piece smaller if it must be).</summary>
    static Tensor?[] Split(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        int axis = n.Axis(n.Int("axis", 0), x.Rank), size = x.Shape[axis], count = n.Proto.Output.Count;
        long[]? sizes = n.Opset >= 13 ? (OnnxNode.Optional(inputs, 1) is { } s ? n.Longs(s, "split") : null) : n.Ints("split");
        if (sizes is null)
        {
            int piece = (size + count - 1) / count;
            if (n.Opset < 18 && size % count != 0) throw new ArgumentException($"axis {axis} of size {size} does not split into {count} equal pieces");
            sizes = Enumerable.Range(0, count).Select(i => (long)Math.Max(0, Math.Min(piece, size - i * piece))).ToArray();
        }
        if (sizes.Length != count || sizes.Any(v => v < 0) || sizes.Sum() != size)
            throw new ArgumentException($"split [{string.Join(", ", sizes)}] does not cut axis {axis} of size {size} into {count} pieces");
        var result = new Tensor?[count];
        for (int i = 0, at = 0; i < count; at += (int)sizes[i], i++) result[i] = x.Narrow(axis, at, (int)sizes[i]);
        return result;
    }
}
