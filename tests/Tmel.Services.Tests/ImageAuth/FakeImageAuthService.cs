using System.Threading.Channels;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tests.Support;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.ImageAuth;

/// <summary>
/// A stand-in for TME-L's image-auth service, written from the RFC's structs: it announces
/// <see cref="ImageAuthDriver.ChannelName"/>, captures each request (and, for SEC_AUTH, the struct, the metadata, the
/// region list and the carve-out while the client still holds them), and answers as <see cref="Responder"/> says.
/// </summary>
internal sealed class FakeImageAuthService : IAsyncDisposable
{
    private readonly RpmsgBus _bus;
    private readonly FakeSharedMemory _memory;
    private readonly Task _loop;

    public FakeImageAuthService(RpmsgBus bus, FakeSharedMemory memory, RpmsgAddress? address = null)
    {
        _bus = bus;
        _memory = memory;
        Endpoint = bus.CreateEndpoint(address ?? RpmsgAddress.Any);
        _loop = Task.Run(RunAsync);
    }

    public RpmsgEndpoint Endpoint { get; }

    /// <summary>Gets every request, in arrival order.</summary>
    public Channel<Request> Requests { get; } = Channel.CreateUnbounded<Request>();

    /// <summary>Gets or sets how each request is answered: the reply's bytes, or <see langword="null"/> for none (reply later with <see cref="ReplyAsync"/>).</summary>
    public Func<Request, byte[]?> Responder { get; set; } = request => SucceedSecAuth(request, entryAddress: 0x8600_1040, firstSegmentAddress: 0x8600_1000, firstSegmentLength: 0x100);

    public Task StartAsync(CancellationToken ct) => _bus.AnnounceAsync(Endpoint, ImageAuthDriver.ChannelName, ct);

    public ValueTask ReplyAsync(Request request, byte[] reply, CancellationToken ct) => Endpoint.SendToAsync(request.Source, reply, ct);

    public async ValueTask DisposeAsync()
    {
        await Endpoint.DisposeAsync();
        await _loop;
    }

    /// <summary>Writes a SEC_AUTH response in place and answers with the request's pointer packet, response 0.</summary>
    public static byte[] SucceedSecAuth(Request request, uint entryAddress, uint firstSegmentAddress, uint firstSegmentLength) =>
        AnswerSecAuth(request, new SecAuthResponse(firstSegmentAddress, firstSegmentLength, entryAddress, 0, 0));

    /// <summary>Writes <paramref name="response"/> in place and answers with the request's pointer packet, response byte <paramref name="packetResponse"/>.</summary>
    public static byte[] AnswerSecAuth(Request request, SecAuthResponse response, sbyte packetResponse = 0)
    {
        byte[] message = request.Memory.ReadArray(request.Packet.PayloadAddress, request.Packet.PayloadLength);
        SecAuthResponse.Encode(response, message);
        request.Memory.Write(request.Packet.PayloadAddress, message);
        return Encode(request.Packet.WithResponse(packetResponse));
    }

    /// <summary>Answers an inline request with the same struct, its status word set.</summary>
    public static byte[] AnswerTearDown(Request request, uint status, sbyte packetResponse = 0)
    {
        byte[] message = new byte[TearDownRequest.MessageSize];
        request.Packet.CopyInlineMessageTo(message);
        TearDownResponse.Encode(new TearDownResponse(status), message);
        return Encode(TmelcomPacket.CreateInline(request.Packet.Uid, message, packetResponse));
    }

    public static byte[] Encode(TmelcomPacket packet)
    {
        byte[] bytes = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(packet, bytes);
        return bytes;
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (RpmsgMessage message in Endpoint.ReadAllAsync())
            {
                Request request;
                using (message)
                {
                    request = Capture(message);
                }

                Requests.Writer.TryWrite(request);
                if (Responder(request) is { } reply)
                {
                    await Endpoint.SendToAsync(request.Source, reply);
                }
            }
        }
        catch (RpmsgEndpointClosedException)
        {
            // Bus disposed.
        }
    }

    private Request Capture(RpmsgMessage message)
    {
        byte[] raw = message.Span.ToArray();
        TmelcomPacket packet = TmelcomPacket.Decode(raw);
        SecAuthCapture? secAuth = null;
        if (packet.Uid == TmelcomUid.SecAuth && packet.IpcType == TmelcomIpcType.Sram)
        {
            byte[] structBytes = _memory.ReadArray(packet.PayloadAddress, packet.PayloadLength);
            SecAuthRequest decoded = SecAuthRequest.Decode(structBytes);
            byte[] regionList = _memory.ReadArray(decoded.RegionList.Address, decoded.RegionList.Length);
            SecAuthRegion[] regions = SecAuthRegionList.Decode(regionList);
            secAuth = new SecAuthCapture(
                structBytes,
                decoded,
                _memory.ReadArray(decoded.ElfBuffer.Address, decoded.ElfBuffer.Length),
                regions,
                _memory.ReadArray(regions[0].Base, regions[0].Size));
        }

        return new Request(message.Source, raw, packet, secAuth, _memory);
    }

    internal sealed record Request(RpmsgAddress Source, byte[] Raw, TmelcomPacket Packet, SecAuthCapture? SecAuth, FakeSharedMemory Memory);

    internal sealed record SecAuthCapture(byte[] Struct, SecAuthRequest Decoded, byte[] Metadata, SecAuthRegion[] Regions, byte[] CarveOut);
}
