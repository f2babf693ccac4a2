using System.Globalization;
using System.Text;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Export;
using DroneScan.Pipeline.Scan;
using DroneScan.Web.Auth;
using DroneScan.Web.Jobs;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Api;

/// <summary>
/// Exports for planners: one flight (<c>GET /api/flights/{id}/hazards</c>) or several in one file
/// (<c>GET /api/exports?flights=a,b</c> or <c>?site=NAME</c>: every flight of that site), in every format and layer,
/// optionally only the points of one review status. Each feature names its flight (<c>flight_id</c>, <c>flight</c>).
/// </summary>
public static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/flights/{id}/hazards", OneFlight).RequireAuthorization(Policies.Export);
        app.MapGet("/api/exports", SeveralFlights).RequireAuthorization(Policies.Export);
        return app;
    }

    private static IResult OneFlight(string id, string? format, string? status, string? layer, IFlightStore store, IOptions<ScanOptions> scan)
    {
        var (fmt, which, filter) = Parse(format, layer, status);
        var flight = store.GetFlight(id) ?? throw new KeyNotFoundException($"no flight '{id}'");
        var data = Load(store, flight, which, filter, scan.Value.AreaBufferM);
        return Download(fmt, which, [data], DownloadName(flight.Flight, which, filter));
    }

    /// <summary>Several flights in one file: <c>flights</c> (ids, comma-separated) or <c>site</c> (every flight
    /// uploaded with that site name, case-insensitive), not both. A flight that does not exist, a site without flights,
    /// or a flight not finished processing is refused naming it; nothing is written then.</summary>
    private static IResult SeveralFlights(string? flights, string? site, string? format, string? status, string? layer, IFlightStore store, IOptions<ScanOptions> scan)
    {
        var (fmt, which, filter) = Parse(format, layer, status);
        bool byIds = !string.IsNullOrWhiteSpace(flights);
        bool bySite = !string.IsNullOrWhiteSpace(site);
        if (byIds == bySite)
        {
            throw new FormatException("flights: give the flights to export as flights=ID,ID,… or every flight of a site as site=NAME (one of the two)");
        }

        List<FlightSummary> chosen;
        if (byIds)
        {
            var ids = flights!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
            chosen = [.. ids.Select(id => store.GetFlight(id) ?? throw new KeyNotFoundException($"flights: no flight '{id}'"))];
        }
        else
        {
            string name = site!.Trim();
            chosen = [.. store.GetFlights()
                .Where(f => string.Equals(f.Flight.Site?.Trim(), name, StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f.Flight.CreatedAt).ThenBy(f => f.Flight.Id, StringComparer.Ordinal)];
            if (chosen.Count == 0)
            {
                throw new KeyNotFoundException($"site: no flight of site '{name}'");
            }
        }

        var data = chosen.Select(f => Load(store, f, which, filter, scan.Value.AreaBufferM)).ToList();
        string baseName = bySite
            ? $"{Slug(site!, "site")}-{data.Count}-flights-{which.ToString().ToLowerInvariant()}" + (filter is { } s ? "-" + ApiMapping.Text(s) : "")
            : chosen.Count == 1 ? DownloadName(chosen[0].Flight, which, filter) : $"{chosen.Count}-flights-{which.ToString().ToLowerInvariant()}" + (filter is { } t ? "-" + ApiMapping.Text(t) : "");
        return Download(fmt, which, data, baseName);
    }

    private static (ExportFormat Format, ExportLayer Layer, HazardStatus? Status) Parse(string? format, string? layer, string? status)
    {
        var fmt = ExportFormats.TryParse(format ?? "geojson", out var f)
            ? f
            : throw new FormatException($"format '{format}': use one of {string.Join(", ", ExportFormats.ValidNames)}");
        var which = (layer ?? "points").ToLowerInvariant() switch
        {
            "points" or "hazards" => ExportLayer.Points,
            "coverage" => ExportLayer.Coverage,
            "areas" => ExportLayer.Areas,
            _ => throw new FormatException($"layer '{layer}': use points, coverage or areas"),
        };
        return (fmt, which, status is null ? null : FlightEndpoints.ParseStatus(status));
    }

    private static ExportData Load(IFlightStore store, FlightSummary flight, ExportLayer layer, HazardStatus? status, double areaBufferM)
    {
        string id = flight.Flight.Id;
        if (layer == ExportLayer.Areas && flight.Hazards > 0)
        {
            // A review's rebuild may still be queued: the areas a planner downloads match the reviews.
            ReviewedAreas.Refresh(store, id, areaBufferM);
        }

        return FlightExport.Load(store, id, status)
            ?? throw new InvalidOperationException($"flight '{id}' ({flight.Flight.Name}) is not finished processing: nothing to export yet");
    }

    private static IResult Download(ExportFormat fmt, ExportLayer layer, IReadOnlyList<ExportData> data, string baseName)
    {
        using var output = new MemoryStream();
        switch (fmt)
        {
            case ExportFormat.Shapefile:
                HazardExporter.WriteShapefileZip(layer, data, output, baseName);
                return Results.File(output.ToArray(), "application/zip", baseName + ".zip");
            case ExportFormat.Csv:
                // The CSV with its IMSMA field-mapping template, as the CLI writes them side by side; the template's
                // descriptions in the request's language.
                HazardExporter.WriteCsvZip(layer, data, output, baseName, System.Globalization.CultureInfo.CurrentUICulture);
                return Results.File(output.ToArray(), "application/zip", baseName + "-csv.zip");
            case ExportFormat.GeoPackage:
                string temp = Path.Combine(Path.GetTempPath(), $"dronescan-{Guid.NewGuid():N}.gpkg");
                try
                {
                    HazardExporter.Write(fmt, layer, data, temp);
                    return Results.File(File.ReadAllBytes(temp), ExportFormats.ContentType(fmt), baseName + ".gpkg");
                }
                finally
                {
                    File.Delete(temp);
                }

            default:
                HazardExporter.Write(fmt, layer, data, output);
                return Results.File(output.ToArray(), ExportFormats.ContentType(fmt), baseName + ExportFormats.DefaultExtension(fmt));
        }
    }

    /// <summary>The file name of a download, without extension: what a planner recognises in a folder of
    /// downloads — the flight's name (letters and digits kept, anything else a '-'), the day it was uploaded, the
    /// layer and, when filtered, the status (e.g. <c>north-field-2026-05-01-points-confirmed</c>).</summary>
    internal static string DownloadName(FlightRecord flight, ExportLayer layer, HazardStatus? status)
    {
        string day = flight.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return $"{Slug(flight.Name, flight.Id)}-{day}-{layer.ToString().ToLowerInvariant()}" + (status is { } s ? "-" + ApiMapping.Text(s) : "");
    }

    /// <summary>A name for a file: lower case, letters, digits and '_' kept, anything else one '-', at most 60
    /// characters; <paramref name="fallback"/> when nothing is left.</summary>
    private static string Slug(string text, string fallback)
    {
        var name = new StringBuilder();
        foreach (char c in text.Trim().ToLowerInvariant())
        {
            bool keep = char.IsLetterOrDigit(c) || c == '_';
            if (keep || (name.Length > 0 && name[^1] != '-'))
            {
                name.Append(keep ? c : '-');
            }
        }

        string slug = name.ToString().Trim('-');
        return slug.Length == 0 ? fallback : slug[..Math.Min(slug.Length, 60)].TrimEnd('-');
    }
}
