using System.Buffers;
using System.Security.Cryptography;
using Tmel.Services.Tmelcom;
using static Tmel.Services.ImageAuth.TsimVerificationSteps;

namespace Tmel.Services.ImageAuth;

/// <summary>Step 9: every hashed PT_LOAD against the loaded memory, hashed incrementally through one fixed chunk.</summary>
internal static partial class TsimImageVerifier
{
    private static TsimVerificationResult? VerifySegments(SignedElfLayout layout, ReadOnlySpan<byte> hashTable, ITsimLoadedMemory loaded)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(HashTable.ChunkSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
            Span<byte> computed = stackalloc byte[HashTable.EntrySize];
            int verified = 0;
            for (int i = 0; i < layout.ProgramHeaders.Length; i++)
            {
                ElfProgramHeader p = layout.ProgramHeaders[i];
                if (!p.IsHashed)
                {
                    continue;
                }

                uint code = SegmentHashError | (uint)i;
                ulong address = p.PhysicalAddress;
                ulong remaining = p.FileSize;
                while (remaining > 0)
                {
                    int length = (int)Math.Min(remaining, (ulong)HashTable.ChunkSize);
                    Span<byte> part = chunk.AsSpan(0, length);
                    if (!loaded.TryRead(address, part))
                    {
                        return Fail(TmelStatus.BadAddress, code, SegmentHash, $"phdr[{i}]'s bytes at 0x{address:X} (0x{length:X} of them) are not in the loaded memory");
                    }

                    hash.AppendData(part);
                    address += (ulong)length;
                    remaining -= (ulong)length;
                }

                hash.GetHashAndReset(computed);
                if (!CryptographicOperations.FixedTimeEquals(computed, hashTable.Slice(i * HashTable.EntrySize, HashTable.EntrySize)))
                {
                    return Fail(TmelStatus.Generic, code, SegmentHash, $"phdr[{i}] (paddr 0x{p.PhysicalAddress:X}, 0x{p.FileSize:X} bytes) does not match hash entry {i}");
                }

                verified++;
            }

            return verified == 0 ? Fail(TmelStatus.Generic, SegmentHashError, SegmentHash, NoHashedSegmentReason) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
