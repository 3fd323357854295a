using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Neurite.Fuzz;

/// <summary>
/// Corrupts a seed's files the ways a disk, a network or an attacker would: byte-level (truncation, bit flips,
/// insertions, deletions, the header-length field), structural on the safetensors header (data_offsets, shapes,
/// dtypes, duplicate names and keys, lone surrogates, deep nesting, wrong types, missing fields), on the
/// architecture JSON (huge layers, negative, NaN and infinite numbers, wrong types, missing fields, bad padding)
/// and on checkpoint metadata. Each case is reproducible from its <see cref="Random"/>.
/// </summary>
public sealed partial class Mutator(Random rng)
{
    /// <summary>The mutated files (a file may be missing) and a one-line description of what was done.</summary>
    public (Dictionary<string, byte[]> Files, string Description) Mutate(Seed seed)
    {
        var files = seed.Files.ToDictionary(kv => kv.Key, kv => (byte[])kv.Value.Clone());
        var names = files.Keys.Order(StringComparer.Ordinal).ToArray();
        string file = rng.Next(3) == 0 ? names[rng.Next(names.Length)] : seed.LoadFile;
        if (!files.ContainsKey(file)) file = names[0];
        if (rng.Next(100) == 0)
        {
            files.Remove(file);
            return (files, $"{file}: deleted");
        }
        var bytes = files[file];
        string what;
        int rounds = rng.Next(8) == 0 ? 2 + rng.Next(3) : 1;  // sometimes stack a few mutations
        var parts = new List<string>();
        for (int r = 0; r < rounds; r++)
        {
            try { (bytes, what) = file.EndsWith(".json", StringComparison.Ordinal) ? MutateJsonFile(bytes) : MutateSafeTensors(bytes); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException or NullReferenceException)
            {
                // a structural edit met a structure an earlier round broke (e.g. data_offsets of one element): bytes instead
                (bytes, what) = MutateBytes(bytes, bytes.Length);
            }
            parts.Add(what);
        }
        files[file] = bytes;
        return (files, $"{file}: {string.Join(" + ", parts)}");
    }

    // ---------------------------------------------------------------- byte level

    (byte[], string) MutateBytes(byte[] b, int focus)
    {
        // focus: the header's end, where most of the structure is; positions are drawn mostly below it
        int Pos(int max) => max <= 0 ? 0 : rng.Next(2) == 0 ? rng.Next(Math.Min(max, Math.Max(focus, 1))) : rng.Next(max);
        switch (rng.Next(8))
        {
            case 0:
            {
                int at = Pos(b.Length);
                return (b[..at], $"truncated to {at} of {b.Length} bytes");
            }
            case 1:
            {
                int flips = 1 + rng.Next(8);
                var c = (byte[])b.Clone();
                var at = new List<string>();
                for (int i = 0; i < flips && c.Length > 0; i++)
                {
                    int p = Pos(c.Length), bit = rng.Next(8);
                    c[p] ^= (byte)(1 << bit);
                    at.Add($"{p}.{bit}");
                }
                return (c, $"bit flips at {string.Join(",", at)}");
            }
            case 2:
            {
                int at = Pos(b.Length + 1), n = 1 + rng.Next(rng.Next(4) == 0 ? 4096 : 16);
                var ins = new byte[n];
                if (rng.Next(2) == 0) rng.NextBytes(ins); else Array.Fill(ins, Interesting());
                return ([.. b[..at], .. ins, .. b[at..]], $"{n} bytes inserted at {at}");
            }
            case 3:
            {
                if (b.Length == 0) return (b, "nothing to delete");
                int at = Pos(b.Length), n = Math.Min(b.Length - at, 1 + rng.Next(rng.Next(4) == 0 ? 1024 : 16));
                return ([.. b[..at], .. b[(at + n)..]], $"{n} bytes deleted at {at}");
            }
            case 4:
            {
                var c = (byte[])b.Clone();
                int n = 1 + rng.Next(4), p = 0;
                for (int i = 0; i < n && c.Length > 0; i++) c[p = Pos(c.Length)] = Interesting();
                return (c, $"{n} bytes overwritten with special values (last at {p})");
            }
            case 5:
            {
                if (b.Length < 2) return (b, "too short to splice");
                int from = Pos(b.Length), n = Math.Min(b.Length - from, 1 + rng.Next(256)), to = Pos(b.Length);
                return ([.. b[..to], .. b.AsSpan(from, n).ToArray(), .. b[to..]], $"{n} bytes from {from} duplicated at {to}");
            }
            case 6:
                return (b.Length > 0 ? [.. b, .. b[..Math.Min(b.Length, 1 + rng.Next(64))]] : b, "bytes appended");
            default:
            {
                var c = (byte[])b.Clone();
                if (c.Length >= 8)
                {
                    int p = Pos(c.Length - 7);
                    BinaryPrimitives.WriteInt64LittleEndian(c.AsSpan(p), BitConverter.DoubleToInt64Bits(Pick(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1, 9.3e18)));
                    return (c, $"8 bytes at {p} overwritten with a special double");
                }
                return (c, "too short for a double");
            }
        }
    }

    byte Interesting() => Pick<byte>(0, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)',', (byte)':', (byte)'-', (byte)'9', 0xC0, 0xED);

    T Pick<T>(params T[] options) => options[rng.Next(options.Length)];
}
