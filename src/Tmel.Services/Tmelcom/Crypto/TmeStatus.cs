namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>A KM or HCS result code (<c>tme_status</c>, tmelcom-services.md §2.5), as found in the <c>status</c> word of a key-management or host-crypto struct.</summary>
public enum TmeStatus : uint
{
    /// <summary>0: the operation succeeded (for a verify: the signature is valid).</summary>
    Success = 0,

    /// <summary>1: the operation failed (a signature that does not verify, a tag that does not match).</summary>
    Failure = 1,

    /// <summary>2: a field or the data it names is not acceptable (a key policy refusing the use, a bad length, an unknown handle).</summary>
    InvalidInput = 2,

    /// <summary>3: a token or blob is malformed (a wrapped key that does not parse).</summary>
    MalformedToken = 3,

    /// <summary>4: the algorithm, curve or mode is not implemented.</summary>
    NotImplemented = 4,

    /// <summary>5: an address does not name memory TME-L may access.</summary>
    InvalidMemory = 5,

    /// <summary>6: an output buffer is too small for the result.</summary>
    SmallOutputBuffer = 6,

    /// <summary>7: the service is not ready (no free key slot, a store limit reached).</summary>
    NotReady = 7,

    /// <summary>8: the requested data is not available.</summary>
    DataUnavailable = 8,
}
