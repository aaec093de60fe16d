using System.Buffers.Binary;
using System.Text;

namespace Rpmsg.Core;

/// <summary>A name-service announcement, the payload of a message to address 53 (Linux's <c>struct rpmsg_ns_msg</c>).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       32    name     channel name, ASCII, NUL-terminated and NUL-padded (at most 31 characters)
///  32      4     addr     u32 LE: the announcing endpoint's address
///  36      4     flags    u32 LE: 0 = create, 1 = destroy
///  total   40
/// </code>
/// </remarks>
internal readonly record struct RpmsgNameServiceMessage(string Name, RpmsgAddress Address, RpmsgNameServiceFlags Flags)
{
    public const int Size = 40;
    public const int NameSize = 32;
    public const int MaxNameLength = NameSize - 1;

    /// <summary>Checks that a channel name fits an announcement: 1 to 31 printable ASCII characters.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.AsSpan().IndexOfAnyExceptInRange((char)0x20, (char)0x7E) < 0;

    public static void ValidateName(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"A channel name is 1 to {MaxNameLength} printable ASCII characters; got \"{name}\".", paramName);
        }
    }

    /// <summary>Parses an announcement; on failure says why, for the log.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out RpmsgNameServiceMessage message, out string error)
    {
        message = default;
        if (payload.Length != Size)
        {
            error = $"length {payload.Length}, expected {Size}";
            return false;
        }

        ReadOnlySpan<byte> nameField = payload[..NameSize];
        int nul = nameField.IndexOf((byte)0);
        if (nul < 0)
        {
            error = "name is not NUL-terminated";
            return false;
        }

        if (nul == 0 || nameField[..nul].IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
        {
            error = "name is empty or not printable ASCII";
            return false;
        }

        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[36..]);
        if (flags > (uint)RpmsgNameServiceFlags.Destroy)
        {
            error = $"flags 0x{flags:X8} are neither create (0) nor destroy (1)";
            return false;
        }

        string name = Encoding.ASCII.GetString(nameField[..nul]);
        message = new RpmsgNameServiceMessage(name, BinaryPrimitives.ReadUInt32LittleEndian(payload[32..]), (RpmsgNameServiceFlags)flags);
        error = string.Empty;
        return true;
    }

    /// <summary>Writes the 40 bytes of the announcement.</summary>
    public void Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Size, nameof(destination));
        destination[..Size].Clear();
        Encoding.ASCII.GetBytes(Name, destination[..MaxNameLength]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[32..], Address.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[36..], (uint)Flags);
    }
}
