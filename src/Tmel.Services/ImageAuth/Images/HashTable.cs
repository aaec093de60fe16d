namespace Tmel.Services.ImageAuth;

/// <summary>The SHA-384 hash table: one 48-byte entry per program header, in phdr order (services.md §1.2).</summary>
internal static class HashTable
{
    /// <summary>The size of one entry: a SHA-384 digest.</summary>
    public const int EntrySize = 48;

    /// <summary>The chunk the verifier and the signer hash segments through, so no buffer grows with a segment.</summary>
    public const int ChunkSize = 64 * 1024;
}
