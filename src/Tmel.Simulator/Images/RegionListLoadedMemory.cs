using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;

namespace Tmel.Simulator;

/// <summary>
/// The loaded image as SEC_AUTH describes it: the verifier asks for bytes at a segment's <c>p_paddr</c>, and this maps the
/// address into shared memory through the request's region list and <c>relocate</c> flag (docs/image-auth.md).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>relocate</c> 0: <c>p_paddr</c> is a bus address. With a region list the whole range must lie inside one listed
/// region; with none (the RFC's <c>{0, 0}</c>) TME-L "already knows the carve-out": the shared memory itself.</item>
/// <item><c>relocate</c> 1: <c>p_paddr</c> is relative: the bus address is the first region's base plus
/// <c>p_paddr − load base</c> (the lowest hashed <c>p_paddr</c> rounded down to 4 KiB), and the range must lie inside one
/// listed region.</item>
/// </list>
/// Every read must also lie inside one allocated shared-memory buffer; anything else is "not loaded", which the verifier
/// reports as BAD_ADDRESS for that segment. Sums are in 64 bits, so no address wraps.
/// </remarks>
internal sealed class RegionListLoadedMemory : ITsimLoadedMemory
{
    private readonly IRpmsgSharedMemory _memory;
    private readonly SecAuthRegion[] _regions;
    private readonly bool _relocate;
    private readonly ulong? _loadBase;

    public RegionListLoadedMemory(IRpmsgSharedMemory memory, SecAuthRegion[] regions, bool relocate, ulong? loadBase)
    {
        _memory = memory;
        _regions = regions;
        _relocate = relocate;
        _loadBase = loadBase;
    }

    public bool TryRead(ulong address, Span<byte> destination)
    {
        ulong bus;
        if (_relocate)
        {
            if (_loadBase is not ulong loadBase || _regions.Length == 0 || address < loadBase || address - loadBase > uint.MaxValue)
            {
                return false;
            }

            bus = _regions[0].Base + (address - loadBase);
        }
        else
        {
            bus = address;
        }

        // bus < 2^33 once checked, so the sum cannot wrap.
        ulong end = bus + (ulong)destination.Length;
        if (bus > uint.MaxValue || end > 1UL << 32)
        {
            return false;
        }

        if (_regions.Length > 0 && !Array.Exists(_regions, r => bus >= r.Base && end <= r.End))
        {
            return false;
        }

        if (!_memory.IsAllocatedRange((uint)bus, (uint)destination.Length))
        {
            return false;
        }

        try
        {
            _memory.Read((uint)bus, destination);
            return true;
        }
        catch (RpmsgSharedMemoryException)
        {
            return false; // freed by the peer between the check and the read
        }
    }
}
