using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>
/// The payload faults the injectors made recently, as (offset in the message, XOR mask): a message delivered with wrong bytes
/// is "corrupted by injection" when every wrong byte is one of them. Bounded: the oldest are forgotten first.
/// </summary>
internal sealed class SoakCorruptionRecords
{
    private const int Capacity = 4096;
    private readonly Lock _gate = new();
    private readonly Queue<(int Offset, byte Mask)> _order = new();
    private readonly Dictionary<(int Offset, byte Mask), int> _counts = [];

    public void Add(QmpInjectedFault fault)
    {
        if (fault.Kind != QmpFaultKind.CorruptedPayload)
        {
            return;
        }

        lock (_gate)
        {
            var key = (fault.MessageOffset, fault.XorMask);
            _order.Enqueue(key);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
            if (_order.Count > Capacity)
            {
                var old = _order.Dequeue();
                if (--_counts[old] == 0)
                {
                    _counts.Remove(old);
                }
            }
        }
    }

    /// <summary>Whether two recorded faults on the same byte (a request's and its echo's) make up <paramref name="mask"/>.</summary>
    private bool IsPair(int offset, byte mask)
    {
        foreach (((int Offset, byte Mask) key, int _) in _counts)
        {
            if (key.Offset == offset && _counts.ContainsKey((offset, (byte)(key.Mask ^ mask))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Describes the differing bytes, for a report of an unexplained corruption.</summary>
    public static string Describe(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.Length != actual.Length)
        {
            return $"length {actual.Length}, expected {expected.Length}";
        }

        var diffs = new List<string>();
        for (int i = 0; i < expected.Length && diffs.Count < 8; i++)
        {
            if (expected[i] != actual[i])
            {
                diffs.Add($"[{i}]^0x{expected[i] ^ actual[i]:X2}");
            }
        }

        return string.Join(' ', diffs);
    }

    /// <summary>Whether every differing byte of <paramref name="actual"/> against <paramref name="expected"/> is a recorded payload fault.</summary>
    public bool Explains(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        lock (_gate)
        {
            int differing = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                byte mask = (byte)(expected[i] ^ actual[i]);
                if (mask != 0)
                {
                    differing++;
                    if (differing > 16 || !(_counts.ContainsKey((i, mask)) || IsPair(i, mask)))
                    {
                        return false;
                    }
                }
            }

            return differing > 0;
        }
    }
}
