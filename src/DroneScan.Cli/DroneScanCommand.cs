using System.CommandLine;
using DroneScan.Cli.Commands;

namespace DroneScan.Cli;

/// <summary>The root of the <c>dronescan</c> command line.</summary>
public static class DroneScanCommand
{
    /// <summary>Parses and runs a command line, writing to the given streams; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
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
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
