using Tmel.Services.ImageAuth;

namespace Tmel.Simulator;

/// <summary>
/// The committed anti-rollback versions: the <see cref="TsimFuses.MinimumAntiRollback"/> table image authentication
/// enforces, one per device. UPDATE_ARB_VER_SWID_LIST raises an entry to the version of the image the asking subsystem
/// has authenticated under that software id; from then on an older image is refused on every subsystem. With a state
/// directory each commit is stored (sealed) before it takes effect, so a committed version survives a restart
/// (docs/device-services.md, docs/device-state.md).
/// </summary>
/// <remarks>Thread-safe. A commit replaces the fuses' table as a whole, so a verification in progress reads one consistent table.</remarks>
/// <param name="fuses">The device's fuses, whose table this store replaces on every commit.</param>
/// <param name="persist">Stores a new table before it takes effect; returns whether it was stored. <see langword="null"/>: nothing persists.</param>
internal sealed class AntiRollbackStore(TsimFuses fuses, Func<IReadOnlyDictionary<uint, uint>, bool>? persist = null)
{
    /// <summary>The most software ids the table holds: the fuse map has 32 rows, and a sealed table stays under 2 KiB.</summary>
    public const int MaxEntries = 256;

    private readonly Lock _lock = new();

    /// <summary>Returns the committed minimum version of a software id, if one was ever set.</summary>
    public bool TryGet(uint swId, out uint version) => fuses.MinimumAntiRollback.TryGetValue(swId, out version);

    /// <summary>Gets a copy of the committed table.</summary>
    public IReadOnlyDictionary<uint, uint> Snapshot() => new Dictionary<uint, uint>(fuses.MinimumAntiRollback);

    /// <summary>Raises the table to <paramref name="versions"/> where they are higher (the versions a state directory kept).</summary>
    public void Restore(IReadOnlyDictionary<uint, uint> versions)
    {
        lock (_lock)
        {
            var table = new Dictionary<uint, uint>(fuses.MinimumAntiRollback);
            foreach ((uint swId, uint version) in versions)
            {
                table[swId] = Math.Max(table.GetValueOrDefault(swId), version);
            }

            fuses.MinimumAntiRollback = table;
        }
    }

    /// <summary>Commits the versions of the images <paramref name="measurements"/> holds under <paramref name="swIds"/>; all or nothing.</summary>
    /// <returns><see langword="null"/> when committed; otherwise why not (a software id that is not authenticated, a full table, a failed write).</returns>
    public string? Commit(ReadOnlySpan<uint> swIds, MeasurementStore measurements)
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

            if (table.Count > MaxEntries)
            {
                return $"the anti-rollback table holds at most {MaxEntries} software ids";
            }

            if (persist is not null && !persist(table))
            {
                return "the committed versions could not be stored in the state directory";
            }

            fuses.MinimumAntiRollback = table;
            return null;
        }
    }
}
