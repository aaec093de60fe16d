using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>One persistent key as <c>keys.sealed</c> holds it: its handle, its owner's subsystem name, its policy and its secret.</summary>
/// <param name="Handle">The key handle, 1..255, kept across restarts.</param>
/// <param name="Owner">The owning subsystem's name (names, not ids, so ownership survives any id assignment).</param>
/// <param name="Policy">The key policy.</param>
/// <param name="Secret">The symmetric key or the ECC private scalar; the caller zeroes it after use.</param>
internal sealed record PersistentKeyRecord(uint Handle, string Owner, TmeKeyPolicy Policy, byte[] Secret);
