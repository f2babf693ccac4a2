using System.Globalization;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;
using Microsoft.Data.Sqlite;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace DroneScan.Storage.Sqlite;

/// <summary>How values are written to and read from SQLite columns: the conventions, written once.</summary>
internal static class SqlValues
{
    // Fixed-width UTC with 7 fraction digits: sorts as text in time order and round-trips a DateTimeOffset's ticks.
    private const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly NtsGeometryServices Wgs84Services = new(
        NtsGeometryServices.Instance.DefaultCoordinateSequenceFactory,
        NtsGeometryServices.Instance.DefaultPrecisionModel,
        Geometries.Wgs84Srid);

    internal static string ToIso(DateTimeOffset time) => time.UtcDateTime.ToString(IsoFormat, CultureInfo.InvariantCulture);

    internal static DateTimeOffset FromIso(string text) =>
        new(DateTime.ParseExact(text, IsoFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    /// <summary>WKT with round-trip ("R") ordinates, so a stored geometry reads back coordinate-for-coordinate.</summary>
    internal static string ToWkt(Geometry geometry) => new WKTWriter { OutputOrdinates = Ordinates.XY }.Write(geometry);

    /// <summary>Reads WKT as a WGS84 geometry (SRID 4326).</summary>
    internal static Geometry FromWkt(string wkt) => new WKTReader(Wgs84Services).Read(wkt);

    internal static string ToText(FlightStatus status) => status.ToString().ToLowerInvariant();

    internal static string ToText(PhotoStatus status) => status.ToString().ToLowerInvariant();

    internal static string ToText(HazardStatus status) => status.ToString().ToLowerInvariant();

    internal static string ToText(ReviewDecision decision) => decision.ToString().ToLowerInvariant();

    internal static T ParseEnum<T>(string text)
        where T : struct, Enum => Enum.Parse<T>(text, ignoreCase: true);

    /// <summary>The status a decision gives a hazard point, as SQL (used where the status is recomputed in SQL).</summary>
    internal const string DecisionToStatusSql = """
        CASE decision WHEN 'confirm' THEN 'confirmed' WHEN 'reclassify' THEN 'confirmed'
                      WHEN 'reject' THEN 'rejected' ELSE 'unsure' END
        """;

    internal static SqliteParameter Add(this SqliteCommand command, string name, object? value)
    {
        return command.Parameters.AddWithValue(name, value switch
        {
            null => DBNull.Value,
            DateTimeOffset t => ToIso(t),
            Geometry g => ToWkt(g),
            FlightStatus s => ToText(s),
            PhotoStatus s => ToText(s),
            HazardStatus s => ToText(s),
            ReviewDecision d => ToText(d),
            FlightWorkState w => w.ToString().ToLowerInvariant(),
            _ => value,
        });
    }

    internal static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static double? GetDoubleOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    internal static int? GetInt32OrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    internal static DateTimeOffset? GetTimeOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : FromIso(reader.GetString(ordinal));

    internal static Polygon? GetPolygonOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : (Polygon)FromWkt(reader.GetString(ordinal));
}
