using System.Buffers.Binary;
using Rpmsg.Core;
using Tmel.Services.Echo;

namespace Tmel.Cli.Tests.Faults;

/// <summary>
/// Sequential 24-byte echoes, each carrying its own sequence number and random bytes; a completed echo must return exactly its
/// own bytes (so none is lost or answered by another's reply), and a failed one must fail with a typed <see cref="RpmsgException"/>.
/// </summary>
internal sealed class EchoStream(EchoDriver driver, TimeSpan bound, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _succeeded;
    private int _sequence;
    private int _target = int.MaxValue;
    private long _restartedAt;

    public int Succeeded => Volatile.Read(ref _succeeded);

    public int SucceededAfterRestart { get; private set; }

    public TimeSpan? RecoveryTime { get; private set; }

    /// <summary>Gets the timestamp of the first echo that succeeded after <see cref="MarkRestarted"/>.</summary>
    public long FirstEchoAfterRestart { get; private set; }

    public List<string> Failures { get; } = [];

    /// <summary>Marks the restart (or any disturbance): the counts and times "after the restart" start again from now.</summary>
    public void MarkRestarted()
    {
        SucceededAfterRestart = 0;
        RecoveryTime = null;
        FirstEchoAfterRestart = 0;
        Volatile.Write(ref _restartedAt, TimeProvider.System.GetTimestamp());
    }

    public Task WaitForSuccessesAsync(int count)
    {
        Volatile.Write(ref _target, count);
        return Succeeded >= count ? Task.CompletedTask : _progress.Task.WaitAsync(bound, cancellationToken);
    }

    public async Task<int> RunUntilAsync(Func<Task<bool>> done)
    {
        while (!await done())
        {
            await EchoOnceAsync();
        }

        return Succeeded;
    }

    public async Task<bool> EchoOnceAsync()
    {
        byte[] request = new byte[24];
        BinaryPrimitives.WriteInt32LittleEndian(request, ++_sequence);
        Random.Shared.NextBytes(request.AsSpan(4));
        try
        {
            EchoClient client = await driver.WaitForClientAsync(bound, TimeProvider.System, cancellationToken);
            byte[] reply = await client.EchoAsync(request, cancellationToken);
            Assert.Equal(request, reply);
            Interlocked.Increment(ref _succeeded);
            long restarted = Volatile.Read(ref _restartedAt);
            if (restarted != 0)
            {
                RecoveryTime ??= TimeProvider.System.GetElapsedTime(restarted);
                FirstEchoAfterRestart = FirstEchoAfterRestart == 0 ? TimeProvider.System.GetTimestamp() : FirstEchoAfterRestart;
                SucceededAfterRestart++;
            }

            if (Succeeded >= Volatile.Read(ref _target))
            {
                _progress.TrySetResult();
            }

            return true;
        }
        catch (RpmsgException ex)
        {
            // Typed: the link went down, the device went away, or no reply in time. Anything else fails the test.
            Failures.Add($"{ex.GetType().Name}({ex.Error})");
            return false;
        }
    }
}
