using System.Globalization;
using DroneScan.Core.Hazards;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;

namespace DroneScan.Storage.Sqlite;

/// <summary>How values are written to and read from SQLite columns: the conventions, written once.</summary>
internal static class SqlValues
{
    // Fixed-width UTC with 7 fraction digits: sorts as text in time order and round-trips a DateTimeOffset's ticks.
    private const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    internal static string ToIso(DateTimeOffset time) => time.UtcDateTime.ToString(IsoFormat, CultureInfo.InvariantCulture);

    internal static DateTimeOffset FromIso(string text) =>
        new(DateTime.ParseExact(text, IsoFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    internal static SqliteParameter Add(this SqliteCommand command, string name, object? value)
    {
        return command.Parameters.AddWithValue(name, value switch
        {
            null => DBNull.Value,
            DateTimeOffset t => ToIso(t),
            Geometry g => StoredValues.ToWkt(g),
            FlightStatus s => StoredValues.ToText(s),
            PhotoStatus s => StoredValues.ToText(s),
            HazardStatus s => StoredValues.ToText(s),
            ReviewDecision d => StoredValues.ToText(d),
            FlightWorkState w => w.ToString().ToLowerInvariant(),
            _ => value,
        });
    }

    internal static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static double? GetDoubleOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    internal static int? GetInt32OrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    internal static DateTimeOffset? GetTimeOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : FromIso(reader.GetString(ordinal));

    internal static Polygon? GetPolygonOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : (Polygon)StoredValues.FromWkt(reader.GetString(ordinal));
}
