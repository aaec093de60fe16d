using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tmel.Services.ImageAuth;

/// <summary>The OU fields of the attestation (signer) certificate's subject (services.md §1.6, §1.8).</summary>
/// <remarks>
/// Each OU is the text <c>"NN &lt;hex&gt; NAME"</c>, the hex upper-case with a fixed number of digits:
/// <code>
///  01 &lt;sw_id:16&gt; SW_ID     02 &lt;hw_id:16&gt; HW_ID     03 &lt;debug:16&gt; DEBUG
///  04 &lt;oem_id:4&gt; OEM_ID    06 &lt;model:4&gt; MODEL_ID   07 0002 SHA384
/// </code>
/// The reader wants each of the six exactly once; other OU numbers (05 SW_SIZE, 11, 13, 14) are ignored. The DEBUG value
/// is the OEM metadata's 2-bit debug field (2 = disabled, as qtestsign writes it).
/// </remarks>
internal sealed record SignerSubjectFields(ulong SwId, ulong HwId, ulong Debug, uint OemId, uint ModelId, uint HashAlgorithm)
{
    /// <summary>OU 07's value for SHA-384.</summary>
    public const uint Sha384 = 2;

    private const string OrganizationalUnitOid = "2.5.4.11";

    private static readonly (string Number, string Name, int Digits)[] s_fields =
    [
        ("01", "SW_ID", 16),
        ("02", "HW_ID", 16),
        ("03", "DEBUG", 16),
        ("04", "OEM_ID", 4),
        ("06", "MODEL_ID", 4),
        ("07", "SHA384", 4),
    ];

    /// <summary>The six OU strings, in field order.</summary>
    public IEnumerable<string> ToOrganizationalUnits()
    {
        yield return Format(0, SwId);
        yield return Format(1, HwId);
        yield return Format(2, Debug);
        yield return Format(3, OemId);
        yield return Format(4, ModelId);
        yield return Format(5, HashAlgorithm);
    }

    /// <summary>Reads the six fields from a subject.</summary>
    /// <returns><see langword="null"/> on success, otherwise why the subject does not carry them.</returns>
    public static string? TryRead(X500DistinguishedName subject, out SignerSubjectFields? fields)
    {
        fields = null;
        var values = new ulong?[s_fields.Length];
        try
        {
            foreach (X500RelativeDistinguishedName rdn in subject.EnumerateRelativeDistinguishedNames())
            {
                if (rdn.HasMultipleElements)
                {
                    return "the subject has a multi-valued RDN";
                }

                if (rdn.GetSingleElementType().Value != OrganizationalUnitOid)
                {
                    continue;
                }

                string? text = rdn.GetSingleElementValue();
                if (text is null || text.Length < 3 || text[2] != ' ')
                {
                    return "an OU is not of the form \"NN <hex> NAME\"";
                }

                int field = Array.FindIndex(s_fields, f => text.StartsWith(f.Number, StringComparison.Ordinal));
                if (field < 0)
                {
                    continue;
                }

                (string number, string name, int digits) = s_fields[field];
                if (text.Length != 2 + 1 + digits + 1 + name.Length
                    || text[3 + digits] != ' '
                    || !text.EndsWith(name, StringComparison.Ordinal)
                    || !ulong.TryParse(text.AsSpan(3, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value))
                {
                    return $"OU {number} is not \"{number} <{digits} hex digits> {name}\"";
                }

                if (values[field] is not null)
                {
                    return $"OU {number} {name} appears twice";
                }

                values[field] = value;
            }
        }
        catch (CryptographicException)
        {
            return "the subject name cannot be decoded";
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is null)
            {
                return $"OU {s_fields[i].Number} {s_fields[i].Name} is missing";
            }
        }

        fields = new SignerSubjectFields(values[0]!.Value, values[1]!.Value, values[2]!.Value, (uint)values[3]!.Value, (uint)values[4]!.Value, (uint)values[5]!.Value);
        return null;
    }

    private static string Format(int field, ulong value)
    {
        (string number, string name, int digits) = s_fields[field];
        return $"{number} {value.ToString("X" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)} {name}";
    }
}
