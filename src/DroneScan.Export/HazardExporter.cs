namespace DroneScan.Export;

/// <summary>Writes one layer of a flight's results in one format (WGS84 decimal degrees, X = lon, Y = lat). Each
/// method also takes several flights (e.g. every flight of a site): one layer holding each flight's features, each
/// with its own <c>flight_id</c> and <c>flight</c>.</summary>
public static class HazardExporter
{
    /// <summary>
    /// Writes <paramref name="layer"/> of <paramref name="data"/> as <paramref name="format"/> to <paramref name="path"/>,
    /// replacing an existing file once the new one is complete (a failure leaves no partial file). A shapefile path <c>x.shp</c> also writes <c>x.shx</c>, <c>x.dbf</c>,
    /// <c>x.prj</c> and <c>x.cpg</c>; a CSV also writes <c>x.imsma-mapping.csv</c>, the IMSMA field-mapping template.
    /// </summary>
    /// <param name="format">File format.</param>
    /// <param name="layer">Which layer.</param>
    /// <param name="data">The flight's results.</param>
    /// <param name="path">Output file (for a shapefile, the <c>.shp</c>).</param>
    /// <param name="timeProvider">Clock for the GeoPackage <c>last_change</c> stamp; the system clock when null.</param>
    /// <exception cref="NotSupportedException">GPX asked for a polygon layer (GPX holds points only).</exception>
    /// <exception cref="IOException">A file could not be written (full disk, missing folder …).</exception>
    public static void Write(ExportFormat format, ExportLayer layer, ExportData data, string path, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Write(format, layer, [data], path, timeProvider);
    }

    /// <summary>As <see cref="Write(ExportFormat, ExportLayer, ExportData, string, TimeProvider?)"/>, for several flights in one layer.</summary>
    /// <exception cref="ArgumentException">No flight given.</exception>
    public static void Write(ExportFormat format, ExportLayer layer, IReadOnlyList<ExportData> flights, string path, TimeProvider? timeProvider = null)
    {
        RequireFlights(flights);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        RequirePointsForGpx(format, layer);
        var table = ExportSchema.Build(layer, flights);

        switch (format)
        {
            case ExportFormat.Shapefile:
                ShapefileExportWriter.WriteFiles(table, path);
                return;
            case ExportFormat.GeoPackage:
                ExportFile.WriteFile(path, file => GeoPackageExportWriter.Write(table, flights, file, (timeProvider ?? TimeProvider.System).GetUtcNow()));
                return;
        }

        ExportFile.Write(path, output => WriteStream(format, table, flights, output));
        if (format == ExportFormat.Csv)
        {
            // After the data: a failed export leaves no template for a file that is not there.
            ExportFile.Write(ImsmaMappingPath(path), mapping => CsvExportWriter.WriteImsmaMapping(table, mapping));
        }
    }

    /// <summary>
    /// Writes a single-file format to a stream (GeoJSON, KML, GPX, CSV without its mapping template). Shapefiles go
    /// through <c>WriteShapefileZip</c>; GeoPackage needs a file (SQLite).
    /// </summary>
    public static void Write(ExportFormat format, ExportLayer layer, ExportData data, Stream output)
    {
        ArgumentNullException.ThrowIfNull(data);
        Write(format, layer, [data], output);
    }

    /// <summary>As <see cref="Write(ExportFormat, ExportLayer, ExportData, Stream)"/>, for several flights in one layer.</summary>
    public static void Write(ExportFormat format, ExportLayer layer, IReadOnlyList<ExportData> flights, Stream output)
    {
        RequireFlights(flights);
        ArgumentNullException.ThrowIfNull(output);
        if (format is ExportFormat.Shapefile or ExportFormat.GeoPackage)
        {
            throw new NotSupportedException(
                $"{format} is not a single stream: use {nameof(WriteShapefileZip)} for a shapefile, a file path for a GeoPackage.");
        }

        RequirePointsForGpx(format, layer);
        WriteStream(format, ExportSchema.Build(layer, flights), flights, output);
    }

