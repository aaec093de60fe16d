using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tmel.Cli.Commands;

/// <summary>How tmel writes JSON lines: compact, and readable as an operator reads them ('+' in an offset and quotes stay as they are; nothing is embedded in HTML).</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Lines = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
