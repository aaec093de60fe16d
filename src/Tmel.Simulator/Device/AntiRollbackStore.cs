using Tmel.Services.ImageAuth;

namespace Tmel.Simulator;

/// <summary>
/// The committed anti-rollback versions: the <see cref="TsimFuses.MinimumAntiRollback"/> table image authentication
/// enforces. UPDATE_ARB_VER_SWID_LIST raises an entry to the version of the image currently authenticated under that
/// software id; from then on an older image is refused. Kept in memory for the simulator's life (docs/device-services.md).
/// </summary>
/// <remarks>Thread-safe. A commit replaces the fuses' table as a whole, so a verification in progress reads one consistent table.</remarks>
internal sealed class AntiRollbackStore(TsimFuses fuses, MeasurementStore measurements)
{
    private readonly Lock _lock = new();

    /// <summary>Returns the committed minimum version of a software id, if one was ever set.</summary>
    public bool TryGet(uint swId, out uint version) => fuses.MinimumAntiRollback.TryGetValue(swId, out version);

    /// <summary>Gets a copy of the committed table.</summary>
    public IReadOnlyDictionary<uint, uint> Snapshot() => new Dictionary<uint, uint>(fuses.MinimumAntiRollback);

    /// <summary>Commits the versions of the images authenticated under <paramref name="swIds"/>; all or nothing.</summary>
    /// <returns><see langword="null"/> when committed; otherwise why not (a software id that is not authenticated).</returns>
    public string? Commit(ReadOnlySpan<uint> swIds)
    {
        lock (_lock)
        {
            var table = new Dictionary<uint, uint>(fuses.MinimumAntiRollback);
            foreach (uint swId in swIds)
            {
                if (!measurements.TryGet(swId, out TsimMeasurement? measurement))
                {
                    return $"sw_id 0x{swId:X} is not authenticated, so it has no version to commit";
                }

                table[swId] = Math.Max(table.GetValueOrDefault(swId), measurement.AntiRollbackVersion);
            }

            fuses.MinimumAntiRollback = table;
            return null;
        }
    }
}
