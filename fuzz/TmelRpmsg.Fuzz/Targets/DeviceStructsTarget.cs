using Tmel.Services.Tmelcom;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>The device service's structs: ARB commit and version, the fuse list and FUSE_READ, GET_STATE, loopback.</summary>
internal sealed class DeviceStructsTarget : StructDecoderTarget
{
    public override string Name => "device-structs";

    public override IReadOnlyList<StructDecoder> Decoders { get; } =
    [
        static b => ArbCommitMessage.Decode(b),
        static b => ArbVersionMessage.Decode(b),
        static b => FuseEntry.DecodeList(b),
        static b => FuseReadMessage.Decode(b),
        static b => GetStateMessage.Decode(b),
        static b => LoopbackMessage.Decode(b),
    ];
}
