using System.Globalization;
using NetTopologySuite.Geometries;

namespace DroneScan.Export;

/// <summary>Storage type of an attribute; each writer maps it to its own (DBF, SQLite, JSON, text).</summary>
internal enum FieldType
{
    Text,
    Integer,
    Real,

    /// <summary>A UTC instant; written as ISO 8601 text where the format has no date-time type.</summary>
    DateTime,
}

/// <summary>One attribute column of an export layer.</summary>
/// <param name="Name">Field name in every format that allows it (GeoJSON, KML, CSV, GeoPackage).</param>
/// <param name="DbfName">Shapefile name: at most 10 characters (dBASE limit), fixed and documented in docs/export-fields.md.</param>
/// <param name="Type">Storage type; values are <see cref="string"/>, <see cref="long"/>, <see cref="double"/> or
/// <see cref="DateTimeOffset"/> accordingly, or null.</param>
/// <param name="Description">What the value means, for the IMSMA mapping template.</param>
/// <param name="Unit">Unit or coded values, empty when none.</param>
/// <param name="ImsmaField">Suggested IMSMA Core target field (a suggestion: national configurations differ).</param>
internal sealed record ExportField(string Name, string DbfName, FieldType Type, string Description, string Unit, string ImsmaField);

/// <summary>One feature: a WGS84 geometry (X = longitude, Y = latitude) and its values in field order.</summary>
internal sealed record ExportFeature(Geometry Geometry, IReadOnlyList<object?> Values);

/// <summary>A layer flattened to a table, the common input of every writer.</summary>
/// <param name="Name">Layer name (GeoPackage table, KML folder, file stem in a zip).</param>
/// <param name="Layer">Which layer.</param>
/// <param name="Fields">Columns, in order.</param>
/// <param name="Features">Rows; features with empty geometry are never included.</param>
internal sealed record ExportTable(string Name, ExportLayer Layer, IReadOnlyList<ExportField> Fields, IReadOnlyList<ExportFeature> Features)
{
    /// <summary>True for the point layer; the others hold polygons.</summary>
    public bool IsPointLayer => Layer == ExportLayer.Points;

    /// <summary>The value of a named field of a feature of this table.</summary>
    public object? ValueOf(ExportFeature feature, string fieldName)
    {
        for (int i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Name == fieldName)
                return feature.Values[i];
        }

        throw new ArgumentException($"Layer {Name} has no field '{fieldName}'.", nameof(fieldName));
    }

    /// <summary>ISO 8601 UTC to the second, the text form of <see cref="FieldType.DateTime"/> values.</summary>
    public static string FormatTimestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A value as text: invariant culture, round-trip doubles, ISO 8601 instants; null stays null.</summary>
    public static string? FormatValue(object? value) => value switch
    {
        null => null,
        string s => s,
        // Pinned: the web host runs with full globalization (az, ru), and an export must not follow anyone's locale.
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset t => FormatTimestamp(t),
        _ => throw new InvalidOperationException($"Unexpected export value type {value.GetType().Name}."),
    };
}
