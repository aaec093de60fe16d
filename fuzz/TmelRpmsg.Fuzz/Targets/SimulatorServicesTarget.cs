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
/// well-formed 24-byte packet. A fresh device (services, key store, measurements) serves each input.
/// </summary>
/// <remarks>
/// Input layout (<see cref="Compose"/>): byte 0 picks the service (0 image-auth, 1 attestation, 2 device, 3 crypto,
/// 4 the RFC address that routes to all of them); bytes 1..48 are the fuses' OEM public-key hash; a u16 LE length and
/// that many bytes are the client's shared-memory buffer, allocated first in the region and so at its bus address
/// <see cref="BusAddress"/>; then requests, each a u8 length and the request's bytes as received, served in order.
/// </remarks>
internal sealed class SimulatorServicesTarget : FuzzTarget
{
    /// <summary>The bus address of the client's buffer: the region's first byte.</summary>
    public const uint BusAddress = QmpSharedMemoryRegion.DefaultBaseBusAddress;

    /// <summary>The rpmsg address the requests come from (attestation's client id is derived from it).</summary>
    public const uint Source = 0x400;

    private static readonly Lazy<AttestationIdentity> s_identity = new(() => AttestationIdentity.Create(TimeProvider.System));

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

        var region = new QmpSharedMemoryRegion(QmpSharedMemoryRegion.DefaultSize, BusAddress);
        if (memoryLength > 0)
        {
            QmpSharedBuffer buffer = region.Allocate(memoryLength);
            FuzzInvariantException.Check(buffer.BusAddress == BusAddress, "the first buffer is not at the region's start");
            region.Write(BusAddress, input.Slice(header, memoryLength));
        }

        var time = new FakeTimeProvider(TsimImageTarget.Created.AddDays(30));
        var fuses = TsimImageTarget.Fuses(input.Slice(1, TsimImageTarget.OemPkHashLength));
        var measurements = new MeasurementStore();
        var antiRollback = new AntiRollbackStore(fuses);
        var imageAuth = new ImageAuthService(region, fuses, measurements, time, NullLogger.Instance);
        var attestation = new AttestationService(region, s_identity.Value, measurements, new byte[32], TmelSubsystem.Apps, NullLogger.Instance);
        var device = new DeviceService(region, new FuseMap(fuses, antiRollback), antiRollback, measurements, NullLogger.Instance);
        using var keys = new KeyStore();
        Dictionary<uint, byte[]> hardwareKeys = CryptoService.DeriveHardwareKeys(new byte[32]);
        using var crypto = new CryptoService(region, keys, hardwareKeys, TmelSubsystem.Apps.Id, new Lock(), NullLogger.Instance);
        ITmelcomHandler[] handlers = [imageAuth, attestation, device, crypto];
        ITmelcomHandler handler = input[0] % 5 == 4
            ? new RfcTmelcomService(handlers, NullLogger.Instance)
            : handlers[input[0] % 5];

        Span<byte> reply = stackalloc byte[TmelcomPacket.Size];
        ReadOnlySpan<byte> requests = input[(header + memoryLength)..];
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

        return replies;
    }
}
