namespace Rpmsg.Core.Tests;

public class SmokeTests
{
    [Fact]
    public void Works() => Assert.NotNull(typeof(Probe));
}
