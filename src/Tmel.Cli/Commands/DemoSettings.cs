namespace Tmel.Cli.Commands;

/// <summary>What <c>tmel demo</c> was asked to do.</summary>
internal sealed record DemoSettings(bool Json, string? MailboxTracePath, TimeSpan Timeout, string[] HostArgs);
