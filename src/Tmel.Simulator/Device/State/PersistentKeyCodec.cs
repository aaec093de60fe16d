using System.Buffers.Binary;
using System.Text;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>
/// The plaintext of <c>keys.sealed</c> (before sealing):
/// <code>
///  u16 count (LE), then per key:
///  u8 handle (1..255) | u8 L owner-name length (1..32) | L bytes owner name (ASCII [a-z0-9_-])
///  u32 policy low (LE) | u32 policy high (LE) | u8 S secret length (1..68) | S bytes secret
/// </code>
/// The curve of an ECC key is the one its policy names, so it is not stored.
/// </summary>
internal static class PersistentKeyCodec
{
    /// <summary>The largest secret a record holds (<c>TME_PT_KEY_BYTES_MAX</c>, §4.7).</summary>
    public const int MaxSecretLength = 68;

    /// <summary>The bytes one record takes.</summary>
    public static int RecordLength(PersistentKeyRecord record) => 1 + 1 + record.Owner.Length + 8 + 1 + record.Secret.Length;

    /// <summary>The bytes a payload of these records takes.</summary>
    public static int PayloadLength(IEnumerable<PersistentKeyRecord> records) => 2 + records.Sum(RecordLength);

    public static byte[] Encode(IReadOnlyCollection<PersistentKeyRecord> records)
    {
        byte[] payload = new byte[PayloadLength(records)];
        Span<byte> span = payload;
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)records.Count);
        int at = 2;
        foreach (PersistentKeyRecord record in records)
        {
            span[at++] = (byte)record.Handle;
            span[at++] = (byte)record.Owner.Length;
            at += Encoding.ASCII.GetBytes(record.Owner, span[at..]);
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], record.Policy.Low);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], record.Policy.High);
            at += 8;
            span[at++] = (byte)record.Secret.Length;
            record.Secret.CopyTo(span[at..]);
            at += record.Secret.Length;
        }

        return payload;
    }

    /// <summary>Decodes a payload; every length is checked against what is left, and a duplicate handle is refused.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out List<PersistentKeyRecord> records, out string reason)
    {
        records = [];
        reason = string.Empty;
        if (payload.Length < 2)
        {
            reason = "its key list has no count";
            return false;
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        int at = 2;
        var handles = new HashSet<uint>();
        for (int i = 0; i < count; i++)
        {
            if (payload.Length - at < 2)
            {
                return Malformed(records, i, out reason);
            }

            uint handle = payload[at++];
            int nameLength = payload[at++];
            if (handle is 0 || nameLength is 0 or > 32 || payload.Length - at < nameLength + 9)
            {
                return Malformed(records, i, out reason);
            }

            string owner = Encoding.ASCII.GetString(payload.Slice(at, nameLength));
            at += nameLength;
            var policy = new TmeKeyPolicy(BinaryPrimitives.ReadUInt32LittleEndian(payload[at..]), BinaryPrimitives.ReadUInt32LittleEndian(payload[(at + 4)..]));
            at += 8;
            int secretLength = payload[at++];
            if (!TmelSubsystem.IsValidName(owner) || secretLength is 0 or > MaxSecretLength || payload.Length - at < secretLength || !handles.Add(handle))
            {
                return Malformed(records, i, out reason);
            }

            records.Add(new PersistentKeyRecord(handle, owner, policy, payload.Slice(at, secretLength).ToArray()));
            at += secretLength;
        }

        if (at != payload.Length)
        {
            return Malformed(records, count, out reason);
        }

        return true;
    }

    private static bool Malformed(List<PersistentKeyRecord> records, int index, out string reason)
    {
        foreach (PersistentKeyRecord record in records)
        {
            Array.Clear(record.Secret);
        }

        records.Clear();
        reason = $"its key list is malformed at entry {index}";
        return false;
    }
}
