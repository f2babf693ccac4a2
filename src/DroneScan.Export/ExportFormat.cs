namespace DroneScan.Export;

/// <summary>A file format the exporter writes.</summary>
public enum ExportFormat
{
    /// <summary>GeoJSON (RFC 7946), WGS84 longitude/latitude.</summary>
    GeoJson,

    /// <summary>KML 2.2 for Google Earth.</summary>
    Kml,

    /// <summary>GPX 1.1 waypoints for handheld GPS units (points only).</summary>
    Gpx,

    /// <summary>CSV (RFC 4180, UTF-8) with an IMSMA field-mapping template beside it.</summary>
    Csv,

    /// <summary>Esri Shapefile (.shp/.shx/.dbf/.prj/.cpg).</summary>
    Shapefile,

    /// <summary>OGC GeoPackage 1.3 (SQLite).</summary>
    GeoPackage,
}

/// <summary>Which layer of a flight's results to export.</summary>
public enum ExportLayer
{
    /// <summary>Hazard points with their review fields.</summary>
    Points,

    /// <summary>The covered ground (GSD-qualified union) and, optionally, each photo's footprint.</summary>
    Coverage,

    /// <summary>Suggested hazard areas (buffered clusters of points).</summary>
    Areas,
}

/// <summary>Names and file extensions of the export formats, for command lines and HTTP queries.</summary>
public static class ExportFormats
{
    private static readonly (string Name, ExportFormat Format)[] Names =
    [
        ("geojson", ExportFormat.GeoJson),
        ("kml", ExportFormat.Kml),
        ("gpx", ExportFormat.Gpx),
        ("csv", ExportFormat.Csv),
        ("shp", ExportFormat.Shapefile),
        ("shapefile", ExportFormat.Shapefile),
        ("gpkg", ExportFormat.GeoPackage),
        ("geopackage", ExportFormat.GeoPackage),
    ];

    /// <summary>The names <see cref="Parse"/> accepts, lower case.</summary>
    public static IReadOnlyList<string> ValidNames { get; } = Names.Select(n => n.Name).ToArray();

    /// <summary>Parses a format name (case-insensitive; a leading dot is allowed, so file extensions work).</summary>
    /// <exception cref="FormatException">The name is not one of <see cref="ValidNames"/>.</exception>
    public static ExportFormat Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name, out var format)
            ? format
            : throw new FormatException(
                $"Unknown export format '{name}'. Valid formats: {string.Join(", ", ValidNames)}.");
    }

    /// <summary>Parses a format name; false when it is not one of <see cref="ValidNames"/>.</summary>
    public static bool TryParse(string? name, out ExportFormat format)
    {
        string key = (name ?? string.Empty).Trim().TrimStart('.');
        foreach (var (n, f) in Names)
        {
            if (string.Equals(n, key, StringComparison.OrdinalIgnoreCase))
            {
                format = f;
                return true;
            }
        }

        format = default;
        return false;
    }

    /// <summary>The usual file extension of a format, with the dot (a shapefile's main file is <c>.shp</c>).</summary>
    public static string DefaultExtension(ExportFormat format) => format switch
    {
        ExportFormat.GeoJson => ".geojson",
        ExportFormat.Kml => ".kml",
        ExportFormat.Gpx => ".gpx",
        ExportFormat.Csv => ".csv",
        ExportFormat.Shapefile => ".shp",
        ExportFormat.GeoPackage => ".gpkg",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };

    /// <summary>The MIME type to serve a format's file with (a shapefile is served as a zip).</summary>
    public static string ContentType(ExportFormat format) => format switch
    {
        ExportFormat.GeoJson => "application/geo+json",
        ExportFormat.Kml => "application/vnd.google-earth.kml+xml",
        ExportFormat.Gpx => "application/gpx+xml",
        ExportFormat.Csv => "text/csv",
        ExportFormat.Shapefile => "application/zip",
        ExportFormat.GeoPackage => "application/geopackage+sqlite3",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };
}
