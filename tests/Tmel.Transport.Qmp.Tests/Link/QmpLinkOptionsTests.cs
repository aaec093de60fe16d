namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>A <see cref="QmpLink"/> takes the one <see cref="QmpTransportOptions"/> and checks it with the same generated validator the host runs.</summary>
public class QmpLinkOptionsTests
{
    [Fact]
    public void QmpLink_DefaultOptions_UsesTheRfcTimeouts()
    {
        (QmpInMemoryMailbox local, _) = QmpInMemoryMailbox.CreatePair();
        var options = new QmpTransportOptions();

        _ = new QmpLink(local, QmpRole.Local, options);

        Assert.Equal(TimeSpan.FromMilliseconds(1000), options.LinkUpTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), options.ChannelOpenTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), options.FragmentTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(5000), options.ConsumeTimeout);
    }

    [Theory]
    [InlineData(nameof(QmpTransportOptions.LinkUpTimeout))]
    [InlineData(nameof(QmpTransportOptions.ChannelOpenTimeout))]
    [InlineData(nameof(QmpTransportOptions.FragmentTimeout))]
    [InlineData(nameof(QmpTransportOptions.ConsumeTimeout))]
    public void QmpLink_NegativeTimeout_ThrowsNamingTheSetting(string setting)
    {
        (QmpInMemoryMailbox local, _) = QmpInMemoryMailbox.CreatePair();
        var options = new QmpTransportOptions();
        typeof(QmpTransportOptions).GetProperty(setting)!.SetValue(options, TimeSpan.FromMilliseconds(-1));

        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new QmpLink(local, QmpRole.Local, options));

        Assert.Equal(setting, ex.ParamName);
        Assert.Contains($"The field QmpTransportOptions.{setting} must be between", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QmpLink_ConsumeTimeoutAboveItsRange_Throws()
    {
        (QmpInMemoryMailbox local, _) = QmpInMemoryMailbox.CreatePair();

        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new QmpLink(local, QmpRole.Local, new QmpTransportOptions { ConsumeTimeout = TimeSpan.FromMinutes(6) }));

        Assert.Equal(nameof(QmpTransportOptions.ConsumeTimeout), ex.ParamName);
        Assert.Contains("00:05:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QmpLink_OptionsFailingTheirObjectRules_Throws()
    {
        (QmpInMemoryMailbox local, _) = QmpInMemoryMailbox.CreatePair();

        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new QmpLink(local, QmpRole.Local, new QmpTransportOptions { BringUpRetryDelay = TimeSpan.FromSeconds(2), BringUpMaxRetryDelay = TimeSpan.FromSeconds(1) }));

        Assert.Equal(nameof(QmpTransportOptions.BringUpMaxRetryDelay), ex.ParamName);
        Assert.Contains("BringUpMaxRetryDelay must not be below BringUpRetryDelay.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QmpLink_SeveralBadSettings_NamesTheFirstAndListsAll()
    {
        (QmpInMemoryMailbox local, _) = QmpInMemoryMailbox.CreatePair();

        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new QmpLink(local, QmpRole.Local, new QmpTransportOptions { LinkUpTimeout = TimeSpan.Zero, FragmentTimeout = TimeSpan.Zero }));

        Assert.Equal(nameof(QmpTransportOptions.LinkUpTimeout), ex.ParamName);
        Assert.Contains("QmpTransportOptions.FragmentTimeout", ex.Message, StringComparison.Ordinal);
    }
}
