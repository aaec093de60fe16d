namespace Tmel.Services.Crypto;

/// <summary>A key handle TME-L issued (1..255): the only way a client names a key whose secret never leaves TME-L.</summary>
/// <param name="Value">The handle as TME-L returned it.</param>
public readonly record struct TmeKeyHandle(uint Value)
{
    /// <inheritdoc/>
    public override string ToString() => $"key {Value}";
}
