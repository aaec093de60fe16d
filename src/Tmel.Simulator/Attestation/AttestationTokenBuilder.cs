using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Text;
using Tmel.Services.Attestation;
using Tmel.Services.ImageAuth;
using K = Tmel.Services.Attestation.AttestationClaimKeys;

namespace Tmel.Simulator;

/// <summary>
/// Builds the attestation token: a tagged COSE_Sign1, ES384, protected header <c>{1: -35}</c>, unprotected header
/// <c>{4: kid}</c>, over a PSA-profile claims map written with <see cref="CborWriter"/> (docs/attestation.md).
/// </summary>
internal static class AttestationTokenBuilder
{
    /// <summary>The implementation id: SHA-256 of this text (services.md §2.4).</summary>
    public const string ImplementationText = "TmelRpmsg TME-L simulator v1";

    /// <summary>The software component listed when no image is authenticated: the simulator firmware itself.</summary>
    public const string FirmwareComponentType = "TMEL_SIM_FW";

    public static readonly byte[] ImplementationId = SHA256.HashData(Encoding.ASCII.GetBytes(ImplementationText));

    public static byte[] Build(AttestationIdentity identity, ReadOnlySpan<byte> nonce, int clientId, byte[] bootSeed, IReadOnlyList<TsimMeasurement> images, ReadOnlySpan<byte> extraClaims)
    {
        // Keys in canonical order (RFC 8949 §4.2.1: unsigned before negative, shorter before longer).
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(extraClaims.IsEmpty ? 8 : 9);
        writer.WriteInt32(K.Nonce);
        writer.WriteByteString(nonce);
        writer.WriteInt32(K.InstanceId);
        writer.WriteByteString(identity.InstanceId);
        writer.WriteInt32(K.Profile);
        writer.WriteTextString(K.PsaProfile);
        writer.WriteInt32(K.ClientId);
        writer.WriteInt32(clientId);
        writer.WriteInt32(K.SecurityLifecycle);
        writer.WriteInt32(K.LifecycleSecured);
        writer.WriteInt32(K.ImplementationId);
        writer.WriteByteString(ImplementationId);
        writer.WriteInt32(K.BootSeed);
        writer.WriteByteString(bootSeed);
        writer.WriteInt32(K.SoftwareComponents);
        WriteComponents(writer, identity, images);
        if (!extraClaims.IsEmpty)
        {
            writer.WriteInt32(K.ExtraClaims);
            writer.WriteEncodedValue(extraClaims);
        }

        writer.WriteEndMap();
        byte[] payload = writer.Encode();

        var unprotectedHeaders = new CoseHeaderMap { [CoseHeaderLabel.KeyIdentifier] = CoseHeaderValue.FromBytes(identity.KeyId) };
        var signer = new CoseSigner(identity.Key, HashAlgorithmName.SHA384, protectedHeaders: null, unprotectedHeaders);
        return CoseSign1Message.SignEmbedded(payload, signer);
    }

    private static void WriteComponents(CborWriter writer, AttestationIdentity identity, IReadOnlyList<TsimMeasurement> images)
    {
        if (images.Count == 0)
        {
            writer.WriteStartArray(1);
            WriteComponent(
                writer,
                FirmwareComponentType,
                SHA384.HashData(Encoding.ASCII.GetBytes(ImplementationText)),
                "1",
                SHA384.HashData(identity.CaCertificate.PublicKey.ExportSubjectPublicKeyInfo()));
            writer.WriteEndArray();
            return;
        }

        writer.WriteStartArray(images.Count);
        foreach (TsimMeasurement image in images)
        {
            WriteComponent(writer, $"SW_ID_0x{image.SwId:X8}", image.Digest, image.AntiRollbackVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), image.SignerId);
        }

        writer.WriteEndArray();
    }

    private static void WriteComponent(CborWriter writer, string type, byte[] measurement, string version, byte[] signerId)
    {
        writer.WriteStartMap(5);
        writer.WriteInt32(K.ComponentMeasurementType);
        writer.WriteTextString(type);
        writer.WriteInt32(K.ComponentMeasurementValue);
        writer.WriteByteString(measurement);
        writer.WriteInt32(K.ComponentVersion);
        writer.WriteTextString(version);
        writer.WriteInt32(K.ComponentSignerId);
        writer.WriteByteString(signerId);
        writer.WriteInt32(K.ComponentMeasurementDescription);
        writer.WriteTextString("sha-384");
        writer.WriteEndMap();
    }
}
