using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tmel.Cli.Hosting;
using Tmel.Services.Device;
using Tmel.Services.Tmelcom;

namespace Tmel.Cli.Commands;

/// <summary><c>tmel device fuses|state|arb</c>: the simulated TME-L's own state through the whole stack.</summary>
internal static class DeviceCommand
{
    /// <summary>The rows <c>tmel device fuses</c> reads (docs/device-services.md): OEM ATE row 0, rootfs auth, HW_ID, the seven OEM_PK_HASH rows.</summary>
    private static readonly uint[] s_rows = [0xA00E0, 0xA0058, 0xA0200, 0xA00F8, 0xA0100, 0xA0108, 0xA0110, 0xA0118, 0xA0120, 0xA0128];

    public static Command Create() =>
        new("device", "Read the simulated TME-L's own state through the whole stack: fuse rows, GET_STATE, anti-rollback versions.")
        {
            Create("fuses", "FUSE_READ_MULTIPLE_ROW: the OEM ATE row, rootfs auth, HW_ID and the OEM_PK_HASH rows.", swId: false, ReadFusesAsync),
            Create("state", "GET_STATE: the state bits and the patch version.", swId: false, ReadStateAsync),
            Create("arb", "GET_ARB_VERSION of --sw-id: the committed anti-rollback version.", swId: true, ReadArbAsync),
        };

    private static Command Create(string name, string description, bool swId, Func<DeviceClient, uint, CancellationToken, Task<(JsonNode Json, string Text)>> read)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var id = new Option<uint>("--sw-id") { Description = "The software id (decimal or 0x-prefixed hex).", Required = true, CustomParser = ImageCommand.ParseUInt32 };
        var timeout = TimeoutOption.Create("Give up after this long (for example 00:00:30).", TimeSpan.FromSeconds(30));
        var command = new Command(name, description) { json, timeout };
        if (swId)
        {
            command.Options.Add(id);
        }

        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            TimeSpan limit = parse.GetValue(timeout);
            using IHost host = TmelHostBuilder.Build(TmelHostBuilder.Create([]));
            TimeProvider time = host.Services.GetRequiredService<TimeProvider>();
            using var deadline = new CancellationTokenSource(limit, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            await host.StartAsync(linked.Token).ConfigureAwait(false);
            try
            {
                DeviceClient client = await host.Services.GetRequiredService<DeviceDriver>().WaitForClientAsync(limit, time, linked.Token).ConfigureAwait(false);
                (JsonNode node, string text) = await read(client, swId ? parse.GetValue(id) : 0, linked.Token).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(json) ? node.ToJsonString(CliJson.Lines) : text).ConfigureAwait(false);
                return 0;
            }
            finally
            {
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }, ct));
        return command;
    }

    private static async Task<(JsonNode, string)> ReadFusesAsync(DeviceClient client, uint swId, CancellationToken ct)
    {
        IReadOnlyList<FuseEntry> rows = await client.ReadFusesAsync(s_rows, ct).ConfigureAwait(false);
        var array = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject { ["address"] = $"0x{r.Address:X8}", ["value"] = $"0x{r.Value:X16}" })]);
        string text = string.Join(Environment.NewLine, rows.Select(r => $"0x{r.Address:X8}  0x{r.Value:X16}"));
        return (array, text);
    }

    private static async Task<(JsonNode, string)> ReadStateAsync(DeviceClient client, uint swId, CancellationToken ct)
    {
        DeviceState state = await client.GetStateAsync(ct).ConfigureAwait(false);
        var node = new JsonObject { ["state"] = state.State, ["patchApplied"] = state.PatchApplied, ["missionMode"] = state.MissionMode, ["patchVersion"] = state.PatchVersion };
        return (node, $"state 0x{state.State:X} (patch applied {state.PatchApplied}, mission mode {state.MissionMode}), patch version \"{state.PatchVersion}\"");
    }

    private static async Task<(JsonNode, string)> ReadArbAsync(DeviceClient client, uint swId, CancellationToken ct)
    {
        ArbVersionMessage arb = await client.GetArbVersionAsync(swId, ct).ConfigureAwait(false);
        var node = new JsonObject { ["swId"] = $"0x{swId:X}", ["oemVersion"] = arb.OemVersion, ["oemIsValid"] = arb.OemIsValid, ["qtiVersion"] = arb.QtiVersion, ["qtiIsValid"] = arb.QtiIsValid };
        return (node, $"sw_id 0x{swId:X}: OEM version {arb.OemVersion} ({(arb.OemIsValid ? "committed" : "none committed")}), QTI version {arb.QtiVersion} ({(arb.QtiIsValid ? "valid" : "not valid")})");
    }
}
