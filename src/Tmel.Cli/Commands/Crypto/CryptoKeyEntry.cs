using System.Globalization;
using System.Text.Json.Nodes;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>One key <c>tmel crypto</c> made: its handle, the words it was made with, and its policy (never its bytes).</summary>
internal sealed record CryptoKeyEntry(uint Handle, string? Type, string[] Usage, string? Algorithm, bool? Persistent, TmeKeyPolicy? Policy)
{
    public JsonObject ToJson() => new()
    {
        ["handle"] = Handle,
        ["type"] = Type,
        ["usage"] = new JsonArray([.. Usage.Select(u => (JsonNode)u)]),
        ["alg"] = Algorithm,
        ["persistent"] = Persistent,
        ["policyLow"] = Policy is { } p ? $"0x{p.Low:X8}" : null,
        ["policyHigh"] = Policy is { } q ? $"0x{q.High:X8}" : null,
    };

    public string ToText() =>
        $"key {Handle}: {Type ?? "?"} {(Usage.Length == 0 ? "?" : string.Join(',', Usage))}{(Algorithm is null ? string.Empty : " " + Algorithm)} {Persistent switch { true => "persistent", false => "volatile", null => "persistence unknown" }} policy {(Policy is { } p ? $"0x{p.High:X8}{p.Low:X8}" : "unknown (it travelled inside the wrapped blob)")}";

    /// <exception cref="System.Text.Json.JsonException">A field is missing.</exception>
    /// <exception cref="InvalidOperationException">A field has the wrong JSON type.</exception>
    /// <exception cref="FormatException">A policy word is not hex.</exception>
    public static CryptoKeyEntry FromJson(JsonObject json) => new(
        (json["handle"] ?? throw new System.Text.Json.JsonException("a key has no handle")).GetValue<uint>(),
        json["type"]?.GetValue<string>(),
        [.. (json["usage"] as JsonArray ?? []).Select(u => (u ?? throw new System.Text.Json.JsonException("a usage is null")).GetValue<string>())],
        json["alg"]?.GetValue<string>(),
        json["persistent"]?.GetValue<bool>(),
        json["policyLow"] is { } low && json["policyHigh"] is { } high ? new TmeKeyPolicy(Hex(low), Hex(high)) : null);

    private static uint Hex(JsonNode node) => uint.Parse(node.GetValue<string>().AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
