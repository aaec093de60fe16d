namespace Tmel.Simulator;

/// <summary>What a sealed state file holds; its value is the file's purpose byte, and its label is bound into the tag.</summary>
internal enum StatePurpose : byte
{
    /// <summary><c>identity.sealed</c>: the attestation key and its certificate chain.</summary>
    Identity = 1,

    /// <summary><c>keys.sealed</c>: the persistent crypto keys.</summary>
    Keys = 2,

    /// <summary><c>anti-rollback.sealed</c>: the committed anti-rollback versions.</summary>
    AntiRollback = 3,
}
