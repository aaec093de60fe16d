using System.Buffers.Binary;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tmel.Services.Tmelcom;
using Tmel.Simulator;
using Tmel.Transport.Qmp;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// The simulator's request parsing: what a client puts in its TMELCOM packets and in shared memory, through a simulated
/// service's <see cref="ITmelcomHandler.Handle"/>, which promises never to throw and to answer every request with a
/// well-formed 24-byte packet. Fresh services, key store, measurements and anti-rollback state serve each input.
/// </summary>
/// <remarks>
/// Input layout (<see cref="Compose"/>): byte 0 picks the service (0 image-auth, 1 attestation, 2 device, 3 crypto,
/// 4 the RFC address that routes to all of them); bytes 1..48 are the fuses' OEM public-key hash; a u16 LE length and
/// that many bytes are the client's shared-memory buffer, allocated first in the region and so at its bus address
/// <see cref="BusAddress"/>; then requests, each a u8 length and the request's bytes as received, served in order.
/// <para>Inputs stay independent, but two things are made once instead of per input (docs/fuzzing.md): the attestation
/// identity and the fuse keys derived from the all-zero hardware key (immutable; the crypto service takes its own copies),
/// and the 4 MiB shared-memory region, whose allocation and clearing cost more than everything else for most inputs. The
/// region is reused only in the state of a new one: after an input the client's buffer is freed (which zeroes it), the
/// services cannot write outside an allocation, and a region with anything still allocated is dropped, not reused.</para>
/// </remarks>
internal sealed class SimulatorServicesTarget : FuzzTarget
{
    /// <summary>The bus address of the client's buffer: the region's first byte.</summary>
    public const uint BusAddress = QmpSharedMemoryRegion.DefaultBaseBusAddress;

    /// <summary>The rpmsg address the requests come from (attestation's client id is derived from it).</summary>
    public const uint Source = 0x400;

    private static readonly Lazy<AttestationIdentity> s_identity = new(() => AttestationIdentity.Create(TimeProvider.System));

    private static readonly Lazy<Dictionary<uint, byte[]>> s_hardwareKeys = new(() => CryptoService.DeriveHardwareKeys(new byte[32]));

    /// <summary>A region as a new one is (nothing allocated, every byte zero), or <see langword="null"/> while an input uses it.</summary>
    private static QmpSharedMemoryRegion? s_spareRegion;

    public override string Name => "simulator-services";

    public static byte[] Compose(int service, ReadOnlySpan<byte> oemPkHash, ReadOnlySpan<byte> memory, params byte[][] requests)
    {
        var input = new List<byte> { (byte)service };
        input.AddRange(oemPkHash.ToArray());
        input.Add((byte)memory.Length);
        input.Add((byte)(memory.Length >> 8));
        input.AddRange(memory.ToArray());
        foreach (byte[] request in requests)
        {
            input.Add((byte)request.Length);
            input.AddRange(request);
        }

        return [.. input];
    }

    public override void Run(ReadOnlySpan<byte> input) => Serve(input);

    /// <summary>Serves the input's requests; returns the replies, in order (none for an input too short for its header).</summary>
    public static List<byte[]> Serve(ReadOnlySpan<byte> input)
    {
        var replies = new List<byte[]>();
        const int header = 1 + TsimImageTarget.OemPkHashLength + 2;
        if (input.Length < header)
        {
            return replies;
        }

        int memoryLength = BinaryPrimitives.ReadUInt16LittleEndian(input[(header - 2)..]);
        if (input.Length < header + memoryLength)
        {
            return replies;
        }

        QmpSharedMemoryRegion region = Interlocked.Exchange(ref s_spareRegion, null) ?? new QmpSharedMemoryRegion(QmpSharedMemoryRegion.DefaultSize, BusAddress);
        FuzzInvariantException.Check(region.FreeBytes == region.Size, "a reused region still has an allocation");
        QmpSharedBuffer? buffer = null;
        try
        {
            if (memoryLength > 0)
            {
                buffer = region.Allocate(memoryLength);
                FuzzInvariantException.Check(buffer.BusAddress == BusAddress, "the first buffer is not at the region's start");
                region.Write(BusAddress, input.Slice(header, memoryLength));
            }

            ServeRequests(input, header + memoryLength, region, replies);
        }
        finally
        {
            // Freeing zeroes the buffer; with nothing else allocated, the region is again as a new one.
            if (buffer is not null)
            {
                region.Free(buffer);
            }

            if (region.FreeBytes == region.Size)
            {
                Volatile.Write(ref s_spareRegion, region);
            }
        }

        return replies;
    }

    private static void ServeRequests(ReadOnlySpan<byte> input, int requestsOffset, QmpSharedMemoryRegion region, List<byte[]> replies)
    {
        var time = new FakeTimeProvider(TsimImageTarget.Created.AddDays(30));
        var fuses = TsimImageTarget.Fuses(input.Slice(1, TsimImageTarget.OemPkHashLength));
        var measurements = new MeasurementStore();
        var antiRollback = new AntiRollbackStore(fuses);
        var imageAuth = new ImageAuthService(region, fuses, measurements, time, NullLogger.Instance);
        var attestation = new AttestationService(region, s_identity.Value, measurements, new byte[32], TmelSubsystem.Apps, NullLogger.Instance);
        var device = new DeviceService(region, new FuseMap(fuses, antiRollback), antiRollback, measurements, NullLogger.Instance);
        using var keys = new KeyStore();
        using var crypto = new CryptoService(region, keys, s_hardwareKeys.Value, TmelSubsystem.Apps.Id, new Lock(), NullLogger.Instance);
        ITmelcomHandler[] handlers = [imageAuth, attestation, device, crypto];
        ITmelcomHandler handler = input[0] % 5 == 4
            ? new RfcTmelcomService(handlers, NullLogger.Instance)
            : handlers[input[0] % 5];

        Span<byte> reply = stackalloc byte[TmelcomPacket.Size];
        ReadOnlySpan<byte> requests = input[requestsOffset..];
        while (!requests.IsEmpty)
        {
            int length = Math.Min(requests[0], requests.Length - 1);
            ReadOnlySpan<byte> request = requests.Slice(1, length);
            requests = requests[(1 + length)..];
            reply.Fill(0xEE);
            handler.Handle(request, Source, reply);
            _ = TmelcomPacket.Decode(reply);
            replies.Add(reply.ToArray());
        }
    }
}
