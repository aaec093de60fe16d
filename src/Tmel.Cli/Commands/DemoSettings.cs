namespace Tmel.Cli.Commands;

/// <summary>What <c>tmel demo</c> was asked to do.</summary>
/// <param name="Json">Print JSON lines.</param>
/// <param name="MailboxTracePath">Where to write the mailbox trace; null for none.</param>
/// <param name="Timeout">How long the whole run may take.</param>
/// <param name="HostArgs">Host settings (--Tmel:..., --Logging:...).</param>
/// <param name="ConnectDirectory">A running <c>tmel simulator</c>'s directory to attach to; null for the in-memory simulator.</param>
/// <param name="SimulatorProcess">Start a <c>tmel simulator</c> in a temporary directory, attach to it, and stop it at the end.</param>
/// <param name="KeysDirectory">A signing identity the simulator trusts (<c>tmel image keys</c>); null for a fresh one.</param>
internal sealed record DemoSettings(bool Json, string? MailboxTracePath, TimeSpan Timeout, string[] HostArgs, string? ConnectDirectory = null, bool SimulatorProcess = false, string? KeysDirectory = null);
