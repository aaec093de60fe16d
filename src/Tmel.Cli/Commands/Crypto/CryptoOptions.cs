using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json.Nodes;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>The options <c>tmel crypto</c>'s subcommands share, and how they read inputs and write outputs.</summary>
internal static class CryptoOptions
{
    /// <summary>The largest input read from a file or hex: the simulator's data limit (docs/crypto.md).</summary>
    public const int MaxInputLength = 1024 * 1024;

    public static Option<DirectoryInfo?> State() => new("--state") { Description = "Run the simulator in this process, its device state (persistent keys) in DIR." };

    public static Option<DirectoryInfo?> Connect() => new("--connect") { Description = "Attach to a running 'tmel simulator --dir DIR' (as subsystem apps); its keys live as long as it runs." };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object instead of text." };

    public static Option<TimeSpan> Timeout() => TimeoutOption.Create("Give up after this long (for example 00:00:30).", TimeSpan.FromSeconds(30));

    public static Option<uint> Key(string name = "--key", string description = "The key's handle (1..255).") =>
        new(name) { Description = description, Required = true, CustomParser = ParseHandle };

    public static Option<string> Type(bool required) => new("--type")
    {
        Description = $"The key type: {string.Join('|', CryptoKeyWords.Types)}.",
        Required = required,
        CustomParser = r => OneOf(r, CryptoKeyWords.Types),
    };

    public static Option<string?> Usage() => new("--usage") { Description = "What the key may do, comma-separated: sign,verify,encrypt,decrypt,derive,wrap (mac for hmac keys)." };

    public static Option<string?> Algorithm(string description) => new("--alg")
    {
        Description = description,
        CustomParser = r => OneOf(r, CryptoKeyWords.Algorithms),
    };

    public static Option<bool> Volatile() => new("--volatile") { Description = "Make a key that does not persist (its policy's KWC has no KWK_STORAGE bit)." };

    public static Option<FileInfo?> In(string name = "--in", string what = "the input") => new(name) { Description = $"Read {what} from this file." };

    public static Option<byte[]?> InHex(string name = "--in-hex", string what = "the input") => new(name) { Description = $"Give {what} as hex instead.", CustomParser = ParseHex };

    public static Option<FileInfo?> Out(string what) => new("--out") { Description = $"Write {what} to this file (printed as hex, or PEM, when left out)." };

    /// <summary>The common options, added to a subcommand with the rule that --state and --connect exclude each other.</summary>
    public sealed class Common
    {
        public Option<DirectoryInfo?> State { get; } = CryptoOptions.State();

        public Option<DirectoryInfo?> Connect { get; } = CryptoOptions.Connect();

        public Option<bool> Json { get; } = CryptoOptions.Json();

        public Option<TimeSpan> Timeout { get; } = CryptoOptions.Timeout();

        public void AddTo(Command command)
        {
            command.Options.Add(State);
            command.Options.Add(Connect);
            command.Options.Add(Json);
            command.Options.Add(Timeout);
            command.Validators.Add(result =>
            {
                if (result.GetValue(State) is not null && result.GetValue(Connect) is not null)
                {
                    result.AddError("--state and --connect exclude each other: run the simulator here, or attach to one.");
                }
            });
        }

        public CryptoTarget Target(ParseResult parse) => new(parse.GetValue(State)?.FullName, parse.GetValue(Connect)?.FullName, parse.GetValue(Timeout));
    }

