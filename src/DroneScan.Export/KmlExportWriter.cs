using System.Globalization;
using System.Text;
using System.Xml;
using NetTopologySuite.IO.KML;

namespace DroneScan.Export;

/// <summary>
/// KML 2.2 for Google Earth: one Document, one Placemark per feature with all attributes as ExtendedData.
/// Geometry fragments come from NTS's <see cref="KMLWriter"/>; everything else goes through <see cref="XmlWriter"/>,
/// which escapes all text.
/// </summary>
internal static class KmlExportWriter
{
    private const string KmlNamespace = "http://www.opengis.net/kml/2.2";

    // KML colours are aabbggrr.
    private static readonly (string Id, string Colour)[] Styles =
    [
        ("candidate", "ff00ffff"),
        ("confirmed", "ff0000ff"),
        ("rejected", "ff9e9e9e"),
        ("unsure", "ff0080ff"),
        ("coverage", "4000ff00"),
        ("photo", "20ffffff"),
        ("area", "600000ff"),
    ];

    public static void Write(ExportTable table, IReadOnlyList<ExportData> flights, Stream output)
    {
        // Precision is an NTS precision-model scale, not a digit count: 1e9 keeps 9 decimals of a degree
        // (0.1 mm), beyond any position we know, without float noise.
        var geometryWriter = new KMLWriter { Precision = 1_000_000_000 };
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true };
        using var xml = XmlWriter.Create(output, settings);

        xml.WriteStartDocument();
        xml.WriteStartElement("kml", KmlNamespace);
        xml.WriteStartElement("Document");
        xml.WriteElementString("name", $"{ExportSchema.FlightNames(flights)} – {table.Name}");
        WriteStyles(xml);

        int index = 0;
        foreach (var feature in table.Features)
        {
            xml.WriteStartElement("Placemark");
            xml.WriteElementString("name", PlacemarkName(table, feature, index));
            xml.WriteElementString("styleUrl", "#" + StyleId(table, feature));
            xml.WriteStartElement("ExtendedData");
            for (int i = 0; i < table.Fields.Count; i++)
            {
                string? value = ExportTable.FormatValue(feature.Values[i]);
                if (value is null)
                    continue;
                xml.WriteStartElement("Data");
                xml.WriteAttributeString("name", table.Fields[i].Name);
                xml.WriteElementString("value", value);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteRaw(geometryWriter.Write(feature.Geometry));
            xml.WriteEndElement();
            index++;
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteStyles(XmlWriter xml)
    {
        foreach (var (id, colour) in Styles)
        {
            xml.WriteStartElement("Style");
            xml.WriteAttributeString("id", id);
            xml.WriteStartElement("IconStyle");
            xml.WriteElementString("color", colour);
            xml.WriteEndElement();
            xml.WriteStartElement("LineStyle");
            xml.WriteElementString("color", "ff" + colour[2..]);
            xml.WriteElementString("width", "2");
            xml.WriteEndElement();
            xml.WriteStartElement("PolyStyle");
            xml.WriteElementString("color", colour);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
    }

    private static string PlacemarkName(ExportTable table, ExportFeature feature, int index) => table.Layer switch
    {
        ExportLayer.Points => $"{ExportSchema.ShortId((string)table.ValueOf(feature, "id")!)} {table.ValueOf(feature, "class")}",
        ExportLayer.Coverage => (string?)table.ValueOf(feature, "file_name") ?? "coverage",
        _ => (string?)table.ValueOf(feature, "id") ?? index.ToString(CultureInfo.InvariantCulture),
    };

    private static string StyleId(ExportTable table, ExportFeature feature) => table.Layer switch
    {
        ExportLayer.Points => (string)table.ValueOf(feature, "status")!,
        ExportLayer.Coverage => (string)table.ValueOf(feature, "kind")!,
        _ => "area",
    };
}
