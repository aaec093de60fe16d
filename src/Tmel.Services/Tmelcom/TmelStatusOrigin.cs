namespace Tmel.Services.Tmelcom;

/// <summary>Where a TME-L failure was reported: the packet header or the service's own struct.</summary>
public enum TmelStatusOrigin
{
    /// <summary>The reply packet's <c>response</c> byte (s8) was non-zero: TME-L did not carry out the request.</summary>
    PacketResponse = 0,

    /// <summary>The service struct's <c>status</c> (u32) or <c>extended_error</c> word was non-zero: the service ran and failed.</summary>
    ServiceStatus = 1,
}
