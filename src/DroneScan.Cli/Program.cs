using DroneScan.Cli;

// The dronescan command: each subcommand is defined in Commands/.
return DroneScanCommand.Run(args, Console.Out, Console.Error);
