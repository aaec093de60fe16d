using System.Buffers.Binary;
using System.Text;
using CsCheck;

namespace Tmel.Transport.Qmp.Tests.SharedMemory;

/// <summary>
/// Random allocate/free/access sequences, one thread and several at once: live buffers stay aligned, inside the region
/// and disjoint, free space plus live sizes account for the whole region, and every buffer keeps exactly what was written.
/// </summary>
public class QmpSharedMemoryRegionPropertyTests
{
    private static readonly Gen<Op> s_op = Gen.Frequency(
        (4, Gen.Int[1, 160].Select(length => (Op)new Alloc(length))),
        (3, Gen.Int[0, 63].Select(pick => (Op)new Release(pick))),
        (2, Gen.Select(Gen.Int[0, 63], Gen.Int[0, 255], Gen.Byte.Array[0, 24], (pick, offset, data) => (Op)new Poke(pick, offset, data))));

    private static readonly Gen<Scenario> s_scenario = Gen.Select(
        Gen.Int[1, 128].Select(eighths => eighths * QmpSharedMemoryRegion.Alignment),
        s_op.Array[1, 60],
        (size, ops) => new Scenario(size, [ops]));

    private static readonly Gen<Scenario> s_concurrentScenario = Gen.Select(
        Gen.Int[8, 128].Select(eighths => eighths * QmpSharedMemoryRegion.Alignment),
        s_op.Array[1, 40].Array[2, 4],
        (size, workers) => new Scenario(size, workers));

    [Fact]
    public void AllocateFreeAndAccess_RandomSequence_KeepsBuffersDisjointAccountedAndIntact() =>
        s_scenario.Sample(
            scenario =>
            {
                var region = new QmpSharedMemoryRegion(scenario.Size);
                var worker = new Worker(region, id: 0);
                foreach (Op op in scenario.Workers[0])
                {
                    worker.Run(op, checkFirstFit: true);
                    SharedMemoryInvariants.Check(region, worker.Live.Select(l => l.Buffer));
                    worker.VerifyAll();
                }

                worker.FreeAll();
                Assert.Equal([(region.BaseBusAddress, region.Size, true)], region.GetBlocks());
            },
            writeLine: TestContext.Current.TestOutputHelper is { } output ? output.WriteLine : null,
            iter: 3000,
            print: scenario => scenario.ToString());

