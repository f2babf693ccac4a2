using System.IO.Compression;
using System.Text;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;

namespace DroneScan.Export;

/// <summary>
/// Esri Shapefile: .shp/.shx/.dbf from NetTopologySuite.IO.Esri, .prj (WGS84, Esri WKT) and .cpg (UTF-8) beside
/// them. DBF limits: field names ≤ 10 characters (the fixed <see cref="ExportField.DbfName"/> mapping) and text
/// ≤ 254 bytes (longer text, e.g. a long photo list, is cut at a character boundary).
/// </summary>
internal static class ShapefileExportWriter
{
    /// <summary>WGS84 geographic, as ArcGIS writes it.</summary>
    public const string Wgs84Prj =
        "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],"
        + "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

    private const int MaxTextBytes = 254;

    /// <summary>Writes <c>x.shp</c>, <c>x.shx</c>, <c>x.dbf</c>, <c>x.prj</c>, <c>x.cpg</c> for <paramref name="shpPath"/>.</summary>
    public static void WriteFiles(ExportTable table, string shpPath)
    {
        foreach (var (extension, bytes) in Parts(table))
            ExportFile.Write(Path.ChangeExtension(shpPath, extension), output => output.Write(bytes));
    }

    /// <summary>Writes the parts into a zip, each named <paramref name="baseName"/> + extension.</summary>
    public static void WriteZip(ExportTable table, string baseName, Stream output)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (extension, bytes) in Parts(table))
        {
            var entry = zip.CreateEntry(baseName + extension, CompressionLevel.Optimal);
            using var stream = entry.Open();
            stream.Write(bytes);
        }
    }

    // In memory: export layers are a few thousand features at most, and one path serves files and zip alike.
    private static List<(string Extension, byte[] Bytes)> Parts(ExportTable table)
    {
        var options = new ShapefileWriterOptions(table.IsPointLayer ? ShapeType.Point : ShapeType.Polygon)
        {
            Encoding = Encoding.UTF8,
        };
        foreach (var field in table.Fields)
        {
            switch (field.Type)
            {
                case FieldType.Integer:
                    options.AddNumericInt32Field(field.DbfName);
                    break;
                case FieldType.Real:
                    options.AddNumericDoubleField(field.DbfName);
                    break;
                default:
                    // dBASE dates hold no time of day: instants go as ISO 8601 text.
                    options.AddCharacterField(field.DbfName, MaxTextBytes);
                    break;
            }
        }

        using var shp = new MemoryStream();
        using var shx = new MemoryStream();
        using var dbf = new MemoryStream();
        using var prj = new MemoryStream();
        using (var writer = Shapefile.OpenWrite(shp, shx, dbf, prj, options))
        {
            foreach (var feature in table.Features)
            {
                for (int i = 0; i < table.Fields.Count; i++)
                    writer.Fields[i].Value = DbfValue(feature.Values[i]);
                writer.Geometry = table.IsPointLayer ? feature.Geometry : ExportSchema.AsMultiPolygon(feature.Geometry);
                writer.Write();
            }
        }

        return
        [
            (".shp", shp.ToArray()),
            (".shx", shx.ToArray()),
            (".dbf", dbf.ToArray()),
            (".prj", Encoding.ASCII.GetBytes(Wgs84Prj)),
            (".cpg", Encoding.ASCII.GetBytes("UTF-8")),
        ];
    }

    private static object? DbfValue(object? value) => value switch
    {
        long l => checked((int)l),
        DateTimeOffset t => ExportTable.FormatTimestamp(t),
        string s => Truncate(s),
        _ => value,
    };

    private static string Truncate(string value)
    {
        if (Encoding.UTF8.GetByteCount(value) <= MaxTextBytes)
            return value;
        int length = value.Length;
        while (Encoding.UTF8.GetByteCount(value.AsSpan(0, length)) > MaxTextBytes)
            length--;
        if (length > 0 && char.IsHighSurrogate(value[length - 1]))
            length--;
        return value[..length];
    }
}
