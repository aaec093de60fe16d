using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Hosting;
using Tmel.Services.ImageAuth;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Commands;

/// <summary><c>tmel simulator</c>: the simulated TME-L in its own process, serving a directory peers attach to (docs/attach-a-peer.md).</summary>
internal static class SimulatorCommand
{
    /// <summary>The line the command prints on standard output once every subsystem is served; a launcher may wait for it.</summary>
    public const string ReadyPrefix = "tmel simulator: serving ";

    public const string Name = "simulator";

    public static Command Create()
    {
        var directory = new Option<DirectoryInfo>("--dir") { Description = "The directory peers attach to: layout.json, and per subsystem its window, sram and sockets. Created if missing.", Required = true };
        var subsystems = new Option<string[]>("--subsystem")
        {
            Description = "A subsystem to serve (repeat for several), for example apps, btss, audioss. Default: apps.",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };
        subsystems.Validators.Add(ValidateSubsystems);
        var keys = new Option<DirectoryInfo?>("--keys") { Description = "A directory 'tmel image keys' wrote: the simulated fuses trust its root. Without it no image authenticates." };
        var state = new Option<DirectoryInfo?>("--state") { Description = "A directory the simulated device keeps its sealed state in (hardware unique key, attestation identity, persistent keys, anti-rollback versions), shared by every subsystem; created if missing. Without it nothing persists." };
        var sramSize = new Option<uint>("--sram-size") { Description = "Each subsystem's SRAM size in bytes (a multiple of 8, up to 16 MiB). Default 4194304.", DefaultValueFactory = _ => 4 * 1024 * 1024, CustomParser = ImageCommand.ParseUInt32 };
        var sramBase = new Option<uint>("--sram-bus-address") { Description = "The bus address of each SRAM region's byte 0. Default 0x86000000.", DefaultValueFactory = _ => QmpSharedMemoryRegion.DefaultBaseBusAddress, CustomParser = ImageCommand.ParseUInt32 };
        var rawEcho = new Option<string?>("--raw-echo") { Description = "Serve the benchmark: this subsystem raw, as its baseline (each new 32-byte mailbox is written back; no QMP, no rpmsg), and a 'tmel-sink' service on every subsystem for one-way messages." };
        rawEcho.Validators.Add(result =>
        {
            foreach (string name in result.Tokens.Select(t => t.Value).Where(n => !System.Text.RegularExpressions.Regex.IsMatch(n, "^[a-z0-9_-]{1,32}$")))
            {
                result.AddError($"--raw-echo: '{name}' is not 1-32 of [a-z0-9_-].");
            }
        });
        var soakEcho = new Option<int>("--soak-echo") { Description = "Also serve this many 'tmel-soak-echo' endpoints for 'tmel soak --connect' (1 to 100; one subsystem only). Default 0: none." };
        var fragmentTimeout = new Option<TimeSpan?>("--fragment-timeout") { Description = "The TME-L side's QMP fragment timeout (default 00:00:01), as 'tmel soak --fragment-timeout'." };
        var consumeTimeout = new Option<TimeSpan?>("--consume-timeout") { Description = "The TME-L side's QMP consume timeout (default 00:00:05), as 'tmel soak --consume-timeout'." };
        var command = new Command(Name, "Run the simulated TME-L in this process until Ctrl+C or SIGTERM, serving a directory that other processes attach to (tmel demo --connect, samples/c-peer).")
        {
            directory, subsystems, keys, state, sramSize, sramBase, rawEcho, soakEcho, fragmentTimeout, consumeTimeout,
        };

        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            string[] hostArgs = [.. parse.UnmatchedTokens];
            string? unknown = hostArgs.FirstOrDefault(a => !(a.StartsWith("--Tmel:", StringComparison.OrdinalIgnoreCase) || a.StartsWith("--Logging:", StringComparison.OrdinalIgnoreCase)) || !a.Contains('=', StringComparison.Ordinal));
            if (unknown is not null)
            {
                throw new TmelUsageException([$"unrecognized argument '{unknown}' (host settings look like --Tmel:Section:Name=value)."]);
            }

            uint size = parse.GetValue(sramSize);
            uint bus = parse.GetValue(sramBase);
            if (size < QmpSharedMemoryRegion.Alignment || size > QmpSharedMemoryRegion.MaxSize || size % QmpSharedMemoryRegion.Alignment != 0)
            {
                throw new TmelUsageException([$"--sram-size: {size} is not a multiple of 8 from 8 to {QmpSharedMemoryRegion.MaxSize}."]);
            }

            if (bus == 0 || bus % QmpSharedMemoryRegion.Alignment != 0 || (ulong)bus + size > uint.MaxValue)
            {
                throw new TmelUsageException([$"--sram-bus-address: 0x{bus:X8} must be a non-zero multiple of 8 with the region ending below 4 GiB."]);
            }

            int soak = parse.GetValue(soakEcho);
            if (soak is < 0 or > 100)
            {
                throw new TmelUsageException([$"--soak-echo: {soak} is not from 0 to 100."]);
            }

            if (soak > 0 && (parse.GetValue(rawEcho) is not null || parse.GetValue(subsystems) is { Length: > 1 }))
            {
                throw new TmelUsageException(["--soak-echo serves one subsystem: it excludes --raw-echo and a second --subsystem."]);
            }

            var link = new QmpTransportOptions();
            foreach ((Option<TimeSpan?> option, Action<TimeSpan> set) in new (Option<TimeSpan?>, Action<TimeSpan>)[] { (fragmentTimeout, t => link.FragmentTimeout = t), (consumeTimeout, t => link.ConsumeTimeout = t) })
            {
                if (parse.GetValue(option) is { } t)
                {
                    if (t < TimeSpan.FromMilliseconds(1) || t > TimeSpan.FromMinutes(1))
                    {
                        throw new TmelUsageException([$"{option.Name} must be from 00:00:00.001 to 00:01:00."]);
                    }

                    set(t);
                }
            }

            TsimFuses? fuses = null;
            if (parse.GetValue(keys) is { } keyDirectory)
            {
                using TsimSigningIdentity identity = TsimSigningIdentity.Load(keyDirectory.FullName);
                fuses = identity.CreateFuses();
            }

            string root = parse.GetValue(directory)!.FullName;
            string[] served = parse.GetValue(subsystems) is { Length: > 0 } named ? named : ["apps"];
            string? raw = parse.GetValue(rawEcho);
            if (raw is not null && served.Contains(raw))
            {
                throw new TmelUsageException([$"--raw-echo: '{raw}' is also a --subsystem; a subsystem is served raw or by the simulator, not both."]);
            }

            using IHost host = Hosting.TmelSimulatorHostBuilder.Build(hostArgs, o =>
            {
                o.Directory = root;
                foreach (string subsystem in served)
                {
                    o.Subsystems.Add(subsystem);
                }

                o.SramSize = (int)size;
                o.SramBusAddress = bus;
                o.Fuses = fuses;
                o.RawEchoSubsystem = raw;
                o.StateDirectory = parse.GetValue(state)?.FullName;
                o.Link = link;
            }, soak);

            // The console lifetime turns Ctrl+C and SIGTERM into a graceful stop: services withdrawn, links down.
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            TextWriter output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"{ReadyPrefix}{root} (subsystems {string.Join(", ", served)}{(raw is null ? string.Empty : $"; raw echo {raw}")}{(soak == 0 ? string.Empty : $"; {soak} soak echo services")}; pid {Environment.ProcessId}); Ctrl+C or SIGTERM stops it.").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync("tmel simulator: stopped (services withdrawn, links down).").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static void ValidateSubsystems(OptionResult result)
    {
        string[] names = [.. result.Tokens.Select(t => t.Value)];
        foreach (string name in names.Where(n => !System.Text.RegularExpressions.Regex.IsMatch(n, "^[a-z0-9_-]{1,32}$")))
        {
            result.AddError($"--subsystem: '{name}' is not 1-32 of [a-z0-9_-].");
        }

        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            result.AddError("--subsystem: a subsystem is named twice.");
        }
    }
}
