namespace Tmel.Services.Tests;

public class TmelServicesTelemetryTests
{
    [Fact]
    public void SourceName_IsTheAssemblyName()
    {
        Assert.Equal(TmelServicesTelemetry.SourceName, typeof(TmelServicesTelemetry).Assembly.GetName().Name);
    }
}
