using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Tmel.Cli.Soak;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Commands;

/// <summary><c>tmel soak</c>: traffic through the whole stack under injected QMP faults, with a per-message ledger (docs/reliability.md).</summary>
internal static class SoakCommand
{
    public static Command Create()
    {
        var messages = new Option<long>("--messages") { Description = "Messages to send (default 10000).", DefaultValueFactory = _ => 10_000 };
        var duration = new Option<TimeSpan?>("--duration") { Description = "Run this long instead of a message count (for example 00:10:00)." };
        var faultRate = new Option<double>("--fault-rate") { Description = "Probability of each fault kind per opportunity (ring, fragment write, peer read), 0 to 0.25 (default 0.002).", DefaultValueFactory = _ => 0.002 };
        var fault = new Option<string[]>("--fault") { Description = "A per-kind rate, KIND=RATE (for example CorruptedPayload=0.01); repeatable. Kinds: " + string.Join(", ", Enum.GetNames<QmpFaultKind>()) + ".", AllowMultipleArgumentsPerToken = false };
        var seed = new Option<int>("--seed") { Description = "Seed of the injectors and the message sizes (default 1).", DefaultValueFactory = _ => 1 };
        var side = new Option<SoakFaultSide>("--faults-on") { Description = "Inject into the client's mailbox, the simulator's, or both (default).", DefaultValueFactory = _ => SoakFaultSide.Both };
        var clients = new Option<int>("--clients") { Description = "Client endpoints, one exchange in flight each (default 8).", DefaultValueFactory = _ => 8 };
        var services = new Option<int>("--services") { Description = "Echo services on the simulator's bus (default 4).", DefaultValueFactory = _ => 4 };
        var fragmentTimeout = new Option<TimeSpan>("--fragment-timeout") { Description = "The links' fragment timeout for the run (default 00:00:00.020).", DefaultValueFactory = _ => TimeSpan.FromMilliseconds(20) };
        var consumeTimeout = new Option<TimeSpan>("--consume-timeout") { Description = "The links' consume timeout for the run (default 00:00:00.050).", DefaultValueFactory = _ => TimeSpan.FromMilliseconds(50) };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var connect = new Option<DirectoryInfo?>("--connect") { Description = "Attach to a running 'tmel simulator --dir DIR --soak-echo N' instead of the in-memory simulator; faults are injected on the client's mailbox only." };
        var process = new Option<bool>("--simulator-process") { Description = "Start 'tmel simulator --soak-echo' in a temporary directory, attach to it, and stop it at the end." };
        var killEvery = new Option<TimeSpan?>("--kill-simulator-every") { Description = "SIGKILL the simulator process after this much traffic and start a new one on the same directory, again and again (implies --simulator-process)." };
        var kills = new Option<int?>("--simulator-kills") { Description = "With --kill-simulator-every: stop once this many kills were made and recovered from (instead of --messages)." };
        var logLevel = new Option<Microsoft.Extensions.Logging.LogLevel?>("--log-level") { Description = "Log the stack at this level to standard error (default: no logs)." };
        var command = new Command("soak", "Send ledger messages through the whole stack under injected QMP faults and report lost, duplicated, corrupted and hung messages; exit 1 on any.")
        {
            messages, duration, faultRate, fault, seed, side, clients, services, fragmentTimeout, consumeTimeout, connect, process, killEvery, kills, json, logLevel,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            List<string> problems = Validate(parse, messages, duration, faultRate, fault, clients, services, fragmentTimeout, consumeTimeout);
            problems.AddRange(ValidateSimulator(parse, connect, process, killEvery, side));
            if (parse.GetValue(kills) is { } n && (n is < 1 or > 100_000 || parse.GetValue(killEvery) is null))
            {
                problems.Add("--simulator-kills must be from 1 to 100000, with --kill-simulator-every.");
            }

            if (problems.Count > 0)
            {
                throw new TmelUsageException(problems);
            }

            var rates = new Dictionary<QmpFaultKind, double>();
            foreach (string text in parse.GetValue(fault) ?? [])
            {
                _ = TryParseKindRate(text, out QmpFaultKind kind, out double rate);
                rates[kind] = rate;
            }

            var settings = new SoakSettings
            {
                Messages = parse.GetValue(messages),
                Duration = parse.GetValue(duration),
                FaultRate = parse.GetValue(faultRate),
                KindRates = rates,
                Seed = parse.GetValue(seed),
                FaultSide = parse.GetValue(side),
                Clients = parse.GetValue(clients),
                Services = parse.GetValue(services),
                FragmentTimeout = parse.GetValue(fragmentTimeout),
                ConsumeTimeout = parse.GetValue(consumeTimeout),
                LogLevel = parse.GetValue(logLevel),
                ConnectDirectory = parse.GetValue(connect)?.FullName,
                SimulatorProcess = parse.GetValue(process) || parse.GetValue(killEvery) is not null,
                KillSimulatorEvery = parse.GetValue(killEvery),
                SimulatorKills = parse.GetValue(kills),
            };
            try
            {
                // The rates of one opportunity (ring, fragment write, peer read) must not add up to more than 1.
                new QmpFaultInjectingMailbox(QmpInMemoryMailbox.CreatePair().Local, settings.CreateFaultOptions(0)).Dispose();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new TmelUsageException(ex.Message);
            }

            SoakResult result = await new SoakRunner(settings, TimeProvider.System, parse.InvocationConfiguration.Error).RunAsync(ct).ConfigureAwait(false);
            await SoakReport.WriteAsync(parse.InvocationConfiguration.Output, result, parse.GetValue(json)).ConfigureAwait(false);
            return result.Passed ? 0 : CliErrors.Failed;
        }, ct));
        return command;
    }

    private static List<string> Validate(ParseResult result, Option<long> messages, Option<TimeSpan?> duration, Option<double> faultRate, Option<string[]> fault, Option<int> clients, Option<int> services, Option<TimeSpan> fragmentTimeout, Option<TimeSpan> consumeTimeout)
    {
        List<string> problems = [];
        if (result.GetValue(messages) < 1)
        {
            problems.Add("--messages must be at least 1.");
        }

        if (result.GetValue(duration) is { } d && (d <= TimeSpan.Zero || d > TimeSpan.FromDays(7)))
        {
            problems.Add("--duration must be above 0 and at most 7 days.");
        }

        if (result.GetValue(faultRate) is < 0 or > 0.25)
        {
            problems.Add("--fault-rate must be from 0 to 0.25.");
        }

        if (result.GetValue(clients) is < 1 or > 1000 || result.GetValue(services) is < 1 or > 100)
        {
            problems.Add("--clients must be from 1 to 1000 and --services from 1 to 100.");
        }

        foreach (Option<TimeSpan> timeout in new[] { fragmentTimeout, consumeTimeout })
        {
            TimeSpan t = result.GetValue(timeout);
            if (t < TimeSpan.FromMilliseconds(1) || t > TimeSpan.FromMinutes(1))
            {
                problems.Add($"{timeout.Name} must be from 00:00:00.001 to 00:01:00.");
            }
        }

        foreach (string text in result.GetValue(fault) ?? [])
        {
            if (!TryParseKindRate(text, out _, out _))
            {
                problems.Add($"--fault: '{text}' is not KIND=RATE with a known kind and a rate from 0 to 1.");
            }
        }

        return problems;
    }

    private static IEnumerable<string> ValidateSimulator(ParseResult result, Option<DirectoryInfo?> connect, Option<bool> process, Option<TimeSpan?> killEvery, Option<SoakFaultSide> side)
    {
        bool connected = result.GetValue(connect) is not null;
        if (connected && result.GetValue(process))
        {
            yield return "--connect and --simulator-process exclude each other: attach to a running simulator, or start one.";
        }

        if (result.GetValue(killEvery) is { } every)
        {
            if (connected)
            {
                yield return "--kill-simulator-every needs a simulator process the soak owns: drop --connect (it implies --simulator-process).";
            }

            if (every < TimeSpan.FromMilliseconds(100) || every > TimeSpan.FromDays(1))
            {
                yield return "--kill-simulator-every must be from 00:00:00.100 to 1 day.";
            }
        }

        bool otherProcess = connected || result.GetValue(process) || result.GetValue(killEvery) is not null;
        if (otherProcess && result.GetResult(side) is { Implicit: false } && result.GetValue(side) != SoakFaultSide.Client)
        {
            yield return "--faults-on: with the simulator in its own process only the client's mailbox can be injected (--faults-on client).";
        }
    }

    internal static bool TryParseKindRate(string text, out QmpFaultKind kind, out double rate)
    {
        rate = 0;
        kind = default;
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            && Enum.TryParse(text[..equals], ignoreCase: true, out kind)
            && Enum.IsDefined(kind)
            && double.TryParse(text[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out rate)
            && rate is >= 0 and <= 1;
    }
}
