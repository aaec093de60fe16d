using System.Formats.Cbor;
using F = Tmel.Services.Attestation.AttestationVerificationFailure;
using K = Tmel.Services.Attestation.AttestationClaimKeys;

namespace Tmel.Services.Attestation;

/// <summary>Reads a token's claims map into <see cref="AttestationClaims"/>, checking each claim's presence, type and size.</summary>
internal static class AttestationClaimsReader
{
    public static AttestationClaims Read(ReadOnlySpan<byte> payload)
    {
        var reader = new CborReader(payload.ToArray(), CborConformanceMode.Strict);
        string? profile = null;
        byte[]? nonce = null, instanceId = null, implementationId = null, bootSeed = null, extra = null;
        int? clientId = null, lifecycle = null;
        List<AttestationSoftwareComponent>? components = null;
        try
        {
            reader.ReadStartMap();
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
                {
                    reader.SkipValue();
                    reader.SkipValue();
                    continue;
                }

                // A key beyond the 64-bit range is no claim this reader knows: skipped like any other unknown key.
                if (!TryReadKey(reader, out long key))
                {
                    reader.SkipValue();
                    reader.SkipValue();
                    continue;
                }

                switch (key)
                {
                    case K.Profile: profile = Claim(reader, "profile (265)", r => r.ReadTextString()); break;
                    case K.Nonce: nonce = Claim(reader, "nonce (10)", r => r.ReadByteString()); break;
                    case K.InstanceId: instanceId = Claim(reader, "instance id (256)", r => r.ReadByteString()); break;
                    case K.ImplementationId: implementationId = Claim(reader, "implementation id (2396)", r => r.ReadByteString()); break;
                    case K.BootSeed: bootSeed = Claim(reader, "boot seed (2397)", r => r.ReadByteString()); break;
                    case K.ClientId: clientId = Claim(reader, "client id (2394)", r => r.ReadInt32()); break;
                    case K.SecurityLifecycle: lifecycle = Claim(reader, "security lifecycle (2395)", r => r.ReadInt32()); break;
                    case K.SoftwareComponents: components = Claim(reader, "software components (2399)", ReadComponents); break;
                    case K.ExtraClaims: extra = reader.ReadEncodedValue().ToArray(); break;
                    default: reader.SkipValue(); break;
                }
            }

            reader.ReadEndMap();
        }
        catch (CborContentException ex)
        {
            throw new AttestationVerificationException(F.Malformed, $"The claims are not well-formed CBOR: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            throw new AttestationVerificationException(F.Malformed, $"The claims are not a CBOR map: {ex.Message}");
        }

        if (reader.BytesRemaining != 0)
        {
            AttestationTokenVerifier.Fail(F.TrailingBytes, $"{reader.BytesRemaining} bytes follow the claims map.");
        }

        string p = Required(profile, "profile (265)");
        byte[] n = Required(nonce, "nonce (10)");
        byte[] id = Required(instanceId, "instance id (256)");
        byte[] impl = Required(implementationId, "implementation id (2396)");
        int client = Required(clientId, "client id (2394)");
        int life = Required(lifecycle, "security lifecycle (2395)");
        List<AttestationSoftwareComponent> sw = Required(components, "software components (2399)");
        Check(p == K.PsaProfile, $"the profile is '{p}', not '{K.PsaProfile}'");
        Check(K.IsNonceLength(n.Length), $"the nonce is {n.Length} bytes; 32, 48 or 64 are allowed");
        Check(id.Length == 33 && id[0] == 0x01, $"the instance id is {id.Length} bytes; a RAND ueid of 33 bytes starting 0x01 is required");
        Check(impl.Length == 32, $"the implementation id is {impl.Length} bytes; 32 are required");
        Check(life is >= 0 and <= 0xFFFF, $"the security lifecycle {life} is not a uint16");
        Check(bootSeed is null || bootSeed.Length is >= 8 and <= 32, $"the boot seed is {bootSeed?.Length} bytes; 8..32 are allowed");
        Check(sw.Count > 0, "the software components are empty");
        return new AttestationClaims(p, n, id, impl, client, life, bootSeed, sw, extra);
    }

    private static List<AttestationSoftwareComponent> ReadComponents(CborReader reader)
    {
        var list = new List<AttestationSoftwareComponent>();
        reader.ReadStartArray();
        while (reader.PeekState() != CborReaderState.EndArray)
        {
            string? type = null, version = null, description = null;
            byte[]? value = null, signer = null;
            reader.ReadStartMap();
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                switch (reader.ReadInt64())
                {
                    case K.ComponentMeasurementType: type = reader.ReadTextString(); break;
                    case K.ComponentMeasurementValue: value = reader.ReadByteString(); break;
                    case K.ComponentVersion: version = reader.ReadTextString(); break;
                    case K.ComponentSignerId: signer = reader.ReadByteString(); break;
                    case K.ComponentMeasurementDescription: description = reader.ReadTextString(); break;
                    default: reader.SkipValue(); break;
                }
            }

            reader.ReadEndMap();
            byte[] v = Required(value, $"software component {list.Count} measurement-value (2)");
            byte[] s = Required(signer, $"software component {list.Count} signer-id (5)");
            Check(K.IsNonceLength(v.Length), $"software component {list.Count}'s measurement is {v.Length} bytes; 32, 48 or 64 are allowed");
            Check(K.IsNonceLength(s.Length), $"software component {list.Count}'s signer id is {s.Length} bytes; 32, 48 or 64 are allowed");
            list.Add(new AttestationSoftwareComponent(type, v, version, s, description));
        }

        reader.ReadEndArray();
        return list;
    }

    private static T Claim<T>(CborReader reader, string name, Func<CborReader, T> read)
    {
        try
        {
            return read(reader);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OverflowException)
        {
            throw new AttestationVerificationException(F.WrongClaimType, $"The claim {name} has the wrong type: {ex.Message}");
        }
    }

    private static T Required<T>(T? value, string name)
        where T : class
    {
        if (value is null)
        {
            AttestationTokenVerifier.Fail(F.MissingClaim, $"The required claim {name} is missing.");
        }

        return value!;
    }

    private static int Required(int? value, string name)
    {
        if (value is null)
        {
            AttestationTokenVerifier.Fail(F.MissingClaim, $"The required claim {name} is missing.");
        }

        return value!.Value;
    }

    private static void Check(bool condition, string why)
    {
        if (!condition)
        {
            AttestationTokenVerifier.Fail(F.WrongClaimType, $"Wrong claim: {why}.");
        }
    }

    private static bool TryReadKey(CborReader reader, out long key)
    {
        try
        {
            key = reader.ReadInt64();
            return true;
        }
        catch (OverflowException)
        {
            // ReadInt64 throws before it consumes the key (fuzz/regressions/attestation-structs/claims-key-beyond-int64).
            key = 0;
            return false;
        }
    }
}
