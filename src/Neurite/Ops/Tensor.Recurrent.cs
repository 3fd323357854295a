using System.Numerics;
using System.Runtime.CompilerServices;
using Neurite.Kernels;

namespace Neurite;

/// <summary>The recurrence of a recurrent layer.</summary>
public enum RecurrentMode
{
    /// <summary>Elman RNN with tanh: h' = tanh(Wᵢₕx + bᵢₕ + Wₕₕh + bₕₕ).</summary>
    RnnTanh,
    /// <summary>Elman RNN with ReLU.</summary>
    RnnRelu,
    /// <summary>Long short-term memory, gates [i, f, g, o] as PyTorch.</summary>
    Lstm,
    /// <summary>Gated recurrent unit, gates [r, z, n] with the reset gate applied to Wₕₙh + bₕₙ, as PyTorch.</summary>
    Gru,
}

// NOTE: one direction of one recurrent layer over a whole sequence is one op (as cuDNN and oneDNN do it): the input
// projection of every step is one GEMM up front, each step is one recurrent GEMM plus one fused row kernel
// (Kernels/RecurrentCells.cs), and backward runs the time loop in reverse over the saved gates and states, then
// computes the weight gradients and the input gradient with one GEMM each over all steps. The graph holds one
// node per layer and direction instead of dozens per step.
public sealed partial class Tensor
{
    /// <summary>
    /// One direction of one recurrent layer: x [T, N, I] (time first) → [output [T, N, H], h_n [N, H]] and, for the
    /// LSTM, c_n [N, H]. <paramref name="lengths"/> (per batch row, 1 ≤ length ≤ T) make padded positions inert: the
    /// state is carried through them unchanged and their output is 0, so h_n is the state after each row's last real
    /// step (for <paramref name="reverse"/>, after position 0, the reverse pass starting at each row's last real step).
    /// </summary>
    internal static Tensor[] RecurrentLayer(RecurrentMode mode, Tensor x, Tensor wih, Tensor whh, Tensor? bih, Tensor? bhh,
        Tensor? h0, Tensor? c0, int[]? lengths, bool reverse)
    {
        const string op = "recurrent_layer";
        int gatesPerUnit = Gates(mode);
        if (x.Rank != 3) throw new ShapeException($"{op}: expects input [T, N, I], got {Neurite.Shape.Format(x.shape)}");
        int steps = x.shape[0], n = x.shape[1], inF = x.shape[2], hid = whh.shape.Length == 2 ? whh.shape[1] : -1;
        int gh = gatesPerUnit * hid;
        RequireSameDType(op, x, wih);
        RequireSameDType(op, x, whh);
        if (!Neurite.Shape.Equal(wih.shape, [gh, inF]) || !Neurite.Shape.Equal(whh.shape, [gh, hid]))
            throw new ShapeException($"{op}: weights {Neurite.Shape.Format(wih.shape)} and {Neurite.Shape.Format(whh.shape)} do not fit input {Neurite.Shape.Format(x.shape)} ({mode} expects [{gatesPerUnit}·H, {inF}] and [{gatesPerUnit}·H, H])");
        foreach (var (t, name, shape) in new[] { (bih, "bias_ih", new[] { gh }), (bhh, "bias_hh", new[] { gh }), (h0, "h0", new[] { n, hid }), (c0, "c0", new[] { n, hid }) })
        {
            if (t is null) continue;
            RequireSameDType(op, x, t);
            if (!Neurite.Shape.Equal(t.shape, shape))
                throw new ShapeException($"{op}: {name} must be {Neurite.Shape.Format(shape)}, got {Neurite.Shape.Format(t.shape)}");
        }
        if (c0 is not null && mode != RecurrentMode.Lstm) throw new ArgumentException($"{op}: only the LSTM has a cell state");
        if (lengths is not null)
        {
            if (lengths.Length != n) throw new ShapeException($"{op}: {lengths.Length} lengths for a batch of {n}");
            foreach (int len in lengths)
                if (len < 1 || len > steps) throw new ArgumentOutOfRangeException(nameof(lengths), len, $"{op}: every length must be in [1, {steps}] (the sequence length)");
        }

        var inputs = new List<Tensor>(7) { x, wih, whh };
        var slots = new InputSlots(Add(inputs, bih), Add(inputs, bhh), Add(inputs, h0), Add(inputs, c0));
        var saved = new RecurrentSaved(mode, reverse, lengths, slots)
        {
            X = x.Contiguous(),
            Gates = Uninitialized([steps, n, gh], x.DType),
            States = Uninitialized([steps + 2, n, hid], x.DType),
            Cells = mode == RecurrentMode.Lstm ? Uninitialized([steps + 2, n, hid], x.DType) : null,
            HiddenN = mode == RecurrentMode.Gru ? Uninitialized([steps, n, hid], x.DType) : null,
        };
        if (x.DType == DType.Float32) RecurrentForward<float>(saved, wih.Contiguous(), whh.Contiguous(), bih?.Contiguous(), bhh?.Contiguous(), h0?.Contiguous(), c0?.Contiguous());
        else RecurrentForward<double>(saved, wih.Contiguous(), whh.Contiguous(), bih?.Contiguous(), bhh?.Contiguous(), h0?.Contiguous(), c0?.Contiguous());

        // States holds, by time, the state after each step in slots 1…T, with the initial state in slot 0 (forward)
        // or T + 1 (reverse): the state before step t is slot t (forward) or t + 2 (reverse).
        var output = lengths is null ? saved.States.Narrow(0, 1, steps).Detach() : MaskedCopy(saved.States.Narrow(0, 1, steps), lengths);
        int last = reverse ? 1 : steps;
        var outputs = new List<Tensor>(3) { output, saved.States.Select(0, last).Detach() };
        if (saved.Cells is not null) outputs.Add(saved.Cells.Select(0, last).Clone()); // a copy: Cells is recycled
        var all = inputs.ToArray();
        var result = outputs.ToArray();
        if (Autograd.Tracks(all))
            Autograd.RecordMulti(result, mode switch
            {
                RecurrentMode.Lstm => "lstm",
                RecurrentMode.Gru => "gru",
                RecurrentMode.RnnRelu => "rnn_relu",
                _ => "rnn_tanh",
            }, all, static (node, st, grads) =>
            {
                if (st.X.DType == DType.Float32) RecurrentBackward<float>(node, st, grads);
                else RecurrentBackward<double>(node, st, grads);
            }, saved);
        else saved.ReleaseBuffers(); // inference: nothing will read the gates again
        return result;
    }

