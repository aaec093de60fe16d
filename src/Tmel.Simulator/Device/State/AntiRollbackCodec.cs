using System.Buffers.Binary;

namespace Tmel.Simulator;

/// <summary>
/// The plaintext of <c>anti-rollback.sealed</c>: <c>u16 count (LE)</c>, then per committed software id <c>u32 sw_id, u32
/// version</c> (LE), in sw_id order, each sw_id once.
/// </summary>
internal static class AntiRollbackCodec
{
    public static byte[] Encode(IReadOnlyDictionary<uint, uint> versions)
    {
        byte[] payload = new byte[2 + (8 * versions.Count)];
        BinaryPrimitives.WriteUInt16LittleEndian(payload, (ushort)versions.Count);
        int at = 2;
        foreach ((uint swId, uint version) in versions.OrderBy(p => p.Key))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(at), swId);
            BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(at + 4), version);
            at += 8;
        }

        return payload;
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, int maxEntries, out Dictionary<uint, uint> versions, out string reason)
    {
        versions = [];
        if (payload.Length < 2)
        {
            reason = "its version table has no count";
            return false;
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        if (count > maxEntries || payload.Length != 2 + (8 * count))
        {
            reason = $"its version table announces {count} entries in {payload.Length - 2} bytes (at most {maxEntries} entries of 8 bytes)";
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = payload.Slice(2 + (8 * i), 8);
            if (!versions.TryAdd(BinaryPrimitives.ReadUInt32LittleEndian(entry), BinaryPrimitives.ReadUInt32LittleEndian(entry[4..])))
            {
                versions.Clear();
                reason = $"its version table names a software id twice (entry {i})";
                return false;
            }
        }

        reason = string.Empty;
        return true;
    }
}
