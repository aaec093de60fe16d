using Tmel.Services.ImageAuth;

namespace Tmel.Simulator;

/// <summary>The images one subsystem has authenticated and not torn down, by software id, with their measurements.</summary>
/// <remarks>Thread-safe; the attestation service reads <see cref="Snapshot"/> for its software components.</remarks>
internal sealed class MeasurementStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<uint, TsimMeasurement> _measurements = [];

    public bool IsAuthenticated(uint swId)
    {
        lock (_lock)
        {
            return _measurements.ContainsKey(swId);
        }
    }

    public bool TryGet(uint swId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TsimMeasurement? measurement)
    {
        lock (_lock)
        {
            return _measurements.TryGetValue(swId, out measurement);
        }
    }

    public bool TryAdd(TsimMeasurement measurement)
    {
        lock (_lock)
        {
            return _measurements.TryAdd(measurement.SwId, measurement);
        }
    }

    public bool TryRemove(uint swId)
    {
        lock (_lock)
        {
            return _measurements.Remove(swId);
        }
    }

    /// <summary>Removes every measurement, as SS_TEAR_DOWN of each would; returns the software ids removed, in order.</summary>
    public IReadOnlyList<uint> RemoveAll()
    {
        lock (_lock)
        {
            uint[] removed = [.. _measurements.Keys];
            _measurements.Clear();
            return removed;
        }
    }

    /// <summary>Returns copies of the current measurements in software-id order.</summary>
    public IReadOnlyList<TsimMeasurement> Snapshot()
    {
        lock (_lock)
        {
            return [.. _measurements.Values.Select(m => m with { Digest = (byte[])m.Digest.Clone(), SignerId = (byte[])m.SignerId.Clone() })];
        }
    }
}