    static int Add(List<Tensor> inputs, Tensor? t)
    {
        if (t is null) return -1;
        inputs.Add(t);
        return inputs.Count - 1;
    }

    internal static int Gates(RecurrentMode mode) => mode switch { RecurrentMode.Lstm => 4, RecurrentMode.Gru => 3, _ => 1 };

    /// <summary>Where the optional inputs sit in the node's input list (−1: absent).</summary>
    readonly record struct InputSlots(int BiasIh, int BiasHh, int H0, int C0);

    /// <summary>What backward needs: the input, the activated gates and every state.</summary>
    sealed class RecurrentSaved(RecurrentMode mode, bool reverse, int[]? lengths, InputSlots slots) : IOwnsBuffers
    {
        public RecurrentMode Mode = mode;
        public bool Reverse = reverse;
        public int[]? Lengths = lengths;
        public InputSlots Slots = slots;
        public required Tensor X;            // [T, N, I]
        public required Tensor Gates;        // [T, N, G·H]: activated gates by time
        public required Tensor States;       // [T + 2, N, H]
        public Tensor? Cells;                // LSTM: [T + 2, N, H], laid out as States
        public Tensor? HiddenN;              // GRU: [T, N, H], Wₕₙh + bₕₙ of each step

        // Gates, Cells and HiddenN never leave the op (States does: the output and h_n are views of it).
        public void ReleaseBuffers()
        {
            StoragePool.Recycle(Gates.data);
            if (Cells is not null) StoragePool.Recycle(Cells.data);
            if (HiddenN is not null) StoragePool.Recycle(HiddenN.data);
        }
    }

