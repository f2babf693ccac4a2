using System.Globalization;
using System.Text;
using NetTopologySuite.IO;

namespace DroneScan.Export;

/// <summary>
/// CSV for IMSMA Core and spreadsheets: RFC 4180 (comma, CRLF, double-quote quoting), UTF-8 with a byte-order
/// mark (so Excel reads it as UTF-8), invariant culture. Points carry <c>latitude</c>,<c>longitude</c> in decimal
/// degrees; polygon layers carry a <c>wkt</c> column (GDAL and QGIS read it as the geometry).
/// </summary>
internal static class CsvExportWriter
{
    private const string LatitudeColumn = "latitude";
    private const string LongitudeColumn = "longitude";
    private const string WktColumn = "wkt";

    public static void Write(ExportTable table, Stream output)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(true), leaveOpen: true) { NewLine = "\r\n" };
        var wkt = new WKTWriter();

        var header = table.IsPointLayer ? new List<string> { LatitudeColumn, LongitudeColumn } : [WktColumn];
        header.AddRange(table.Fields.Select(f => f.Name));
        writer.WriteLine(string.Join(',', header.Select(Quote)));

        foreach (var feature in table.Features)
        {
            var cells = new List<string>(header.Count);
            if (table.IsPointLayer)
            {
                var c = feature.Geometry.Coordinate;
                cells.Add(c.Y.ToString("R", CultureInfo.InvariantCulture));
                cells.Add(c.X.ToString("R", CultureInfo.InvariantCulture));
            }
            else
            {
                cells.Add(Quote(wkt.Write(feature.Geometry)));
            }

            for (int i = 0; i < table.Fields.Count; i++)
            {
                string? value = ExportTable.FormatValue(feature.Values[i]);
                cells.Add(value is null ? string.Empty : Quote(table.Fields[i].Type == FieldType.Text ? GuardFormula(value) : value));
            }

            writer.WriteLine(string.Join(',', cells));
        }
    }

    /// <summary>
    /// Writes the IMSMA Core field-mapping template: one row per column of the CSV. The descriptions are in
    /// <paramref name="language"/> where Resources/FieldTexts has it (az, ru), else English; field names, IMSMA
    /// targets, types and units stay as they are (codes a GIS matches on).
    /// </summary>
    public static void WriteImsmaMapping(ExportTable table, Stream output, CultureInfo? language = null)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(true), leaveOpen: true) { NewLine = "\r\n" };
        writer.WriteLine("dronescan_field,imsma_field,type,unit,description");
        string Row(string name, string imsma, string type, string unit, string key, string english) =>
            string.Join(',', new[] { name, imsma, type, unit, FieldTexts.Describe(key, english, language) }.Select(Quote));
        if (table.IsPointLayer)
        {
            writer.WriteLine(Row("latitude", "Latitude (WGS84)", "real", "decimal degrees", "geometry_latitude", "WGS84 latitude, north positive"));
            writer.WriteLine(Row("longitude", "Longitude (WGS84)", "real", "decimal degrees", "geometry_longitude", "WGS84 longitude, east positive"));
        }
        else
        {
            writer.WriteLine(Row("wkt", "Geometry (WGS84)", "text", "WKT", "geometry_wkt", "Polygon in WGS84 as well-known text (longitude latitude)"));
        }

        foreach (var f in table.Fields)
        {
            string type = f.Type switch
            {
                FieldType.Text => "text",
                FieldType.Integer => "integer",
                FieldType.Real => "real",
                _ => "date-time",
            };
            writer.WriteLine(Row(f.Name, f.ImsmaField, type, f.Unit, FieldTexts.Key(table.Layer, f.Name), f.Description));
        }
    }

    /// <summary>RFC 4180: quote a cell holding a comma, quote, CR or LF, doubling inner quotes.</summary>
    internal static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>
    /// Spreadsheets run a cell starting with = + - @ (or a tab/CR that hides one) as a formula: a text value
    /// that starts so gets a leading apostrophe (OWASP CSV injection advice). Numbers are never text here.
    /// </summary>
    internal static string GuardFormula(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
}
