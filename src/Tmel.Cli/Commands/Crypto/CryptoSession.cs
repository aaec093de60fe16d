using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tmel.Cli.Hosting;
using Tmel.Services.Crypto;
using Tmel.Simulator;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>
/// One <c>tmel crypto</c> invocation's stack: a tmel host with the in-process simulator (its device state in <c>--state DIR</c>)
/// or attached to a running <c>tmel simulator --dir DIR</c> (<c>--connect DIR</c>), the bound <see cref="CryptoClient"/>, the
/// directory's key index, and the deadline every call runs under. Disposing stops the host.
/// </summary>
internal sealed class CryptoSession : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;

    private CryptoSession(IHost host, CancellationTokenSource deadline, CancellationTokenSource linked, CryptoClient client, CryptoKeyIndex? index, bool keysOutliveProcess)
    {
        _host = host;
        _deadline = deadline;
        _linked = linked;
        Client = client;
        Index = index;
        KeysOutliveProcess = keysOutliveProcess;
    }

    public CryptoClient Client { get; }

    /// <summary>Gets the key index of the directory, or null without <c>--state</c> or <c>--connect</c>.</summary>
    public CryptoKeyIndex? Index { get; }

    /// <summary>Gets a value indicating whether a volatile key outlives this invocation (it does in a simulator process).</summary>
    public bool KeysOutliveProcess { get; }

    public CancellationToken Token => _linked.Token;

    public static async Task<CryptoSession> OpenAsync(CryptoTarget target, CancellationToken cancellationToken)
    {
        if (target.StateDirectory is { } state)
        {
            try
            {
                Directory.CreateDirectory(state);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new TmelUsageException($"--state {state}: {ex.Message}");
            }
        }

        if (target.ConnectDirectory is { } connect && !Directory.Exists(connect))
        {
            throw new TmelUsageException($"--connect {connect}: no such directory (start 'tmel simulator --dir {connect}' first).");
        }

        CryptoKeyIndex? index = target.Directory is { } directory ? CryptoKeyIndex.Load(directory) : null;
        HostApplicationBuilder builder = TmelHostBuilder.Create(
            [],
            stack => stack.Services.Configure<TmelSimulatorOptions>(o => o.StateDirectory = target.StateDirectory),
            spanProcessor: null,
            target.ConnectDirectory);
        IHost host = TmelHostBuilder.Build(builder);
        TimeProvider time = host.Services.GetRequiredService<TimeProvider>();
        var deadline = new CancellationTokenSource(target.Timeout, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await host.StartAsync(linked.Token).ConfigureAwait(false);
            CryptoClient client = await host.Services.GetRequiredService<CryptoDriver>().WaitForClientAsync(target.Timeout, time, linked.Token).ConfigureAwait(false);
            return new CryptoSession(host, deadline, linked, client, index, target.ConnectDirectory is not null);
        }
        catch
        {
            await StopAsync(host).ConfigureAwait(false);
            linked.Dispose();
            deadline.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_host).ConfigureAwait(false);
        _linked.Dispose();
        _deadline.Dispose();
    }

    private static async Task StopAsync(IHost host)
    {
        try
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            host.Dispose();
        }
    }
}

/// <summary>Where a <c>tmel crypto</c> invocation finds its TME-L, and how long it may take.</summary>
internal sealed record CryptoTarget(string? StateDirectory, string? ConnectDirectory, TimeSpan Timeout)
{
    public string? Directory => StateDirectory ?? ConnectDirectory;
}
