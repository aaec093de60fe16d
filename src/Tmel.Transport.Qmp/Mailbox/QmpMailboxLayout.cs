namespace Tmel.Transport.Qmp;

/// <summary>The QMP register window and mailbox layout of the RFC driver.</summary>
/// <remarks>
/// <code>
///  window (0x2000 bytes)
///  0x0000  local mailbox  (APPS, the RFC's "mcore"): written by the local side, read by TME-L
///  0x1000  remote mailbox (TME-L, the RFC's "ucore"): written by TME-L, read by the local side
///
///  one mailbox (32 bytes)
///  +0   4   descriptor, u32 LE (see QmpDescriptor)
///  +4  24   payload of one fragment (frag_size bytes are meaningful)
///  +28  4   reserved word; this stack carries the rpmsg addresses of a message's first fragment here
/// </code>
/// </remarks>
public static class QmpMailboxLayout
{
    /// <summary>The size of the whole register window (0x2000).</summary>
    public const int WindowSize = 0x2000;

    /// <summary>The offset of the local (APPS) mailbox in the window (0x0000).</summary>
    public const int LocalMailboxOffset = 0x0000;

    /// <summary>The offset of the remote (TME-L) mailbox in the window (0x1000).</summary>
    public const int RemoteMailboxOffset = 0x1000;

    /// <summary>The size of one mailbox (32).</summary>
    public const int MailboxSize = 32;

    /// <summary>The offset of the descriptor in a mailbox (0).</summary>
    public const int DescriptorOffset = 0;

    /// <summary>The offset of the fragment payload in a mailbox (4).</summary>
    public const int PayloadOffset = 4;

    /// <summary>The largest fragment payload (24).</summary>
    public const int MaxFragmentSize = 24;

    /// <summary>The offset of the reserved word in a mailbox (28).</summary>
    public const int ReservedOffset = 28;

    /// <summary>The most fragments one message may use (256), so a message carries at most 6144 bytes.</summary>
    public const int MaxFragments = 256;

    /// <summary>The largest message (6144 bytes = 256 fragments of 24 bytes).</summary>
    public const int MaxMessageSize = MaxFragments * MaxFragmentSize;
}
