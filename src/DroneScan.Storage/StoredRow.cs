using System.Globalization;
using DroneScan.Core.Flights;
using NetTopologySuite.Geometries;

namespace DroneScan.Storage;

/// <summary>
/// One result row, read by column name, with the storage conventions of <see cref="StoredValues"/> applied once for
/// every database: integers may come back as 32 or 64 bits and booleans as 0/1 (SQLite), times as ISO text (SQLite)
/// or timestamps (PostgreSQL).
/// </summary>
internal sealed class StoredRow(IDictionary<string, object?> values)
{
    // Fixed-width UTC with 7 fraction digits: sorts as text in time order and round-trips a DateTimeOffset's ticks.
    internal const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    internal static string ToIso(DateTimeOffset time) => time.UtcDateTime.ToString(IsoFormat, CultureInfo.InvariantCulture);

    internal bool IsNull(string column) => Value(column) is null or DBNull;

    internal string Text(string column) => (string)Value(column)!;

    internal string? TextOrNull(string column) => IsNull(column) ? null : Text(column);

    internal int Int32(string column) => Convert.ToInt32(Value(column), CultureInfo.InvariantCulture);

    internal long Int64(string column) => Convert.ToInt64(Value(column), CultureInfo.InvariantCulture);

    internal double Double(string column) => Convert.ToDouble(Value(column), CultureInfo.InvariantCulture);

    internal double? DoubleOrNull(string column) => IsNull(column) ? null : Double(column);

    internal bool Bool(string column) => Convert.ToBoolean(Value(column), CultureInfo.InvariantCulture);

    internal T Enum<T>(string column)
        where T : struct, Enum => StoredValues.ParseEnum<T>(Text(column));

    /// <summary>The stored time value as it came back, to write again unchanged.</summary>
    internal object Raw(string column) => Value(column)!;

    internal DateTimeOffset Time(string column) => Value(column) switch
    {
        string iso => new DateTimeOffset(DateTime.ParseExact(iso, IsoFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero),
        DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
        DateTimeOffset t => t,
        var other => throw new InvalidCastException($"column {column}: {other?.GetType().Name ?? "null"} is not a stored time"),
    };

    internal DateTimeOffset? TimeOrNull(string column) => IsNull(column) ? null : Time(column);

    internal Geometry Geometry(string column) => StoredValues.FromWkt(Text(column));

    internal Polygon? PolygonOrNull(string column) => IsNull(column) ? null : (Polygon)Geometry(column);

    private object? Value(string column) => values.TryGetValue(column, out var value)
        ? value
        : throw new KeyNotFoundException($"the query returned no column '{column}'");
}
