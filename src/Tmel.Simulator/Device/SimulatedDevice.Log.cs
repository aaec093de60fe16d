using Microsoft.Extensions.Logging;

namespace Tmel.Simulator;

internal sealed partial class SimulatedDevice
{
    /// <summary>Event ids 4770-4779: the simulated device. Paths, counts and software ids only; never key bytes.</summary>
    private static partial class Log
    {
        [LoggerMessage(4770, LogLevel.Information, "Device state: the attestation identity was restored from {Path}.")]
        public static partial void IdentityRestored(ILogger logger, string path);

        [LoggerMessage(4771, LogLevel.Information, "Device state: a new attestation identity was created and sealed into {Path}.")]
        public static partial void IdentityCreated(ILogger logger, string path);

        [LoggerMessage(4772, LogLevel.Information, "Device state: {Count} committed anti-rollback versions were restored from {Path}.")]
        public static partial void AntiRollbackRestored(ILogger logger, int count, string path);

        [LoggerMessage(4773, LogLevel.Information, "Device state: {Count} persistent keys were restored from {Path}.")]
        public static partial void KeysRestored(ILogger logger, int count, string path);

        [LoggerMessage(4774, LogLevel.Warning, "Device state: the persistent key store would take {Length} bytes, more than its {Limit}-byte limit; the change was refused (NOT_READY).")]
        public static partial void KeyStoreFull(ILogger logger, int length, int limit);

        [LoggerMessage(4775, LogLevel.Information, "Subsystem {Subsystem} was reset (its link went down): {Count} images torn down ({SwIds}).")]
        public static partial void SubsystemReset(ILogger logger, string subsystem, int count, string swIds);
    }
}
