using Microsoft.Extensions.Logging;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.ImageAuth;

public partial class ImageAuthClient
{
    /// <summary>Event ids 3100-3199: the image-authentication client.</summary>
    private static partial class Log
    {
        [LoggerMessage(3100, LogLevel.Debug, "SEC_AUTH of sw_id 0x{SwId:X}: {MetadataLength} bytes of metadata, a {ImageLength}-byte carve-out, relocate {Relocate}.")]
        public static partial void Authenticating(ILogger logger, uint swId, int metadataLength, int imageLength, uint relocate);

        [LoggerMessage(3101, LogLevel.Information, "TME-L authenticated sw_id 0x{SwId:X}; entry address 0x{EntryAddress:X8}.")]
        public static partial void Authenticated(ILogger logger, uint swId, uint entryAddress);

        [LoggerMessage(3102, LogLevel.Information, "TME-L tore down sw_id 0x{SwId:X}.")]
        public static partial void TornDown(ILogger logger, uint swId);

        [LoggerMessage(3103, LogLevel.Error, "TME-L refused request 0x{Uid:X4} for sw_id 0x{SwId:X}: {Status}, extended error 0x{ExtendedError:X8}.")]
        public static partial void Refused(ILogger logger, ushort uid, uint swId, TmelStatus status, uint extendedError);
    }
}