    static Tensor MaskedCopy(Tensor byTime, int[] lengths)
    {
        var y = byTime.Contiguous().Clone();
        int steps = y.shape[0], n = y.shape[1], hid = y.shape[2];
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < n; b++)
                if (t >= lengths[b])
                {
                    if (y.DType == DType.Float32) y.Span<float>().Slice((t * n + b) * hid, hid).Clear();
                    else y.Span<double>().Slice((t * n + b) * hid, hid).Clear();
                }
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void RecurrentForward<T>(RecurrentSaved s, Tensor wih, Tensor whh, Tensor? bih, Tensor? bhh, Tensor? h0, Tensor? c0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var mode = s.Mode;
        int steps = s.X.shape[0], n = s.X.shape[1], inF = s.X.shape[2], hid = whh.shape[1], gh = whh.shape[0];
        var gates = s.Gates.Span<T>();
        var states = s.States.Span<T>();
        var cells = s.Cells is null ? default : s.Cells.Span<T>();
        int plane = n * hid, initial = s.Reverse ? steps + 1 : 0;
        if (h0 is null) states.Slice(initial * plane, plane).Clear(); else h0.Span<T>().CopyTo(states.Slice(initial * plane, plane));
        if (s.Cells is not null)
        {
            if (c0 is null) cells.Slice(initial * plane, plane).Clear(); else c0.Span<T>().CopyTo(cells.Slice(initial * plane, plane));
        }
        // The input projection of every step, with the biases that add to it: both for the LSTM and RNN; the GRU
        // keeps bₕₕ on the recurrent side, where its n part is scaled by the reset gate.
        bool gru = mode == RecurrentMode.Gru;
        var bx = new T[gh];
        if (bih is not null) bih.Span<T>().CopyTo(bx);
        if (bhh is not null && !gru) { var b = bhh.Span<T>(); for (int j = 0; j < gh; j++) bx[j] += b[j]; }
        bool biasInGemm = typeof(T) == typeof(float);
        if (!biasInGemm) for (int r = 0; r < steps * n; r++) bx.CopyTo(gates.Slice(r * gh, gh));
        var hp = gru ? new T[n * gh] : null;
        var bh = gru && bhh is not null ? bhh.Span<T>().ToArray() : null;
        fixed (T* pX = s.X.Span<T>(), pWih = wih.Span<T>(), pWhh = whh.Span<T>(), pG = gates, pS = states, pHp = hp, pBx = bx)
        {
            // float32: the biases are added to each GEMM tile while it is in cache (no separate pass over T·N·G·H)
            if (biasInGemm) Gemm.SgemmBiasRelu(false, true, steps * n, gh, inF, (float*)pX, inF, (float*)pWih, inF, (float*)pG, gh, (float*)pBx, relu: false);
            else Mm(false, true, steps * n, gh, inF, pX, inF, pWih, inF, T.One, pG, gh);
            using var packed = Pack(true, hid, gh, pWhh, hid); // op(B) = Wₕₕᵀ, packed once for all steps
            for (int step = 0; step < steps; step++)
            {
                int t = s.Reverse ? steps - 1 - step : step;
                int prev = s.Reverse ? t + 2 : t, next = t + 1;
                T* hPrev = pS + (long)prev * plane;
                if (gru)
                {
                    for (int b = 0; b < n; b++) { if (bh is null) hp.AsSpan(b * gh, gh).Clear(); else bh.CopyTo(hp.AsSpan(b * gh, gh)); }
                    StepMm(packed, true, n, gh, hid, hPrev, hid, pWhh, hid, pHp, gh);
                }
                else StepMm(packed, true, n, gh, hid, hPrev, hid, pWhh, hid, pG + (long)t * n * gh, gh);
                var rows = new StepRows<T>(s, hp, t, prev, next);
                if (SplitRows(n, gh)) Threads.For(2, rows, static (part, r) => ForwardRows(in r, part == 0 ? 0 : r.S.X.shape[1] / 2, part == 0 ? r.S.X.shape[1] / 2 : r.S.X.shape[1]));
                else ForwardRows(in rows, 0, n);
            }
        }
    }

    /// <summary>Rows worth splitting over two threads: the per-step kernels of a batch of 32 through 256 LSTM units
    /// take ~70 µs, far above a hand-off.</summary>
    static bool SplitRows(int n, int gh) => Threads.Count > 1 && n >= 8 && (long)n * gh >= 4096;

