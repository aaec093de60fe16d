namespace Tmel.Services.ImageAuth;

/// <summary>A hashed PT_LOAD as a loader places it: <see cref="FileSize"/> bytes from <see cref="FileOffset"/> at <see cref="Address"/>, zeros up to <see cref="MemorySize"/>.</summary>
internal readonly record struct LoadSegment(int Index, ulong Address, int FileOffset, int FileSize, ulong MemorySize);
