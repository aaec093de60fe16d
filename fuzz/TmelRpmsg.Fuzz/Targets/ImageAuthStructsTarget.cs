using Tmel.Services;
using Tmel.Services.Tmelcom;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>The image-authentication structs: SEC_AUTH request and response, SEC_AUTH_V2, the region list, SS_TEAR_DOWN.</summary>
internal sealed class ImageAuthStructsTarget : StructDecoderTarget
{
    public override string Name => "image-auth-structs";

    public override IReadOnlyList<StructDecoder> Decoders { get; } =
    [
        static b => SecAuthRequest.Decode(b),
        static b => ThrowIfFailed(SecAuthResponse.Decode(b)),
        static b => SecAuthV2Message.Decode(b),
        static b => CheckRegions(SecAuthRegionList.Decode(b), b.Length),
        static b => TearDownRequest.Decode(b),
        static b => ThrowIfFailed(TearDownResponse.Decode(b)),
    ];

    private static void ThrowIfFailed(SecAuthResponse response)
    {
        try
        {
            response.ThrowIfFailed();
        }
        catch (TmelServiceException)
        {
        }
    }

    private static void ThrowIfFailed(TearDownResponse response)
    {
        try
        {
            response.ThrowIfFailed();
        }
        catch (TmelServiceException)
        {
        }
    }

    private static void CheckRegions(SecAuthRegion[] regions, int length)
    {
        FuzzInvariantException.Check(regions.Length * SecAuthRegionList.EntrySize == length, "the region count does not match the list's length");
        Span<byte> encoded = stackalloc byte[SecAuthRegionList.MaxByteLength];
        int written = SecAuthRegionList.Encode(regions, encoded);
        FuzzInvariantException.Check(SecAuthRegionList.Decode(encoded[..written]).AsSpan().SequenceEqual(regions), "a region list did not survive a round trip");
    }
}
