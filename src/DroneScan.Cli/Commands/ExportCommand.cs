using System.CommandLine;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Export;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage;
using DroneScan.Storage.Sqlite;

namespace DroneScan.Cli.Commands;

/// <summary><c>dronescan export</c>: one layer of a stored flight, or of several (<c>--flight</c> repeated, or
/// <c>--site</c>: every flight of that site), to one GIS file.</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var flight = new Option<string[]>("--flight") { Description = "Flight id (see the scan summary); repeat it to write several flights into one file", HelpName = "ID" };
        var latest = new Option<bool>("--latest") { Description = "The most recently scanned flight" };
        var site = new Option<string?>("--site") { Description = "Every flight of this site (as uploaded to the service), in one file", HelpName = "NAME" };
        var format = ExportOptions.Format();
        var outFile = new Option<string>("--out") { Description = "Output file", HelpName = "FILE", Required = true };
        var db = ExportOptions.Database();
        var status = new Option<string?>("--status") { Description = "Only points of this review status: candidate, confirmed, rejected, unsure", HelpName = "S" };
        status.AcceptOnlyFromAmong("candidate", "confirmed", "rejected", "unsure");
        var layer = new Option<string>("--layer") { Description = "points, coverage or areas", DefaultValueFactory = _ => "points" };
        layer.AcceptOnlyFromAmong("points", "coverage", "areas");

        var command = new Command("export", "Write a stored flight's hazard points, coverage or suggested areas as GeoJSON, KML, GPX, CSV, Shapefile or GeoPackage")
        {
            flight, latest, site, format, outFile, db, status, layer,
        };
        command.Validators.Add(r =>
        {
            if (new object?[] { r.GetResult(flight), r.GetResult(latest), r.GetResult(site) }.Count(x => x is not null) != 1)
            {
                r.AddError("give one of --flight ID (repeatable), --latest or --site NAME");
            }
        });

        command.SetAction(parse => Run(
            new FlightChoice(parse.GetValue(flight) ?? [], parse.GetValue(site)),
            parse.GetValue(format),
            parse.GetValue(outFile)!,
            parse.GetValue(db)!,
            parse.GetValue(status) is { } s ? Enum.Parse<HazardStatus>(s, ignoreCase: true) : null,
            Enum.Parse<ExportLayer>(parse.GetValue(layer)!, ignoreCase: true),
            output,
            error));
        return command;
    }

    /// <summary>Which flights to write: these ids, every flight of a site, or (neither) the latest.</summary>
    private sealed record FlightChoice(IReadOnlyList<string> Ids, string? Site);

    private static int Run(FlightChoice flights, string? formatName, string outFile, string database, HazardStatus? status, ExportLayer layer, TextWriter output, TextWriter error)
    {
        if (!ExportOptions.TryResolveFormat(formatName, outFile, error, out var format))
        {
            return 1;
        }

        if (!File.Exists(database))
        {
            error.WriteLine($"{database}: no such database (scan a flight first, or pass --db FILE)");
            return 1;
        }

        try
        {
            return Export(flights, format, outFile, database, status, layer, output, error);
        }
        catch (StoreUnavailableException ex)
        {
            error.WriteLine(ex.Message);
            return ScanCommand.StoreUnavailableExitCode;
        }
        catch (StoreOpenException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }
    }

    private static int Export(FlightChoice choice, ExportFormat format, string outFile, string database, HazardStatus? status, ExportLayer layer, TextWriter output, TextWriter error)
    {
        using var store = SqliteFlightStore.Open(database, TimeProvider.System);
        List<string> ids;
        if (choice.Site is { } site)
        {
            ids = [.. store.GetFlights()
                .Where(f => string.Equals(f.Flight.Site?.Trim(), site.Trim(), StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f.Flight.CreatedAt).ThenBy(f => f.Flight.Id, StringComparer.Ordinal)
                .Select(f => f.Flight.Id)];
            if (ids.Count == 0)
            {
                error.WriteLine($"--site '{site}': no flight of that site in {database}");
                return 1;
            }
        }
        else if (choice.Ids.Count > 0)
        {
            ids = [.. choice.Ids.Distinct(StringComparer.Ordinal)];
        }
        else if (store.GetLatestFlightId() is { } latest)
        {
            ids = [latest];
        }
        else
        {
            error.WriteLine($"{database}: holds no flight");
            return 1;
        }

        var flights = new List<ExportData>(ids.Count);
        foreach (string id in ids)
        {
            if (FlightExport.Load(store, id, status) is not { } data)
            {
                error.WriteLine($"--flight {id}: no such flight, or no scan of it finished, in {database}");
                return 1;
            }

            flights.Add(data);
        }

        if (!ExportOptions.TryWrite(format, layer, flights, outFile, error))
        {
            return 1;
        }

        int count = flights.Sum(data => layer switch
        {
            ExportLayer.Points => data.Hazards.Count,
            ExportLayer.Areas => data.Areas.Count,
            _ => data.Coverage is null ? 0 : 1,
        });
        string which = flights.Count == 1
            ? $"flight {flights[0].Flight.FlightId} ({flights[0].Flight.FlightName})"
            : $"{flights.Count} flights ({string.Join(", ", flights.Select(f => f.Flight.FlightId))})";
        output.WriteLine($"{outFile}: {layer.ToString().ToLowerInvariant()} of {which}, {count} feature{(count == 1 ? "" : "s")}, {format}");
        return 0;
    }
}

/// <summary>Options and checks that <c>scan</c> and <c>export</c> share.</summary>
internal static class ExportOptions
{
    public static Option<string?> Format() => new("--format")
    {
        Description = $"Output format: {string.Join(", ", ExportFormats.ValidNames)} (default: from the --out extension, else geojson)",
        HelpName = "F",
    };

    public static Option<string> Database() => new("--db")
    {
        Description = "SQLite database of flights",
        HelpName = "FILE",
        DefaultValueFactory = _ => SqliteFlightStore.DefaultPath,
    };

    /// <summary>The format named, else the one the file extension names, else GeoJSON.</summary>
    public static bool TryResolveFormat(string? name, string outFile, TextWriter error, out ExportFormat format)
    {
        if (name is not null)
        {
            if (ExportFormats.TryParse(name, out format))
            {
                return true;
            }

            error.WriteLine($"--format '{name}' is not a format; valid: {string.Join(", ", ExportFormats.ValidNames)}");
            return false;
        }

        if (!ExportFormats.TryParse(Path.GetExtension(outFile), out format))
        {
            format = ExportFormat.GeoJson;
        }

        return true;
    }

    /// <summary>Writes the layer; a problem (GPX of polygons, a folder that does not exist …) is one line naming the file.</summary>
    public static bool TryWrite(ExportFormat format, ExportLayer layer, ExportData data, string outFile, TextWriter error) =>
        TryWrite(format, layer, [data], outFile, error);

    /// <summary>Writes the layer of several flights into one file.</summary>
    public static bool TryWrite(ExportFormat format, ExportLayer layer, IReadOnlyList<ExportData> flights, string outFile, TextWriter error)
    {
        try
        {
            HazardExporter.Write(format, layer, flights, outFile);
            return true;
        }
        catch (Exception ex) when (ex is NotSupportedException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{outFile}: {ex.Message}");
            return false;
        }
    }
}
