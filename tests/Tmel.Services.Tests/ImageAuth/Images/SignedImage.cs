using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>A signed test image with its metadata, loaded memory and fuses, and helpers that tamper with exactly one input.</summary>
internal sealed class SignedImage
{
    private SignedImage(byte[] file, TsimSigningIdentity identity)
    {
        File = file;
        Identity = identity;
        Image = TsimImage.Parse(file);
        Metadata = Image.Metadata.ToArray();
        Memory = ArrayLoadedMemory.For(Image);
        Fuses = TestIdentities.Fuses(identity);
    }

    public byte[] File { get; }

    public TsimSigningIdentity Identity { get; }

    public TsimImage Image { get; }

    /// <summary>A mutable copy of the metadata blob.</summary>
    public byte[] Metadata { get; set; }

    public ArrayLoadedMemory Memory { get; }

    public TsimFuses Fuses { get; }

    public SignedFileReader Reader => new(Metadata, isMetadata: true);

    public static SignedImage Create(bool is64 = false, bool threeLevels = true, byte[]? elf = null, uint antiRollback = 4)
    {
        TsimSigningIdentity identity = TestIdentities.Get(threeLevels);
        return new SignedImage(TsimImageSigner.Sign(elf ?? TestElfWriter.SmallFirmware(is64), identity, TestIdentities.SignOptions(antiRollback)), identity);
    }

    public TsimVerificationResult Verify(uint swId = TestIdentities.SwId, TsimFuses? fuses = null, ITsimLoadedMemory? memory = null, DateTimeOffset? now = null) =>
        TsimImageVerifier.Verify(Metadata, swId, fuses ?? Fuses, memory ?? Memory, now ?? TestIdentities.Now);

    public void WriteUInt32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Metadata.AsSpan(offset), value);

    public uint ReadUInt32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(Metadata.AsSpan(offset));

    /// <summary>Replaces the certificate chain, fixing oem_cert_chain_size and the hash segment's p_filesz (entry 0 then no longer matches: call <see cref="Resign"/>).</summary>
    public void ReplaceChain(byte[] chain)
    {
        SignedFileReader reader = Reader;
        byte[] metadata = [.. Metadata.AsSpan(0, reader.ChainOffset), .. chain];
        Metadata = metadata;
        reader = Reader;
        WriteUInt32(reader.HashOffset + 36, (uint)chain.Length);
        ulong length = (ulong)(metadata.Length - reader.HeaderLength);
        if (reader.Is64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(metadata.AsSpan(reader.FileSizeField(1)), length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(metadata.AsSpan(reader.FileSizeField(1)), (uint)length);
        }
    }

    /// <summary>Recomputes hash entry 0 over the (changed) ELF header and phdrs, and signs the signed bytes again with <paramref name="key"/> (the identity's signer by default), keeping the signature's size.</summary>
    public void Resign(ECDsa? key = null)
    {
        SignedFileReader reader = Reader;
        SHA384.HashData(Metadata.AsSpan(0, reader.HeaderLength), reader.Entry(0));
        byte[] digest = SHA384.HashData(reader.HashSegment[..reader.SignedLength]);
        using ECDsa own = Identity.Signer.GetECDsaPrivateKey()!;
        ECDsa signer = key ?? own;
        byte[] signature;
        do
        {
            signature = signer.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
        }
        while (signature.Length != reader.SignatureLength);

        signature.CopyTo(Metadata, reader.SignatureOffset);
    }
}
