using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>The rpmsg addresses of a message, carried in the reserved word (bytes 28..31) of its first fragment.</summary>
/// <remarks>
/// <code>
///  bytes 28..29  source       u16 LE
///  bytes 30..31  destination  u16 LE
/// </code>
/// As a little-endian u32 the word is <c>destination &lt;&lt; 16 | source</c>. 0xFFFF is no address on this bus, so
/// no first fragment carries <see cref="QmpLink.ContinuationMarker"/>; the RFC driver writes 0 (source 0, destination 0).
/// </remarks>
internal static class QmpAddressWord
{
    /// <summary>The highest rpmsg address a QMP frame carries.</summary>
    public const uint MaxAddress = 0xFFFE;

    public static uint Encode(RpmsgAddress source, RpmsgAddress destination) => (destination.Value << 16) | source.Value;

    public static (RpmsgAddress Source, RpmsgAddress Destination) Decode(uint word) => (word & 0xFFFF, word >> 16);
}
