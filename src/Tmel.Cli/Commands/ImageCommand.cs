using System.CommandLine;
using System.Globalization;
using Tmel.Services.ImageAuth;

namespace Tmel.Cli.Commands;

/// <summary><c>tmel image</c>: signing identities, signing and offline verification of TSIM-MBN7 images, and authentication through the stack.</summary>
internal static class ImageCommand
{
    public static Command Create() =>
        new("image", "Create signing keys, sign an ELF as a TSIM-MBN7 image, verify it offline, or authenticate it through the simulated TME-L.")
        {
            CreateKeys(),
            CreateSign(),
            CreateVerify(),
            CreateAuth(),
        };

    private static Command CreateKeys()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "The directory to write root.pem, ca.pem, signer.pem, signer.key and oem_pk_hash.hex to.", Required = true };
        var swId = SwIdOption("The software id in the signer certificate (OU 01 SW_ID).", required: false);
        var oemId = new Option<uint>("--oem-id") { Description = "OEM_ID (0 to 0xFFFF).", DefaultValueFactory = _ => 0x0001, CustomParser = ParseUInt32 };
        var modelId = new Option<uint>("--model-id") { Description = "MODEL_ID (0 to 0xFFFF).", DefaultValueFactory = _ => 0x0001, CustomParser = ParseUInt32 };
        var hwId = new Option<uint>("--hw-id") { Description = "HW_ID, the JTAG id.", DefaultValueFactory = _ => 0x0013_00E1, CustomParser = ParseUInt32 };
        var twoLevels = new Option<bool>("--two-levels") { Description = "A 2-level chain (signer <- root) instead of 3 (signer <- CA <- root)." };
        var command = new Command("keys", "Create a signing identity: a root, an optional CA and a signer certificate with its key, plus the OEM_PK_HASH fuse value.")
        {
            output, swId, oemId, modelId, hwId, twoLevels,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, () =>
        {
            DirectoryInfo directory = parse.GetValue(output)!;
            directory.Create();
            using TsimSigningIdentity identity = TsimSigningIdentity.Create(new TsimIdentityOptions
            {
                SwId = parse.GetValue(swId) ?? 0x0D,
                OemId = parse.GetValue(oemId),
                ModelId = parse.GetValue(modelId),
                HwId = parse.GetValue(hwId),
                ThreeLevels = !parse.GetValue(twoLevels),
            });
            identity.Save(directory.FullName);
            TextWriter writer = parse.InvocationConfiguration.Output;
            writer.WriteLine($"wrote a {(identity.Ca is null ? 2 : 3)}-level signing identity to {directory.FullName}");
            writer.WriteLine($"OEM_PK_HASH {Convert.ToHexStringLower(identity.OemPkHash)}");
            writer.WriteLine($"signer {identity.Signer.Subject}");
            return Task.FromResult(0);
        }, ct));
        return command;
    }

    private static Command CreateSign()
    {
        var input = new Argument<FileInfo>("input") { Description = "The ELF to sign (ELF32 or ELF64, little-endian), for example one gcc just built." };
        var keys = KeysOption();
        var swId = SwIdOption("The image's software id; the signer certificate's SW_ID when left out.", required: false);
        var arb = new Option<uint>("--anti-rollback") { Description = "The image's anti-rollback version (0 to 127).", CustomParser = ParseUInt32 };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the signed image.", Required = true };
        var command = new Command("sign", "Sign an ELF as a TSIM-MBN7 image: hash segment, SHA-384 hash table, ECDSA P-384 signature and the certificate chain.")
        {
            input, keys, swId, arb, output,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            byte[] elf = await File.ReadAllBytesAsync(parse.GetValue(input)!.FullName, ct).ConfigureAwait(false);
            using TsimSigningIdentity identity = TsimSigningIdentity.Load(parse.GetValue(keys)!.FullName);
            uint? requested = parse.GetValue(swId);
            if (requested is uint id && id != identity.GetSoftwareId())
            {
                throw new TsimImageException($"--sw-id 0x{id:X} does not match the signer certificate's SW_ID 0x{identity.GetSoftwareId():X}; the simulator would reject the image.");
            }

            byte[] signed = TsimImageSigner.Sign(elf, identity, identity.CreateSignOptions(requested, parse.GetValue(arb)));
            FileInfo target = parse.GetValue(output)!;
            await File.WriteAllBytesAsync(target.FullName, signed, ct).ConfigureAwait(false);
            TsimImage image = TsimImage.Parse(signed);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"signed {elf.Length} B -> {signed.Length} B: {target.FullName} (sw_id 0x{image.SoftwareId:X}, metadata {image.Metadata.Length} B, carve-out 0x{image.LoadBase:X}+{image.LoadSize})"));
            return 0;
        }, ct));
        return command;
    }

    private static Command CreateVerify()
    {
        var input = new Argument<FileInfo>("image") { Description = "The signed image." };
        var keys = KeysOption();
        var swId = SwIdOption("The software id to check the image against; the signer certificate's SW_ID when left out.", required: false);
        var command = new Command("verify", "Verify a signed image offline, in the order the simulated TME-L does, against fuses that trust the identity in --keys.")
        {
            input, keys, swId,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            byte[] signed = await File.ReadAllBytesAsync(parse.GetValue(input)!.FullName, ct).ConfigureAwait(false);
            using TsimSigningIdentity identity = TsimSigningIdentity.Load(parse.GetValue(keys)!.FullName);
            uint id = parse.GetValue(swId) ?? identity.GetSoftwareId();
            TsimVerificationResult result = TsimImageVerifier.VerifyFile(signed, id, identity.CreateFuses(), TimeProvider.System.GetUtcNow());
            return Report(parse.InvocationConfiguration, result);
        }, ct));
        return command;
    }

    private static Command CreateAuth()
    {
        var input = new Argument<FileInfo>("image") { Description = "The signed image." };
        var keys = KeysOption();
        var swId = SwIdOption("The software id to authenticate as (SEC_AUTH's sw_id); the signer certificate's SW_ID when left out.", required: false);
        var timeout = TimeoutOption.Create("Give up after this long (for example 00:00:30).", TimeSpan.FromSeconds(30));
        var command = new Command("auth", "Authenticate a signed image through the whole stack: a host with the simulated TME-L (whose fuses trust --keys), rpmsg, QMP, SEC_AUTH, then SS_TEAR_DOWN.")
        {
            input, keys, swId, timeout,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            byte[] signed = await File.ReadAllBytesAsync(parse.GetValue(input)!.FullName, ct).ConfigureAwait(false);
            TsimImage image = TsimImage.Parse(signed);
            using TsimSigningIdentity identity = TsimSigningIdentity.Load(parse.GetValue(keys)!.FullName);
            uint id = parse.GetValue(swId) ?? identity.GetSoftwareId();
            return await ImageAuthRun.RunAsync(image, id, identity.CreateFuses(), parse.GetValue(timeout), parse.InvocationConfiguration, ct).ConfigureAwait(false);
        }, ct));
        return command;
    }

    /// <summary>Prints a verification result; a failure is the one error line, with the status and extended error.</summary>
    private static int Report(InvocationConfiguration io, TsimVerificationResult result)
    {
        if (result.IsSuccess)
        {
            io.Output.WriteLine($"verified: sw_id 0x{result.Measurement!.SwId:X}, entry 0x{result.EntryAddress:X8}, first segment 0x{result.FirstSegmentAddress:X8}+{result.FirstSegmentLength}, measurement {Convert.ToHexStringLower(result.Measurement.Digest)}");
            return 0;
        }

        io.Error.WriteLine($"tmel: rejected {ImageRejection.Describe(result)}");
        return CliErrors.Failed;
    }

    private static Option<DirectoryInfo> KeysOption() =>
        new("--keys") { Description = "The directory 'tmel image keys' wrote.", Required = true };

    private static Option<uint?> SwIdOption(string description, bool required) =>
        new("--sw-id") { Description = description + " Decimal or 0x-prefixed hex.", Required = required, CustomParser = r => ParseUInt32(r) };

    internal static uint ParseUInt32(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (uint.TryParse(hex ? text[2..] : text, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out uint value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a 32-bit unsigned number (decimal, or hex with 0x).");
        return 0;
    }
}
