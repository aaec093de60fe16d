using Tmel.Cli;

return await TmelCommandLine.InvokeAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