    /// <summary>Writes a shapefile's parts into a zip, each named <paramref name="baseName"/> + extension.</summary>
    public static void WriteShapefileZip(ExportLayer layer, ExportData data, Stream output, string baseName)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteShapefileZip(layer, [data], output, baseName);
    }

    /// <summary>As <see cref="WriteShapefileZip(ExportLayer, ExportData, Stream, string)"/>, for several flights in one layer.</summary>
    public static void WriteShapefileZip(ExportLayer layer, IReadOnlyList<ExportData> flights, Stream output, string baseName)
    {
        RequireFlights(flights);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseName);
        ShapefileExportWriter.WriteZip(ExportSchema.Build(layer, flights), baseName, output);
    }

    /// <summary>
    /// Writes a CSV and its IMSMA field-mapping template into one zip (<paramref name="baseName"/><c>.csv</c> and
    /// <paramref name="baseName"/><c>.imsma-mapping.csv</c>), so a download carries both; the template's
    /// descriptions in <paramref name="language"/> where there is a translation (az, ru), else English.
    /// </summary>
    public static void WriteCsvZip(ExportLayer layer, ExportData data, Stream output, string baseName, System.Globalization.CultureInfo? language = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteCsvZip(layer, [data], output, baseName, language);
    }

    /// <summary>As <see cref="WriteCsvZip(ExportLayer, ExportData, Stream, string, System.Globalization.CultureInfo?)"/>, for several flights in one layer.</summary>
    public static void WriteCsvZip(ExportLayer layer, IReadOnlyList<ExportData> flights, Stream output, string baseName, System.Globalization.CultureInfo? language = null)
    {
        RequireFlights(flights);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseName);
        var table = ExportSchema.Build(layer, flights);
        using var zip = new System.IO.Compression.ZipArchive(output, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true);
        using (var csv = zip.CreateEntry(baseName + ".csv").Open())
        {
            CsvExportWriter.Write(table, csv);
        }

        using var mapping = zip.CreateEntry(Path.GetFileName(ImsmaMappingPath(baseName + ".csv"))).Open();
        CsvExportWriter.WriteImsmaMapping(table, mapping, language);
    }

    /// <summary>Where <see cref="Write(ExportFormat, ExportLayer, ExportData, string, TimeProvider?)"/> puts the
    /// IMSMA mapping template of a CSV: <c>x.csv</c> → <c>x.imsma-mapping.csv</c>.</summary>
    public static string ImsmaMappingPath(string csvPath) => Path.ChangeExtension(csvPath, ".imsma-mapping.csv");

    private static void WriteStream(ExportFormat format, ExportTable table, IReadOnlyList<ExportData> flights, Stream output)
    {
        switch (format)
        {
            case ExportFormat.GeoJson:
                GeoJsonExportWriter.Write(table, output);
                break;
            case ExportFormat.Kml:
                KmlExportWriter.Write(table, flights, output);
                break;
            case ExportFormat.Gpx:
                GpxExportWriter.Write(flights, output);
                break;
            case ExportFormat.Csv:
                CsvExportWriter.Write(table, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format.");
        }
    }

    private static void RequireFlights(IReadOnlyList<ExportData> flights)
    {
        ArgumentNullException.ThrowIfNull(flights);
        if (flights.Count == 0)
        {
            throw new ArgumentException("an export needs at least one flight", nameof(flights));
        }
    }

    private static void RequirePointsForGpx(ExportFormat format, ExportLayer layer)
    {
        if (format == ExportFormat.Gpx && layer != ExportLayer.Points)
        {
            throw new NotSupportedException(
                $"GPX holds points only: the {layer.ToString().ToLowerInvariant()} layer (polygons) cannot be written as GPX. "
                + "Use GeoJSON, KML, CSV, Shapefile or GeoPackage for it.");
        }
    }
}
