using System.CommandLine;
using System.Globalization;
using DroneScan.Cli.Commands;

namespace DroneScan.Cli;

/// <summary>The root of the <c>dronescan</c> command line.</summary>
public static class DroneScanCommand
{
    /// <summary>Parses and runs a command line, writing to the given streams; returns the exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="cancellationToken">Asks the running command to stop (Ctrl+C); <c>scan</c> then keeps what it
    /// finished and exits with 130.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        // Numbers in what a command prints and writes (summaries, CSV, GeoJSON) never follow the machine's locale: a
        // Russian or Azerbaijani LANG would otherwise write decimal commas (the CLI runs with full globalization, since
        // `serve` hosts the web UI in az, ru and en; it picks each request's UI language and keeps this one).
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        var root = new RootCommand("DroneScan: finds candidate landmines and UXO in geotagged drone photos.")
        {
            InspectCommand.Create(output, error),
            DetectCommand.Create(output, error),
            SynthCommand.Create(output, error),
            EvalCommand.Create(output, error),
            ScanCommand.Create(output, error),
            ExportCommand.Create(output, error),
            BenchCommand.Create(output, error),
            ServiceCommands.Serve(output, error),
            ServiceCommands.Worker(output, error),
            ServiceCommands.Users(output, error),
        };
        // No ProcessTerminationTimeout: signals are the host's (StopSignals), so running in-process registers none.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return root.Parse(args).InvokeAsync(configuration, cancellationToken).GetAwaiter().GetResult();
    }
}
