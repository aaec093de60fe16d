namespace Tmel.Services.ImageAuth;

/// <summary>Read access to a loaded image, by physical address, for the verifier's segment hashes.</summary>
/// <remarks>
/// The simulator implements it over shared memory and SEC_AUTH's region list; <see cref="TsimImageVerifier.VerifyFile(ReadOnlyMemory{byte}, uint, TsimFuses, DateTimeOffset)"/>
/// implements it over the file. The verifier reads each segment front to back in chunks of at most 64 KiB.
/// </remarks>
internal interface ITsimLoadedMemory
{
    /// <summary>Copies <paramref name="destination"/>'s length in bytes from <paramref name="address"/>.</summary>
    /// <param name="address">The physical (bus) address of the first byte.</param>
    /// <param name="destination">Where to copy the bytes.</param>
    /// <returns><see langword="false"/> if any byte of the range is outside what is loaded; then nothing is promised about <paramref name="destination"/>.</returns>
    bool TryRead(ulong address, Span<byte> destination);
}
