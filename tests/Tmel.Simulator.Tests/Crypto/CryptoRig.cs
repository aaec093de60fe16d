using Microsoft.Extensions.Logging.Abstractions;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Crypto;

/// <summary>
/// The crypto service over its own shared memory, called the way a Linux client calls it: the struct in a shared buffer,
/// an SRAM packet naming it, the reply packet, the struct read back in place.
/// </summary>
internal sealed class CryptoRig : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, byte[]> _hardwareKeys = CryptoService.DeriveHardwareKeys(new byte[32]);

    public CryptoRig(int maxKeysPerOwner = 64)
    {
        Keys = new KeyStore(maxKeysPerOwner);
        Service = ForOwner(1);
    }

    public QmpSharedMemoryRegion Memory { get; } = new(256 * 1024);

    public KeyStore Keys { get; }

    public CryptoService Service { get; }

    /// <summary>Another subsystem's service over the same key table.</summary>
    public CryptoService ForOwner(uint owner) => new(Memory, Keys, _hardwareKeys, owner, _lock, NullLogger.Instance);

    /// <summary>Sends the struct as an SRAM request; returns the reply packet and the struct as TME-L left it.</summary>
    public (TmelcomPacket Reply, T Result) Call<T>(ushort uid, T message, CryptoService? service = null)
        where T : struct, ITmeCryptoMessage<T>
    {
        QmpSharedBuffer buffer = Memory.Allocate(T.Size);
        byte[] bytes = new byte[T.Size];
        T.Encode(message, bytes);
        buffer.Write(bytes);
        TmelcomPacket reply = Send(TmelcomPacket.CreateSram(uid, buffer.BusAddress, (uint)T.Size), service);
        buffer.Read(0, bytes);
        Memory.Free(buffer);
        return (reply, T.Decode(bytes));
    }

    /// <summary>Sends a raw packet; returns the decoded reply.</summary>
    public TmelcomPacket Send(TmelcomPacket packet, CryptoService? service = null)
    {
        byte[] request = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(packet, request);
        byte[] reply = new byte[TmelcomPacket.Size];
        (service ?? Service).Handle(request, source: 1024, reply);
        return TmelcomPacket.Decode(reply);
    }

    /// <summary>Calls and checks the header response is 0.</summary>
    public T Ok<T>(ushort uid, T message, CryptoService? service = null)
        where T : struct, ITmeCryptoMessage<T>
    {
        (TmelcomPacket reply, T result) = Call(uid, message, service);
        Assert.Equal(0, reply.Response);
        return result;
    }

    public TmelcomBuffer In(ReadOnlySpan<byte> data)
    {
        QmpSharedBuffer buffer = Memory.Allocate(Math.Max(1, data.Length));
        buffer.Write(data);
        return new TmelcomBuffer(buffer.BusAddress, (uint)data.Length);
    }

    public TmelcomOutBuffer Out(int capacity, uint usedPreset = 0)
    {
        QmpSharedBuffer buffer = Memory.Allocate(capacity);
        buffer.Write(Enumerable.Repeat((byte)0xEE, capacity).ToArray());
        return new TmelcomOutBuffer(buffer.BusAddress, (uint)capacity, usedPreset);
    }

    public byte[] Read(TmelcomOutBuffer buffer)
    {
        byte[] data = new byte[buffer.Used];
        Memory.Read(buffer.Address, data);
        return data;
    }

    public byte[] Read(TmelcomBuffer buffer)
    {
        byte[] data = new byte[buffer.Length];
        Memory.Read(buffer.Address, data);
        return data;
    }

    public uint Generate(TmeKeyPolicy policy, CryptoService? service = null)
    {
        KmGenerateMessage result = Ok(TmelcomUid.KmGenerate, new KmGenerateMessage(TmeCryptoIds.KeyIdAllocate, policy, 0, 0, 0, default), service);
        Assert.Equal(TmeStatus.Success, (TmeStatus)result.Status);
        return result.ResultKeyId;
    }

    public uint Import(TmeKeyPolicy policy, byte[] key)
    {
        KmImportMessage result = Ok(TmelcomUid.KmImport, new KmImportMessage(TmeCryptoIds.KeyIdAllocate, policy, In(key), 0, 0, 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)result.Status);
        return result.ResultKeyId;
    }

    public void Dispose()
    {
        Service.Dispose();
        Keys.Dispose();
    }
}
