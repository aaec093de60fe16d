using Rpmsg.Core;

namespace Tmel.Cli.Soak;

/// <summary>
/// The <see cref="SoakEchoService.ChannelName"/> endpoints a simulator process announces, as the client's bus sees them. Their
/// addresses are read again for every message: a restarted simulator announces them anew.
/// </summary>
internal sealed class SoakRemoteServices(RpmsgBus bus)
{
    /// <summary>Waits until the simulator announced its soak echo endpoints and their number stopped growing.</summary>
    /// <exception cref="InvalidOperationException">None was announced in time: the simulator was started without <c>--soak-echo</c>.</exception>
    public async Task WaitAsync(string? directory, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await bus.WaitForDeviceAsync(SoakEchoService.ChannelName, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"the simulator at {directory} announces no '{SoakEchoService.ChannelName}' endpoint within {timeout.TotalSeconds:0} s: start it with 'tmel simulator --dir {directory} --soak-echo 4'.");
        }

        // The announcements come one after the other: take them once none came for 200 ms (at most 5 s).
        long start = time.GetTimestamp();
        int count = 0;
        long changed = start;
        while (time.GetElapsedTime(changed) < TimeSpan.FromMilliseconds(200) && time.GetElapsedTime(start) < TimeSpan.FromSeconds(5))
        {
            int now = Announced().Length;
            if (now != count)
            {
                (count, changed) = (now, time.GetTimestamp());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellationToken).ConfigureAwait(false);
        }

    }

    /// <summary>The endpoint client <paramref name="client"/> sends to: the announced ones in address order, in turn. While none
    /// is announced (the link is down, or a new simulator has not announced them yet) it waits, up to <paramref name="bound"/>:
    /// a message sent to an address the simulator has not created yet would be consumed and dropped.</summary>
    /// <returns>The address, or null when none was announced within the bound.</returns>
    public async Task<RpmsgAddress?> AddressForAsync(int client, TimeSpan bound, TimeProvider time, CancellationToken cancellationToken)
    {
        long start = time.GetTimestamp();
        while (true)
        {
            RpmsgAddress[] announced = Announced();
            if (announced.Length > 0)
            {
                return announced[client % announced.Length];
            }

            if (time.GetElapsedTime(start) >= bound)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private RpmsgAddress[] Announced() =>
        [.. bus.Devices.Where(d => d.Name == SoakEchoService.ChannelName).Select(d => d.Destination).OrderBy(a => a.Value)];
}
