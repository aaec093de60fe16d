using System.CommandLine;
using System.Text.Json.Nodes;

namespace Tmel.Cli.Commands.Crypto;

/// <summary><c>tmel crypto bench</c>: sign and AES-GCM-1KiB operations per second through the whole stack next to .NET called directly, same run.</summary>
internal static class CryptoBenchCommand
{
    public static Command Create()
    {
        var connect = CryptoOptions.Connect();
        var json = CryptoOptions.Json();
        var batches = new Option<int>("--batches") { Description = "Pairs of batches per operation (stack, direct, alternating), 1..1000.", DefaultValueFactory = _ => 9 };
        batches.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError($"--batches: {r.GetValueOrDefault<int>()} is outside 1..1000.");
            }
        });
        var batchTime = new Option<TimeSpan>("--batch-time")
        {
            Description = "How long each batch runs (for example 00:00:00.250).",
            DefaultValueFactory = _ => TimeSpan.FromMilliseconds(250),
            CustomParser = r => TimeSpan.TryParse(r.Tokens.Count == 0 ? string.Empty : r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out TimeSpan t) && t > TimeSpan.Zero && t <= TimeSpan.FromMinutes(1)
                ? t
                : AddError(r, "--batch-time: give a time span above 0 and at most 00:01:00."),
        };
        var timeout = TimeoutOption.Create("Give up after this long.", TimeSpan.FromMinutes(10));
        var command = new Command("bench", "Operations per second of ECDSA P-256 sign and AES-256-GCM 1 KiB encrypt through the whole stack and directly in .NET, in alternating batches; prints the median ratio of the pairs and its spread.")
        {
            connect, json, batches, batchTime, timeout,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            CryptoSession session = await CryptoSession.OpenAsync(new CryptoTarget(null, parse.GetValue(connect)?.FullName, parse.GetValue(timeout)), ct).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var bench = new CryptoBench(session.Client, TimeProvider.System, parse.GetValue(batches), parse.GetValue(batchTime));
                IReadOnlyList<CryptoBenchFigure> figures = await bench.RunAsync(session.Token).ConfigureAwait(false);
                TextWriter output = parse.InvocationConfiguration.Output;
                if (parse.GetValue(json))
                {
                    await output.WriteLineAsync(new JsonObject
                    {
                        ["transport"] = parse.GetValue(connect) is null ? "in-memory" : "process",
                        ["figures"] = new JsonArray([.. figures.Select(f => (JsonNode)f.ToJson())]),
                    }.ToJsonString(CliJson.Lines)).ConfigureAwait(false);
                }
                else
                {
                    foreach (CryptoBenchFigure figure in figures)
                    {
                        await output.WriteLineAsync(figure.ToText()).ConfigureAwait(false);
                    }
                }

                return 0;
            }
        }, ct));
        return command;
    }

    private static TimeSpan AddError(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default;
    }
}
