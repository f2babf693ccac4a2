using System.Globalization;
using DroneScan.Cli;

// Numbers in what the command prints and writes (summaries, CSV, GeoJSON) never follow the machine's locale: a
// Russian or Azerbaijani LANG would otherwise write decimal commas. The web host picks its own UI language per
// request (DroneScan.Web's Localisation) and keeps this formatting culture too.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

// The dronescan command: each subcommand is defined in Commands/. Ctrl+C asks the running command to stop.
using var signals = StopSignals.Register();
return DroneScanCommand.Run(args, Console.Out, Console.Error, signals.Token);
