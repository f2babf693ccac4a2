using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Converters;

namespace DroneScan.Export;

/// <summary>RFC 7946 GeoJSON: a FeatureCollection, WGS84 [longitude, latitude], no "crs" member.</summary>
internal static class GeoJsonExportWriter
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static void Write(ExportTable table, Stream output)
    {
        var collection = new FeatureCollection();
        foreach (var feature in table.Features)
        {
            var attributes = new AttributesTable();
            for (int i = 0; i < table.Fields.Count; i++)
            {
                // JSON has numbers and strings; instants go as ISO 8601 text.
                object? value = feature.Values[i] is DateTimeOffset t ? ExportTable.FormatTimestamp(t) : feature.Values[i];
                attributes.Add(table.Fields[i].Name, value);
            }

            collection.Add(new Feature(feature.Geometry, attributes));
        }

        JsonSerializer.Serialize(output, collection, Options);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            // Keep non-ASCII names readable in the file; HTML-sensitive characters are still escaped.
            Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        };
        options.Converters.Add(new GeoJsonConverterFactory(ExportSchema.Wgs84));
        return options;
    }
}
