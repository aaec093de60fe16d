using Rpmsg.Core;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>The 40-byte name-service announcement a peer sends to address 0x35: any bytes are read or refused, never thrown on.</summary>
internal sealed class NameServiceTarget : FuzzTarget
{
    public override string Name => "name-service";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (RpmsgNameServiceMessage.TryRead(input, out RpmsgNameServiceMessage message, out string error))
        {
            FuzzInvariantException.Check(RpmsgNameServiceMessage.IsValidName(message.Name), $"accepted the invalid name \"{message.Name}\"");
        }
        else
        {
            FuzzInvariantException.Check(error.Length > 0, "refused without saying why");
        }
    }
}
