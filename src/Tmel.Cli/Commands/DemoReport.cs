using System.Globalization;
using System.Text.Json.Nodes;

namespace Tmel.Cli.Commands;

/// <summary>The demo's transcript: readable lines, or one JSON object per line (<c>--json</c>) with the same content.</summary>
internal sealed class DemoReport(TextWriter output, bool json)
{

    public int Steps { get; private set; }

    public int FailedSteps { get; private set; }

    public void Header(string text)
    {
        if (json)
        {
            Write(new JsonObject { ["type"] = "start", ["text"] = text });
        }
        else
        {
            output.WriteLine($"tmel demo: {text}");
        }
    }

    /// <summary>The simulator process the demo started was stopped: its exit code, or null when it had to be killed.</summary>
    public void SimulatorStopped(int pid, int? exitCode)
    {
        string text = exitCode is int code ? $"simulator process {pid} stopped (SIGTERM), exit code {code}" : $"simulator process {pid} did not stop on SIGTERM and was killed";
        if (json)
        {
            Write(new JsonObject { ["type"] = "simulator", ["pid"] = pid, ["exitCode"] = exitCode, ["text"] = text });
        }
        else
        {
            output.WriteLine($"simulator {text}");
        }
    }

    public void LinkState(string role, string from, string to, double atMs)
    {
        if (json)
        {
            Write(new JsonObject { ["type"] = "link", ["role"] = role, ["from"] = from, ["to"] = to, ["atMs"] = Round(atMs) });
        }
        else
        {
            output.WriteLine(Invariant($"link      {role,-6}  {from,-18} -> {to,-18}  at {atMs,8:0.000} ms"));
        }
    }

    public void Channel(string name, uint localAddress, uint remoteAddress)
    {
        if (json)
        {
            Write(new JsonObject { ["type"] = "channel", ["name"] = name, ["localAddress"] = localAddress, ["remoteAddress"] = remoteAddress });
        }
        else
        {
            output.WriteLine(Invariant($"channel   {name,-18}  local {localAddress} <-> remote {remoteAddress} (announced)"));
        }
    }

    /// <summary>One request and its response: what was sent, what came back, whether that is what the step expected.</summary>
    public void Request(string step, string request, string response, bool ok, double elapsedMs, string? detail = null)
    {
        Steps++;
        if (!ok)
        {
            FailedSteps++;
        }

        if (json)
        {
            var line = new JsonObject
            {
                ["type"] = "request",
                ["step"] = step,
                ["request"] = request,
                ["response"] = response,
                ["ok"] = ok,
                ["elapsedMs"] = Round(elapsedMs),
            };
            if (detail is not null)
            {
                line["detail"] = detail;
            }

            Write(line);
        }
        else
        {
            output.WriteLine(Invariant($"request   {step,-22}  {request} -> {response}  {(ok ? "ok" : "FAILED")}  {elapsedMs:0.000} ms{(detail is null ? string.Empty : "  " + detail)}"));
        }
    }

    public void Shutdown(bool ok, double elapsedMs, string detail)
    {
        Steps++;
        if (!ok)
        {
            FailedSteps++;
        }

        if (json)
        {
            Write(new JsonObject { ["type"] = "shutdown", ["ok"] = ok, ["elapsedMs"] = Round(elapsedMs), ["detail"] = detail });
        }
        else
        {
            output.WriteLine(Invariant($"shutdown  {detail}  {(ok ? "ok" : "FAILED")}  {elapsedMs:0.000} ms"));
        }
    }

    public void Trace(string step, string traceId, IReadOnlyList<string> spans)
    {
        if (json)
        {
            Write(new JsonObject { ["type"] = "trace", ["step"] = step, ["traceId"] = traceId, ["spanCount"] = spans.Count, ["spans"] = new JsonArray([.. spans.Select(s => JsonValue.Create(s))]) });
        }
        else
        {
            output.WriteLine(Invariant($"trace     {step,-22}  {traceId}  {spans.Count} spans: {string.Join(", ", spans)}"));
        }
    }

    public void Error(string step, string message)
    {
        Steps++;
        FailedSteps++;
        if (json)
        {
            Write(new JsonObject { ["type"] = "error", ["step"] = step, ["message"] = message });
        }
        else
        {
            output.WriteLine($"error     {step}: {message}");
        }
    }

    public void Result()
    {
        bool ok = FailedSteps == 0;
        if (json)
        {
            Write(new JsonObject { ["type"] = "result", ["ok"] = ok, ["steps"] = Steps, ["failed"] = FailedSteps });
        }
        else
        {
            output.WriteLine(ok
                ? Invariant($"result    ok: all {Steps} steps succeeded")
                : Invariant($"result    FAILED: {FailedSteps} of {Steps} steps failed"));
        }
    }

    private static double Round(double value) => Math.Round(value, 3);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private void Write(JsonObject line) => output.WriteLine(line.ToJsonString(CliJson.Lines));
}