    [Fact]
    public async Task AllocateFreeAndAccess_ConcurrentWorkers_KeepBuffersDisjointAccountedAndIntact()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await s_concurrentScenario.SampleAsync(
            async scenario =>
            {
                var region = new QmpSharedMemoryRegion(scenario.Size);
                Worker[] workers = [.. scenario.Workers.Select((_, i) => new Worker(region, i))];
                var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Task[] running = [.. workers.Select((w, i) => Task.Run(
                    async () =>
                    {
                        await start.Task;
                        foreach (Op op in scenario.Workers[i])
                        {
                            w.Run(op, checkFirstFit: false);
                        }
                    },
                    ct))];
                start.SetResult();
                await Task.WhenAll(running).WaitAsync(ct);

                SharedMemoryInvariants.Check(region, workers.SelectMany(w => w.Live.Select(l => l.Buffer)));
                foreach (Worker w in workers)
                {
                    w.VerifyAll();
                    w.FreeAll();
                }

                Assert.Equal([(region.BaseBusAddress, region.Size, true)], region.GetBlocks());
            },
            writeLine: TestContext.Current.TestOutputHelper is { } output ? output.WriteLine : null,
            iter: 3000,
            threads: 1,
            print: scenario => scenario.ToString());
    }

    private abstract record Op;

    /// <summary>Allocates <paramref name="Length"/> bytes (or finds the region full) and stamps the buffer with its owner's pattern.</summary>
    private sealed record Alloc(int Length) : Op;

    /// <summary>Checks and frees one of the worker's buffers (the <paramref name="Pick"/>-th, modulo their number).</summary>
    private sealed record Release(int Pick) : Op;

    /// <summary>Writes bytes into one of the worker's buffers by bus address, as the peer would, and reads them back.</summary>
    private sealed record Poke(int Pick, int Offset, byte[] Data) : Op
    {
        public override string ToString() => $"Poke {{ Pick = {Pick}, Offset = {Offset}, Data = {Convert.ToHexString(Data)} }}";
    }

    private sealed record Scenario(int Size, Op[][] Workers)
    {
        public override string ToString()
        {
            var text = new StringBuilder().Append("Size = ").Append(Size);
            for (int i = 0; i < Workers.Length; i++)
            {
                text.AppendLine().Append("  worker ").Append(i).Append(": ").AppendJoin(", ", Workers[i].AsEnumerable());
            }

            return text.ToString();
        }
    }

    /// <summary>One side's buffers and what it wrote into them; only the owning worker touches its buffers.</summary>
    private sealed class Worker(QmpSharedMemoryRegion region, int id)
    {
        private int _stamps;

        public List<(QmpSharedBuffer Buffer, byte[] Content)> Live { get; } = [];

        public void Run(Op op, bool checkFirstFit)
        {
            switch (op)
            {
                case Alloc alloc:
                    Allocate(alloc.Length, checkFirstFit);
                    break;
                case Release release when Live.Count > 0:
                    Free(release.Pick % Live.Count);
                    break;
                case Poke poke when Live.Count > 0:
                    WriteByAddress(poke.Pick % Live.Count, poke.Offset, poke.Data);
                    break;
                default:
                    break;
            }
        }

        public void VerifyAll()
        {
            foreach ((QmpSharedBuffer buffer, byte[] content) in Live)
            {
                byte[] byAddress = new byte[buffer.Length];
                region.Read(buffer.BusAddress, byAddress);
                Assert.Equal(content, byAddress);
            }
        }

        public void FreeAll()
        {
            foreach ((QmpSharedBuffer buffer, _) in Live)
            {
                region.Free(buffer);
            }

            Live.Clear();
        }

        private void Allocate(int length, bool checkFirstFit)
        {
            if (region.TryAllocate(length, out QmpSharedBuffer? buffer))
            {
                Assert.Equal(new byte[length], buffer.ToArray());
                byte[] content = Stamp(length);
                buffer.Write(content);
                Live.Add((buffer, content));
            }
            else if (checkFirstFit)
            {
                // With one thread the answer is exact: allocation fails only when no free block fits.
                int needed = SharedMemoryInvariants.AlignUp(length);
                Assert.DoesNotContain(region.GetBlocks(), b => b.IsFree && b.Size >= needed);
            }
        }

        private void Free(int index)
        {
            (QmpSharedBuffer buffer, byte[] content) = Live[index];
            Assert.Equal(content, buffer.ToArray());
            region.Free(buffer);
            Live.RemoveAt(index);
            Assert.True(buffer.IsFreed);
        }

        // The peer's way in: by bus address. The address must name a byte of the buffer, even for an empty write.
        private void WriteByAddress(int index, int offset, byte[] data)
        {
            (QmpSharedBuffer buffer, byte[] content) = Live[index];
            offset %= buffer.Length;
            data = data[..Math.Min(data.Length, buffer.Length - offset)];
            region.Write(buffer.BusAddress + (uint)offset, data);
            data.CopyTo(content, offset);
            byte[] back = new byte[data.Length];
            buffer.Read(offset, back);
            Assert.Equal(data, back);
        }

        // A pattern unique to this worker and allocation, so bytes written through an overlapping buffer show up.
        private byte[] Stamp(int length)
        {
            Span<byte> tag = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(tag, (id << 24) | ++_stamps);
            byte[] content = new byte[length];
            for (int i = 0; i < length; i++)
            {
                content[i] = (byte)(tag[i % 4] ^ (i / 4));
            }

            return content;
        }
    }
}
