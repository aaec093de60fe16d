using System.Security.Cryptography;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator.Tests.Device;

public class SealedStateFileTests
{
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Seal_Header_IsTheDocumentedLayout()
    {
        byte[] file = SealedStateFile.Seal(s_key, StatePurpose.Keys, new byte[5]);

        Assert.Equal(SealedStateFile.HeaderLength + 5, file.Length);
        Assert.Equal(
            Convert.FromHexString(
                "544D454C5345414C" // 0: magic "TMELSEAL"
                + "01"             // 8: format version 1
                + "02"             // 9: purpose 2 (keys)
                + "0000"           // 10: reserved
                + "05000000"),     // 12: plaintext length 5, LE
            file[..16]);
    }

    [Fact]
    public void TryOpen_WhatSealWrote_GivesThePlaintext()
    {
        byte[] plaintext = RandomNumberGenerator.GetBytes(100);

        Assert.True(SealedStateFile.TryOpen(s_key, StatePurpose.Identity, SealedStateFile.Seal(s_key, StatePurpose.Identity, plaintext), 1024, out byte[] opened, out _));
        Assert.Equal(plaintext, opened);
    }

    [Fact]
    public void TryOpen_AnyOneBitFlipped_IsRefused()
    {
        byte[] file = SealedStateFile.Seal(s_key, StatePurpose.AntiRollback, RandomNumberGenerator.GetBytes(18));

        for (int i = 0; i < file.Length; i++)
        {
            byte[] tampered = (byte[])file.Clone();
            tampered[i] ^= 0x01;
            Assert.False(SealedStateFile.TryOpen(s_key, StatePurpose.AntiRollback, tampered, 1024, out byte[] opened, out string reason), $"byte {i}");
            Assert.Empty(opened);
            Assert.NotEmpty(reason);
        }
    }

    [Fact]
    public void TryOpen_TruncatedOrExtended_IsRefused()
    {
        byte[] file = SealedStateFile.Seal(s_key, StatePurpose.Keys, RandomNumberGenerator.GetBytes(30));

        for (int length = 0; length < file.Length; length++)
        {
            Assert.False(SealedStateFile.TryOpen(s_key, StatePurpose.Keys, file.AsSpan(0, length), 1024, out _, out string reason), $"length {length}");
            Assert.Contains(length < SealedStateFile.HeaderLength ? "truncated" : "ciphertext", reason, StringComparison.Ordinal);
        }

        Assert.False(SealedStateFile.TryOpen(s_key, StatePurpose.Keys, [.. file, 0], 1024, out _, out _));
    }

    [Fact]
    public void TryOpen_AnotherPurposeOrKey_IsRefused()
    {
        byte[] file = SealedStateFile.Seal(s_key, StatePurpose.Keys, RandomNumberGenerator.GetBytes(30));

        Assert.False(SealedStateFile.TryOpen(s_key, StatePurpose.AntiRollback, file, 1024, out _, out string purpose));
        Assert.Contains("purpose", purpose, StringComparison.Ordinal);

        // The purpose byte edited to match: the associated data binds the label, so the tag no longer verifies.
        file[9] = (byte)StatePurpose.AntiRollback;
        Assert.False(SealedStateFile.TryOpen(s_key, StatePurpose.AntiRollback, file, 1024, out _, out string tag));
        Assert.Contains("authentication tag", tag, StringComparison.Ordinal);

        byte[] other = SealedStateFile.Seal(s_key, StatePurpose.Keys, new byte[4]);
        Assert.False(SealedStateFile.TryOpen(RandomNumberGenerator.GetBytes(32), StatePurpose.Keys, other, 1024, out _, out _));
    }

    [Fact]
    public void TryOpen_PlaintextOverTheLimit_IsRefusedBeforeDecrypting()
    {
        byte[] file = SealedStateFile.Seal(s_key, StatePurpose.Keys, new byte[65]);

        Assert.False(SealedStateFile.TryOpen(s_key, StatePurpose.Keys, file, 64, out _, out string reason));
        Assert.Contains("64-byte limit", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Seal_SamePlaintextTwice_DifferentNonceAndCiphertext()
    {
        byte[] a = SealedStateFile.Seal(s_key, StatePurpose.Keys, new byte[16]);
        byte[] b = SealedStateFile.Seal(s_key, StatePurpose.Keys, new byte[16]);

        Assert.NotEqual(a[16..28], b[16..28]);
        Assert.NotEqual(a[44..], b[44..]);
    }

    [Fact]
    public void PersistentKeyCodec_RoundTrip_AndEveryTruncationIsRefused()
    {
        PersistentKeyRecord[] records =
        [
            new(1, "apps", new TmeKeyPolicy(0x12345678, 0x00084041), RandomNumberGenerator.GetBytes(32)),
            new(200, "sensor-hub", new TmeKeyPolicy(0x0000000C, 0x00004001), RandomNumberGenerator.GetBytes(68)),
        ];

        byte[] payload = PersistentKeyCodec.Encode(records);

        Assert.Equal(PersistentKeyCodec.PayloadLength(records), payload.Length);
        Assert.True(PersistentKeyCodec.TryDecode(payload, out List<PersistentKeyRecord> decoded, out _));
        Assert.Equal(records.Select(r => (r.Handle, r.Owner, r.Policy, Convert.ToHexString(r.Secret))), decoded.Select(r => (r.Handle, r.Owner, r.Policy, Convert.ToHexString(r.Secret))));
        for (int length = 0; length < payload.Length; length++)
        {
            Assert.False(PersistentKeyCodec.TryDecode(payload.AsSpan(0, length), out List<PersistentKeyRecord> none, out _), $"length {length}");
            Assert.Empty(none);
        }
    }

    [Fact]
    public void PersistentKeyCodec_DuplicateHandleOrBadOwner_IsRefused()
    {
        PersistentKeyRecord key = new(7, "apps", new TmeKeyPolicy(0, 4), new byte[16]);

        Assert.False(PersistentKeyCodec.TryDecode(PersistentKeyCodec.Encode([key, key]), out _, out string duplicate));
        Assert.Contains("entry 1", duplicate, StringComparison.Ordinal);
        Assert.False(PersistentKeyCodec.TryDecode(PersistentKeyCodec.Encode([key with { Owner = "APPS" }]), out _, out _));
    }

    [Fact]
    public void AntiRollbackCodec_RoundTrip_AndTooManyEntriesIsRefused()
    {
        var table = new Dictionary<uint, uint> { [0xD] = 2, [0x6] = 9 };

        Assert.True(AntiRollbackCodec.TryDecode(AntiRollbackCodec.Encode(table), AntiRollbackStore.MaxEntries, out Dictionary<uint, uint> decoded, out _));
        Assert.Equal(table.OrderBy(p => p.Key), decoded.OrderBy(p => p.Key));
        Assert.False(AntiRollbackCodec.TryDecode(AntiRollbackCodec.Encode(table), 1, out _, out _));
        Assert.False(AntiRollbackCodec.TryDecode(AntiRollbackCodec.Encode(table).AsSpan(0, 9), AntiRollbackStore.MaxEntries, out _, out _));
    }
}