    /// <summary>One step's rows for a worker: the saved buffers, the GRU's recurrent projection, the step's slots.</summary>
    readonly struct StepRows<T>(RecurrentSaved s, T[]? hp, int t, int prev, int next) where T : unmanaged
    {
        public readonly RecurrentSaved S = s;
        public readonly T[]? Hp = hp;
        public readonly int Time = t, Prev = prev, Next = next;
    }

    /// <summary>The fused cell kernel on rows b0…b1 of one step; padded rows pass the state through.</summary>
    static void ForwardRows<T>(in StepRows<T> r, int b0, int b1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = r.S;
        int n = s.X.shape[1], gh = s.Gates.shape[2], hid = s.States.shape[2], plane = n * hid, t = r.Time, prev = r.Prev, next = r.Next;
        var gates = s.Gates.Span<T>();
        var states = s.States.Span<T>();
        var cells = s.Cells is null ? default : s.Cells.Span<T>();
        var hnAll = s.HiddenN is null ? default : s.HiddenN.Span<T>();
        bool relu = s.Mode == RecurrentMode.RnnRelu;
        for (int b = b0; b < b1; b++)
        {
            var row = gates.Slice((t * n + b) * gh, gh);
            var hNew = states.Slice(next * plane + b * hid, hid);
            var hOld = states.Slice(prev * plane + b * hid, hid);
            switch (s.Mode)
            {
                case RecurrentMode.Lstm:
                    RecurrentCells.LstmForward<T>(row, cells.Slice(prev * plane + b * hid, hid), cells.Slice(next * plane + b * hid, hid), hNew, hid);
                    break;
                case RecurrentMode.Gru:
                    RecurrentCells.GruForward<T>(row, r.Hp.AsSpan(b * gh, gh), hOld, hnAll.Slice(t * plane + b * hid, hid), hNew, hid);
                    break;
                default:
                    RecurrentCells.RnnForward<T>(row, hNew, relu);
                    break;
            }
            if (s.Lengths is { } lengths && t >= lengths[b])
            {
                // padding: the state passes through unchanged
                hOld.CopyTo(hNew);
                if (s.Cells is not null) cells.Slice(prev * plane + b * hid, hid).CopyTo(cells.Slice(next * plane + b * hid, hid));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void RecurrentBackward<T>(Node node, RecurrentSaved s, Tensor?[] grads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var mode = s.Mode;
        var x = s.X;
        var wih = node.Inputs![1].Contiguous();
        var whh = node.Inputs[2].Contiguous();
        int steps = x.shape[0], n = x.shape[1], inF = x.shape[2], hid = whh.shape[1], gh = whh.shape[0], plane = n * hid;
        bool gru = mode == RecurrentMode.Gru, lstm = mode == RecurrentMode.Lstm, relu = mode == RecurrentMode.RnnRelu;
        var gOut = grads[0]?.Contiguous();
        // ∂L/∂h and ∂L/∂c carried from step to step, starting from the final states' gradients
        var dh = new T[plane];
        var dc = lstm ? new T[plane] : null;
        if (grads[1] is { } ghn) ghn.Contiguous().Span<T>().CopyTo(dh);
        if (lstm && grads.Length > 2 && grads[2] is { } gcn) gcn.Contiguous().Span<T>().CopyTo(dc);
        var dx = Uninitialized([steps, n, gh], x.DType);     // ∂L/∂(input projection) by time
        var dhpT = gru ? Uninitialized([steps, n, gh], x.DType) : dx; // ∂L/∂(recurrent projection)
        var dhps = dhpT.Span<T>();
        T[][] scratch = [new T[hid], new T[hid]]; // one per worker
        var direct = new T[plane];   // the part of ∂L/∂h that does not go through Wₕₕ
        fixed (T* pWhh = whh.Span<T>(), pDhp = dhps, pDh = dh, pDirect = direct)
        {
            using var packed = Pack(false, gh, hid, pWhh, hid); // op(B) = Wₕₕ
            for (int step = steps - 1; step >= 0; step--)
            {
                int t = s.Reverse ? steps - 1 - step : step;
                int prev = s.Reverse ? t + 2 : t, next = t + 1;
                var rows = new BackRows<T>(s, dh, dc, dx, dhpT, direct, gOut, scratch, t, prev, next);
                if (SplitRows(n, gh)) Threads.For(2, rows, static (part, r) => BackwardRows(in r, part, part == 0 ? 0 : r.S.X.shape[1] / 2, part == 0 ? r.S.X.shape[1] / 2 : r.S.X.shape[1]));
                else BackwardRows(in rows, 0, 0, n);
                // ∂L/∂h_prev = direct part + ∂L/∂(recurrent projection)·Wₕₕ
                direct.CopyTo(dh, 0);
                StepMm(packed, false, n, hid, gh, pDhp + (long)t * n * gh, gh, pWhh, hid, pDh, hid);
            }
        }

        var inputs = node.Inputs;
        var (bihSlot, bhhSlot, h0Slot, c0Slot) = s.Slots;
        // weight and bias gradients: one GEMM over all steps each
        int initial = s.Reverse ? 2 : 0; // the state before step t: slot t (forward) or t + 2 (reverse)
        if (inputs[1].RequiresGrad)
            Node.Flow(inputs[1], MmNew<T>(true, false, gh, inF, steps * n, dx, gh, x, inF));
        if (inputs[2].RequiresGrad)
            Node.Flow(inputs[2], MmNew<T>(true, false, gh, hid, steps * n, dhpT, gh, s.States.Narrow(0, initial, steps), hid));
        Tensor? dbx = bihSlot >= 0 && inputs[bihSlot].RequiresGrad || !gru && bhhSlot >= 0 && inputs[bhhSlot].RequiresGrad ? dx.Reshape(steps * n, gh).Sum(0) : null;
        if (bihSlot >= 0 && inputs[bihSlot].RequiresGrad) Node.Flow(inputs[bihSlot], dbx!);
        // both biases of the LSTM and RNN enter the same sum, so they share one gradient (Flow never writes into it)
        if (bhhSlot >= 0 && inputs[bhhSlot].RequiresGrad) Node.Flow(inputs[bhhSlot], gru ? dhpT.Reshape(steps * n, gh).Sum(0) : dbx!);
        if (inputs[0].RequiresGrad)
            Node.Flow(inputs[0], MmNew<T>(false, false, steps * n, inF, gh, dx, gh, wih, inF).Reshape(steps, n, inF));
        if (h0Slot >= 0 && inputs[h0Slot].RequiresGrad) Node.Flow(inputs[h0Slot], FromSpan<T>(dh, [n, hid], x.DType));
        if (c0Slot >= 0 && inputs[c0Slot].RequiresGrad) Node.Flow(inputs[c0Slot], FromSpan<T>(dc!, [n, hid], x.DType));
        StoragePool.Recycle(dx.data);
        if (gru) StoragePool.Recycle(dhpT.data);
    }

    /// <summary>One backward step's rows for a worker.</summary>
    readonly struct BackRows<T>(RecurrentSaved s, T[] dh, T[]? dc, Tensor dx, Tensor dhp, T[] direct, Tensor? gOut, T[][] scratch, int t, int prev, int next)
        where T : unmanaged
    {
        public readonly RecurrentSaved S = s;
        public readonly T[] Dh = dh, Direct = direct;
        public readonly T[]? Dc = dc;
        public readonly Tensor Dx = dx, Dhp = dhp;
        public readonly Tensor? GOut = gOut;
        public readonly T[][] Scratch = scratch;
        public readonly int Time = t, Prev = prev, Next = next;
    }

    /// <summary>Backward of the cell kernel on rows b0…b1 of one step: the gate gradients of the step, and the
    /// part of ∂L/∂h_prev that does not pass through Wₕₕ.</summary>
    static void BackwardRows<T>(in BackRows<T> r, int part, int b0, int b1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = r.S;
        int n = s.X.shape[1], gh = s.Gates.shape[2], hid = s.States.shape[2], plane = n * hid, t = r.Time, prev = r.Prev, next = r.Next;
        bool gru = s.Mode == RecurrentMode.Gru, relu = s.Mode == RecurrentMode.RnnRelu;
        var dxs = r.Dx.Span<T>();
        var dhps = r.Dhp.Span<T>();
        var gates = s.Gates.Span<T>();
        var states = s.States.Span<T>();
        var cells = s.Cells is null ? default : s.Cells.Span<T>();
        var hnAll = s.HiddenN is null ? default : s.HiddenN.Span<T>();
        var gOut = r.GOut is null ? default : r.GOut.Span<T>();
        for (int b = b0; b < b1; b++)
        {
            var dhRow = r.Dh.AsSpan(b * hid, hid);
            var dGx = dxs.Slice((t * n + b) * gh, gh);
            var dGh = dhps.Slice((t * n + b) * gh, gh);
            var directRow = r.Direct.AsSpan(b * hid, hid);
            if (s.Lengths is { } lengths && t >= lengths[b])
            {
                // padding passed the state through: its gradient passes back the same way
                dGx.Clear();
                if (gru) dGh.Clear();
                dhRow.CopyTo(directRow);
                continue;
            }
            if (!gOut.IsEmpty) System.Numerics.Tensors.TensorPrimitives.Add<T>(dhRow, gOut.Slice((t * n + b) * hid, hid), dhRow);
            var row = gates.Slice((t * n + b) * gh, gh);
            switch (s.Mode)
            {
                case RecurrentMode.Lstm:
                    RecurrentCells.LstmBackward<T>(row, cells.Slice(prev * plane + b * hid, hid), cells.Slice(next * plane + b * hid, hid),
                        dhRow, r.Dc.AsSpan(b * hid, hid), dGx, r.Scratch[part], hid);
                    directRow.Clear();
                    break;
                case RecurrentMode.Gru:
                    RecurrentCells.GruBackward<T>(row, hnAll.Slice(t * plane + b * hid, hid), states.Slice(prev * plane + b * hid, hid), dhRow, dGx, dGh, directRow, hid);
                    break;
                default:
                    RecurrentCells.RnnBackward<T>(states.Slice(next * plane + b * hid, hid), dhRow, dGx, relu);
                    directRow.Clear();
                    break;
            }
        }
    }

    static Tensor FromSpan<T>(T[] values, int[] shape, DType dtype) where T : unmanaged
    {
        var t = Uninitialized(shape, dtype);
        values.AsSpan().CopyTo(t.Span<T>());
        return t;
    }

    /// <summary>A new [m, n] = op(A)·op(B) for contiguous A and B (the row strides given).</summary>
    static unsafe Tensor MmNew<T>(bool ta, bool tb, int m, int n, int k, Tensor a, int lda, Tensor b, int ldb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = Uninitialized([m, n], a.DType);
        var ac = a.Contiguous();
        var bc = b.Contiguous();
        fixed (T* pa = ac.Span<T>(), pb = bc.Span<T>(), pc = c.Span<T>())
            Mm(ta, tb, m, n, k, pa, lda, pb, ldb, T.Zero, pc, n);
        return c;
    }

    /// <summary>float32: op(B) packed once for the per-step GEMMs (<see cref="Gemm.PackedB"/>); float64: null.</summary>
    static unsafe Gemm.PackedB? Pack<T>(bool transB, int k, int n, T* b, int ldb) where T : unmanaged =>
        typeof(T) == typeof(float) ? new Gemm.PackedB(transB, k, n, (float*)b, ldb) : null;

    /// <summary>C += A·op(B) for one step, with the packed B when there is one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void StepMm<T>(Gemm.PackedB? packed, bool transB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (packed is not null) Gemm.SgemmPacked(false, m, (float*)a, lda, packed, 1f, (float*)c, ldc);
        else Mm(false, transB, m, n, k, a, lda, b, ldb, T.One, c, ldc);
    }

    /// <summary>GEMM with alpha = 1 for either float type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Mm<T>(bool ta, bool tb, int m, int n, int k, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Gemm.Sgemm(ta, tb, m, n, k, 1f, (float*)a, lda, (float*)b, ldb, float.CreateTruncating(beta), (float*)c, ldc);
        else
            Gemm.Dgemm(ta, tb, m, n, k, 1.0, (double*)a, lda, (double*)b, ldb, double.CreateTruncating(beta), (double*)c, ldc);
    }
}
