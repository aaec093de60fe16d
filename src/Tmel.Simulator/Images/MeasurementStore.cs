using Tmel.Services.ImageAuth;

namespace Tmel.Simulator;

/// <summary>The images one subsystem has authenticated and not torn down, by software id, with their measurements.</summary>
/// <remarks>Thread-safe; the attestation service reads <see cref="Snapshot"/> for its software components.</remarks>
internal sealed class MeasurementStore
{
    /// <summary>The most images one subsystem may have authenticated at once.</summary>
    public const int MaxImages = 64;

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

    /// <summary>Gets the number of images authenticated.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _measurements.Count;
            }
        }
    }

    /// <summary>Records an image; <see langword="false"/> when its software id is already up or the store holds <see cref="MaxImages"/>.</summary>
    public bool TryAdd(TsimMeasurement measurement)
    {
        lock (_lock)
        {
            return _measurements.Count < MaxImages && _measurements.TryAdd(measurement.SwId, measurement);
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
