namespace Tmel.Transport.Qmp;

/// <summary>Which side of the window a link drives.</summary>
public enum QmpRole
{
    /// <summary>The application processor (the RFC's Linux driver, "mcore"): owns the mailbox at 0x0000 and starts the handshakes.</summary>
    Local,

    /// <summary>TME-L ("ucore"): owns the mailbox at 0x1000 and answers the handshakes.</summary>
    Remote,
}
