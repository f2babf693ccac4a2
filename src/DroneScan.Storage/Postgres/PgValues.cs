using DroneScan.Core.Hazards;
using NetTopologySuite.Geometries;
using Npgsql;

namespace DroneScan.Storage.Postgres;

/// <summary>How values are written to and read from PostgreSQL columns. Times are timestamptz: written as UTC and
/// kept to the microsecond (PostgreSQL's resolution; Npgsql drops the 100 ns remainder).</summary>
internal static class PgValues
{
    internal static NpgsqlParameter Add(this NpgsqlCommand command, string name, object? value) =>
        command.Parameters.Add(Parameter(name, value));

    internal static NpgsqlParameter Add(this NpgsqlBatchCommand command, string name, object? value) =>
        command.Parameters.Add(Parameter(name, value));

    internal static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset t => t.ToUniversalTime(),
        Geometry g => StoredValues.ToWkt(g),
        FlightStatus s => StoredValues.ToText(s),
        PhotoStatus s => StoredValues.ToText(s),
        HazardStatus s => StoredValues.ToText(s),
        ReviewDecision d => StoredValues.ToText(d),
        _ => value,
    };

    internal static string? GetStringOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static double? GetDoubleOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    internal static DateTimeOffset GetTime(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    internal static DateTimeOffset? GetTimeOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetTime(ordinal);

    internal static Polygon? GetPolygonOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : (Polygon)StoredValues.FromWkt(reader.GetString(ordinal));

    // A null needs a type only where PostgreSQL cannot infer it; every null here lands in a typed column.
    private static NpgsqlParameter Parameter(string name, object? value) => new(name, ToDb(value));
}
