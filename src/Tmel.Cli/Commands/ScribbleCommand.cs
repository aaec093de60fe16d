using System.Buffers.Binary;
using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Commands;

/// <summary>
/// <c>tmel scribble</c> (hidden; for fault tests): a misbehaving third process. It writes garbage into a subsystem's APPS
/// ("mcore") mailbox in a running simulator's window, the mailbox only the attached client may write, and rings the TME-L.
/// </summary>
/// <remarks>
/// Two kinds of garbage: <c>--count N</c> mailboxes of 32 random bytes each (the TME-L may read them as anything: a reset,
/// a close, a fragment), or <c>--bad-fragment</c>: the mailbox's current descriptor with tx flipped and an impossible
/// frag_size (25..255), over 28 random bytes, which a connected TME-L must count as a protocol error.
/// </remarks>
internal static class ScribbleCommand
{
    public const string Name = "scribble";

    public static Command Create()
    {
        var directory = new Option<DirectoryInfo>("--dir") { Description = "The directory a running tmel simulator serves.", Required = true };
        var subsystem = new Option<string>("--subsystem") { Description = "The subsystem whose APPS mailbox is scribbled on. Default apps.", DefaultValueFactory = _ => "apps" };
        var count = new Option<int>("--count") { Description = "How many mailboxes of 32 random bytes to write, ringing the TME-L after each. Default 1.", DefaultValueFactory = _ => 1 };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1_000_000)
            {
                result.AddError("--count must be from 1 to 1000000.");
            }
        });
        var badFragment = new Option<bool>("--bad-fragment") { Description = "Write one impossible first fragment instead (tx flipped, frag_size over 24) over random bytes." };
        var seed = new Option<int?>("--seed") { Description = "The random generator's seed (default: a fresh one, printed)." };
        var command = new Command(Name, "Write garbage into a subsystem's APPS mailbox of a running simulator and ring the TME-L (fault tests).")
        {
            directory, subsystem, count, badFragment, seed,
        };
        command.Hidden = true;
        command.SetAction((parse, cancellationToken) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            string root = parse.GetValue(directory)!.FullName;
            QmpProcessSubsystemLayout files = QmpProcessLayout.Read(root).GetSubsystem(root, parse.GetValue(subsystem)!);
            int seedValue = parse.GetValue(seed) ?? Random.Shared.Next();
            var random = new Random(seedValue);
            TextWriter output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"tmel scribble: seed {seedValue}").ConfigureAwait(false);

            string windowPath = Path.Combine(root, files.Window);
            using SafeFileHandle window = File.OpenHandle(windowPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            if (RandomAccess.GetLength(window) != QmpMailboxLayout.WindowSize)
            {
                throw new QmpProcessLayoutException(windowPath, $"the window is not {QmpMailboxLayout.WindowSize} bytes.");
            }

            using var doorbell = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            var tmel = new UnixDomainSocketEndPoint(Path.Combine(root, files.TmelSocket));
            int rounds = parse.GetValue(badFragment) ? 1 : parse.GetValue(count);
            byte[] mailbox = new byte[QmpMailboxLayout.MailboxSize];
            for (int i = 0; i < rounds; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                random.NextBytes(mailbox);
                if (parse.GetValue(badFragment))
                {
                    RandomAccess.Read(window, mailbox.AsSpan(0, 4), QmpMailboxLayout.LocalMailboxOffset);
                    var current = new QmpDescriptor(BinaryPrimitives.ReadUInt32LittleEndian(mailbox));
                    QmpDescriptor bad = current.WithTx(!current.Tx).WithFragment((byte)random.Next(QmpMailboxLayout.MaxFragmentSize + 1, 256), (byte)random.Next(256));
                    BinaryPrimitives.WriteUInt32LittleEndian(mailbox, bad.Value);
                }

                // As a writer should (docs/attach-a-peer.md): bytes 4..31 first, the descriptor last.
                RandomAccess.Write(window, mailbox.AsSpan(QmpMailboxLayout.PayloadOffset), QmpMailboxLayout.LocalMailboxOffset + QmpMailboxLayout.PayloadOffset);
                RandomAccess.Write(window, mailbox.AsSpan(0, 4), QmpMailboxLayout.LocalMailboxOffset);
                await doorbell.SendToAsync(new byte[] { 1 }, SocketFlags.None, tmel, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"tmel scribble: wrote {Convert.ToHexString(mailbox)} to {windowPath} at 0x{QmpMailboxLayout.LocalMailboxOffset:X4}; rang the TME-L").ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken));
        return command;
    }
}
