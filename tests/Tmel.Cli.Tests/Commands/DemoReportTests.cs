using Tmel.Cli.Commands;

namespace Tmel.Cli.Tests.Commands;

/// <summary>The demo transcript's exact lines, readable and as JSON lines.</summary>
public class DemoReportTests
{
    private static (DemoReport Report, StringWriter Output) Create(bool json)
    {
        var output = new StringWriter { NewLine = "\n" };
        return (new DemoReport(output, json), output);
    }

    /// <summary>One of each transcript line, the same for the JSON and the text form.</summary>
    private static void WriteEveryKindOfEvent(DemoReport report)
    {
        report.Header("hello");
        report.LinkState("local", "LocalConnecting", "ChannelConnected", 12.34567);
        report.Channel("tmel-echo", 1024, 53);
        report.Request("echo 1 B", "1 B", "1 B", ok: true, 0.1234, "1 fragment each way");
        report.Request("echo 2 B", "2 B", "TimeoutException", ok: false, 5000);
        report.Shutdown(ok: true, 2.5, "host stopped");
        report.Trace("echo 1 B", "0af7651916cd43dd8448eb211c80319c", ["send tmel-echo [producer]", "receive tmel-echo [client]"]);
    }

    [Fact]
    public void Json_EachEvent_IsOneCompactObjectPerLine()
    {
        (DemoReport report, StringWriter output) = Create(json: true);

        WriteEveryKindOfEvent(report);
        report.Error("run", "it broke");
        report.Result();

        Assert.Equal(
            """
            {"type":"start","text":"hello"}
            {"type":"link","role":"local","from":"LocalConnecting","to":"ChannelConnected","atMs":12.346}
            {"type":"channel","name":"tmel-echo","localAddress":1024,"remoteAddress":53}
            {"type":"request","step":"echo 1 B","request":"1 B","response":"1 B","ok":true,"elapsedMs":0.123,"detail":"1 fragment each way"}
            {"type":"request","step":"echo 2 B","request":"2 B","response":"TimeoutException","ok":false,"elapsedMs":5000}
            {"type":"shutdown","ok":true,"elapsedMs":2.5,"detail":"host stopped"}
            {"type":"trace","step":"echo 1 B","traceId":"0af7651916cd43dd8448eb211c80319c","spanCount":2,"spans":["send tmel-echo [producer]","receive tmel-echo [client]"]}
            {"type":"error","step":"run","message":"it broke"}
            {"type":"result","ok":false,"steps":4,"failed":2}

            """,
            output.ToString());
        Assert.Equal(4, report.Steps);
        Assert.Equal(2, report.FailedSteps);
    }

    [Fact]
    public void Json_TextWithQuotesAndPlus_StaysReadable()
    {
        (DemoReport report, StringWriter output) = Create(json: true);

        report.Error("run", "No device for channel 'tmel-echo' appeared within 1+1 s.");

        Assert.Equal("""{"type":"error","step":"run","message":"No device for channel 'tmel-echo' appeared within 1+1 s."}""" + "\n", output.ToString());
    }

    [Fact]
    public void Text_EachEvent_IsOneAlignedLine()
    {
        (DemoReport report, StringWriter output) = Create(json: false);

        WriteEveryKindOfEvent(report);
        report.Result();

        Assert.Equal(
            """
            tmel demo: hello
            link      local   LocalConnecting    -> ChannelConnected    at   12.346 ms
            channel   tmel-echo           local 1024 <-> remote 53 (announced)
            request   echo 1 B                1 B -> 1 B  ok  0.123 ms  1 fragment each way
            request   echo 2 B                2 B -> TimeoutException  FAILED  5000.000 ms
            shutdown  host stopped  ok  2.500 ms
            trace     echo 1 B                0af7651916cd43dd8448eb211c80319c  2 spans: send tmel-echo [producer], receive tmel-echo [client]
            result    FAILED: 1 of 3 steps failed

            """,
            output.ToString());
    }

    [Fact]
    public void Result_NoFailures_SaysAllSucceeded()
    {
        (DemoReport report, StringWriter output) = Create(json: false);
        report.Request("echo 1 B", "1 B", "1 B", ok: true, 1);

        report.Result();

        Assert.EndsWith("result    ok: all 1 steps succeeded\n", output.ToString(), StringComparison.Ordinal);
    }
}