    /// <summary>The input: exactly one of the file and the hex option.</summary>
    /// <exception cref="TmelUsageException">Neither or both given, the file cannot be read, or it is too large.</exception>
    public static async Task<byte[]> ReadInputAsync(ParseResult parse, Option<FileInfo?> file, Option<byte[]?> hex, CancellationToken cancellationToken, bool allowEmpty = true)
    {
        FileInfo? path = parse.GetResult(file) is null ? null : parse.GetValue(file);
        byte[]? bytes = parse.GetResult(hex) is null ? null : parse.GetValue(hex);
        if ((path is null) == (bytes is null))
        {
            throw new TmelUsageException($"give exactly one of {file.Name} FILE and {hex.Name} HEX.");
        }

        bytes ??= await ReadFileAsync(path!, file.Name, cancellationToken).ConfigureAwait(false);
        if (bytes.Length > MaxInputLength)
        {
            throw new TmelUsageException($"{(path is null ? hex.Name : file.Name)}: {bytes.Length} bytes is more than the {MaxInputLength} TME-L takes.");
        }

        return bytes.Length == 0 && !allowEmpty ? throw new TmelUsageException($"{(path is null ? hex.Name : file.Name)}: the input is empty.") : bytes;
    }

    public static async Task<byte[]> ReadFileAsync(FileInfo path, string option, CancellationToken cancellationToken)
    {
        try
        {
            using Microsoft.Win32.SafeHandles.SafeFileHandle handle = RegularFile.OpenRead(path.FullName);
            long length = RandomAccess.GetLength(handle);
            if (length > MaxInputLength)
            {
                throw new TmelUsageException($"{option} {path.FullName}: {length} bytes is more than the {MaxInputLength} TME-L takes.");
            }

            byte[] bytes = new byte[length];
            int read = 0;
            while (read < bytes.Length)
            {
                int n = await RandomAccess.ReadAsync(handle, bytes.AsMemory(read), read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return bytes[..read];
        }
        catch (Exception ex) when (ex is ImageFileException or IOException or UnauthorizedAccessException)
        {
            throw new TmelUsageException($"{option} {path.FullName}: {ex.Message}");
        }
    }

    /// <summary>Writes binary output to --out, or returns it as hex for the transcript.</summary>
    public static async Task<(string Text, JsonObject Json)> WriteOutputAsync(ParseResult parse, Option<FileInfo?> output, byte[] bytes, string what, CancellationToken cancellationToken)
    {
        if (parse.GetValue(output) is { } file)
        {
            await WriteFileAsync(file, output.Name, bytes, cancellationToken).ConfigureAwait(false);
            return ($"{what}: {bytes.Length} bytes -> {file.FullName}", new JsonObject { ["bytes"] = bytes.Length, ["out"] = file.FullName });
        }

        string hex = Convert.ToHexStringLower(bytes);
        return (hex, new JsonObject { ["bytes"] = bytes.Length, ["hex"] = hex });
    }

    public static async Task WriteFileAsync(FileInfo file, string option, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await File.WriteAllBytesAsync(file.FullName, bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TmelUsageException($"{option} {file.FullName}: {ex.Message}");
        }
    }

    public static uint ParseHandle(ArgumentResult result)
    {
        uint value = ImageCommand.ParseUInt32(result);
        if (result.Errors.Any())
        {
            return 0;
        }

        if (value is < 1 or > 255)
        {
            string name = result.Parent is OptionResult option ? option.Option.Name : "--key";
            result.AddError($"{name}: {value} is no key handle; TME-L issues 1..255.");
        }

        return value;
    }

    public static byte[]? ParseHex(ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        string name = result.Parent is OptionResult option ? option.Option.Name : "hex";
        try
        {
            byte[] bytes = Convert.FromHexString(text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text);
            if (bytes.Length > MaxInputLength)
            {
                result.AddError($"{name}: {bytes.Length} bytes is more than the {MaxInputLength} TME-L takes.");
            }

            return bytes;
        }
        catch (FormatException)
        {
            result.AddError($"{name}: '{(text.Length > 40 ? text[..40] + "…" : text)}' is not hex (an even number of 0-9a-f digits).");
            return null;
        }
    }

    private static string OneOf(ArgumentResult result, string[] words)
    {
        string text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (!words.Contains(text, StringComparer.Ordinal))
        {
            string name = result.Parent is OptionResult option ? option.Option.Name : "value";
            result.AddError($"{name}: '{text}' is not one of {string.Join(", ", words)}.");
        }

        return text;
    }
}
