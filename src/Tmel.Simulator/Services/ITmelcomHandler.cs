namespace Tmel.Simulator;

/// <summary>A simulated TME-L service's TMELCOM logic: one request packet in, one reply packet out, never an exception.</summary>
internal interface ITmelcomHandler
{
    /// <summary>Gets the UIDs the handler serves.</summary>
    IReadOnlyCollection<ushort> Uids { get; }

    /// <summary>Handles one request and writes the 24-byte reply.</summary>
    /// <param name="request">The message as received: any length, any bytes (the peer is untrusted).</param>
    /// <param name="source">The rpmsg address the request came from: the caller's identity (attestation's client id); 0 for the RFC's driver.</param>
    /// <param name="reply">Exactly 24 bytes for the reply packet.</param>
    void Handle(ReadOnlySpan<byte> request, uint source, Span<byte> reply);
}
