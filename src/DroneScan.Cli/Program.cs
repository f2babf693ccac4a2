using DroneScan.Cli;

// The dronescan command: each subcommand is defined in Commands/. Ctrl+C asks the running command to stop.
using var signals = StopSignals.Register();
return DroneScanCommand.Run(args, Console.Out, Console.Error, signals.Token);
