using Tmel.Services.Tmelcom.Crypto;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// Every crypto struct (KM 0x07 and HCS 0x0B) and the KDF spec: a struct that decodes encodes back to the same bytes'
/// length, and decodes again from those bytes.
/// </summary>
internal sealed class CryptoStructsTarget : StructDecoderTarget
{
    public override string Name => "crypto-structs";

    public override IReadOnlyList<StructDecoder> Decoders { get; } =
    [
        RoundTrip<KmGenerateMessage>,
        RoundTrip<KmImportMessage>,
        RoundTrip<KmDeriveMessage>,
        RoundTrip<KmWrapMessage>,
        RoundTrip<KmUnwrapMessage>,
        RoundTrip<KmClearMessage>,
        RoundTrip<KmExportEcdhIpMessage>,
        RoundTrip<HcsPrngMessage>,
        RoundTrip<HcsDigestMessage>,
        RoundTrip<HcsAesEncryptMessage>,
        RoundTrip<HcsAesDecryptMessage>,
        RoundTrip<HcsEccPublicKeyMessage>,
        RoundTrip<HcsEccSignMessage>,
        RoundTrip<HcsEccVerifyMessage>,
        RoundTrip<HcsEcdhSharedSecretMessage>,
        static b => TmeKdfSpec.Decode(b),
    ];

    private static void RoundTrip<T>(ReadOnlySpan<byte> bytes)
        where T : struct, ITmeCryptoMessage<T>
    {
        T message = T.Decode(bytes);
        byte[] encoded = new byte[T.Size];
        FuzzInvariantException.Check(T.Encode(message, encoded) == T.Size, $"{T.Name} did not encode to its size");
        T again = T.Decode(encoded);
        FuzzInvariantException.Check(again.Status == message.Status && again.Sequencer == message.Sequencer, $"{T.Name} did not survive a round trip");
    }
}
