namespace Tmel.Transport.Qmp;

/// <summary>One fault a <see cref="QmpFaultInjectingMailbox"/> injected.</summary>
/// <param name="Kind">What was injected.</param>
/// <param name="Opportunity">The index of the ring, fragment write or peer read (counted per kind of operation from 0) the fault was injected at.</param>
/// <param name="MessageOffset">For <see cref="QmpFaultKind.CorruptedPayload"/>: the offset of the changed byte in its message
/// (fragment index × 24 + offset in the fragment); otherwise -1.</param>
/// <param name="XorMask">For <see cref="QmpFaultKind.CorruptedPayload"/>: the non-zero mask the byte was XORed with; otherwise 0.</param>
public readonly record struct QmpInjectedFault(QmpFaultKind Kind, long Opportunity, int MessageOffset = -1, byte XorMask = 0);
