using System.Text.Json.Nodes;
using Tmel.Services.Attestation;

namespace Tmel.Cli.Commands;

/// <summary>Attestation claims as one JSON object: byte strings as lowercase hex, the extra claims as their CBOR hex.</summary>
internal static class AttestationClaimsJson
{
    public static JsonObject ToJson(AttestationClaims claims)
    {
        var components = new JsonArray();
        foreach (AttestationSoftwareComponent c in claims.SoftwareComponents)
        {
            components.Add(new JsonObject
            {
                ["measurementType"] = c.MeasurementType,
                ["measurementValue"] = Convert.ToHexStringLower(c.MeasurementValue),
                ["version"] = c.Version,
                ["signerId"] = Convert.ToHexStringLower(c.SignerId),
                ["measurementDescription"] = c.MeasurementDescription,
            });
        }

        return new JsonObject
        {
            ["profile"] = claims.Profile,
            ["nonce"] = Convert.ToHexStringLower(claims.Nonce),
            ["instanceId"] = Convert.ToHexStringLower(claims.InstanceId),
            ["implementationId"] = Convert.ToHexStringLower(claims.ImplementationId),
            ["clientId"] = claims.ClientId,
            ["securityLifecycle"] = $"0x{claims.SecurityLifecycle:X4}",
            ["bootSeed"] = claims.BootSeed is null ? null : Convert.ToHexStringLower(claims.BootSeed),
            ["softwareComponents"] = components,
            ["extraClaims"] = claims.ExtraClaims is null ? null : Convert.ToHexStringLower(claims.ExtraClaims),
        };
    }
}
