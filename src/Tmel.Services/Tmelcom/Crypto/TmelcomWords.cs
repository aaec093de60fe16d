using System.Buffers.Binary;

namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>Reads a KM/HCS struct word by word, little-endian, in the order of its PARAM_ID.</summary>
internal ref struct TmelcomWordReader(ReadOnlySpan<byte> source)
{
    private readonly ReadOnlySpan<byte> _source = source;
    private int _offset;

    public uint Word()
    {
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(_source[_offset..]);
        _offset += 4;
        return value;
    }

    public TmelcomBuffer Buffer() => new(Word(), Word());

    public TmelcomOutBuffer OutBuffer() => new(Word(), Word(), Word());

    public TmeKeyPolicy Policy() => new(Word(), Word());

    public TmeSequencerStatus Sequencer() => new(Word(), Word(), Word(), Word(), Word());
}

/// <summary>Writes a KM/HCS struct word by word, little-endian, in the order of its PARAM_ID.</summary>
internal ref struct TmelcomWordWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;
    private int _offset;

    public readonly int Written => _offset;

    public void Word(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_destination[_offset..], value);
        _offset += 4;
    }

    public void Buffer(TmelcomBuffer buffer)
    {
        Word(buffer.Address);
        Word(buffer.Length);
    }

    public void OutBuffer(TmelcomOutBuffer buffer)
    {
        Word(buffer.Address);
        Word(buffer.Capacity);
        Word(buffer.Used);
    }

    public void Policy(TmeKeyPolicy policy)
    {
        Word(policy.Low);
        Word(policy.High);
    }

    public void Sequencer(TmeSequencerStatus status)
    {
        Word(status.TmeErrorStatus);
        Word(status.SequencerErrorStatus);
        Word(status.KeyPolicyErrorStatus0);
        Word(status.KeyPolicyErrorStatus1);
        Word(status.SequencerResponseStatus);
    }
}
