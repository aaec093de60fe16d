using SharpFuzz;
using TmelRpmsg.Fuzz;

// Usage (fuzz/README.md):
//   TmelRpmsg.Fuzz TARGET                run under afl-fuzz (SharpFuzz persistent mode; the input comes from AFL)
//   TmelRpmsg.Fuzz replay TARGET FILE... run files through a target without a fuzzer (reproduce a crash)
//   TmelRpmsg.Fuzz seeds DIR             write the generated seed inputs under DIR/TARGET/
//   TmelRpmsg.Fuzz list                  print the target names
if (args.Length == 1 && args[0] == "list")
{
    foreach (FuzzTarget t in FuzzTargets.All)
    {
        Console.WriteLine(t.Name);
    }

    return 0;
}

if (args.Length == 2 && args[0] == "seeds")
{
    int written = SeedWriter.WriteAll(args[1]);
    Console.WriteLine($"{written} seed files written under {args[1]}");
    return 0;
}

if (args.Length >= 3 && args[0] == "replay" && FuzzTargets.TryGet(args[1], out FuzzTarget? replayed))
{
    foreach (string file in args.Skip(2))
    {
        replayed.Run(File.ReadAllBytes(file));
        Console.WriteLine($"ok {file}");
    }

    return 0;
}

if (args.Length != 1 || !FuzzTargets.TryGet(args[0], out FuzzTarget? target))
{
    Console.Error.WriteLine("usage: TmelRpmsg.Fuzz TARGET | replay TARGET FILE... | seeds DIR | list");
    Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.All.Select(t => t.Name)));
    return 2;
}

var input = new MemoryStream();
Fuzzer.Run(stream =>
{
    input.SetLength(0);
    stream.CopyTo(input);
    target.Run(input.GetBuffer().AsSpan(0, (int)input.Length));
});
return 0;
