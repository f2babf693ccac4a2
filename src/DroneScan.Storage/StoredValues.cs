using DroneScan.Core.Georeferencing;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace DroneScan.Storage;

/// <summary>How values are kept in the database, the same for every store: geometries as WKT (WGS84, X = lon,
/// Y = lat), enums as lower-case text.</summary>
internal static class StoredValues
{
    private static readonly NtsGeometryServices Wgs84Services = new(
        NtsGeometryServices.Instance.DefaultCoordinateSequenceFactory,
        NtsGeometryServices.Instance.DefaultPrecisionModel,
        Geometries.Wgs84Srid);

    /// <summary>The status a decision gives a hazard point, as SQL over a <c>decision</c> column (used where the
    /// status is recomputed in SQL).</summary>
    internal const string DecisionToStatusSql = """
        CASE decision WHEN 'confirm' THEN 'confirmed' WHEN 'reclassify' THEN 'confirmed'
                      WHEN 'reject' THEN 'rejected' ELSE 'unsure' END
        """;

    /// <summary>WKT with round-trip ("R") ordinates, so a stored geometry reads back coordinate-for-coordinate.</summary>
    internal static string ToWkt(Geometry geometry) => new WKTWriter { OutputOrdinates = Ordinates.XY }.Write(geometry);

    /// <summary>Reads WKT as a WGS84 geometry (SRID 4326).</summary>
    internal static Geometry FromWkt(string wkt) => new WKTReader(Wgs84Services).Read(wkt);

    internal static string ToText(FlightStatus status) => status.ToString().ToLowerInvariant();

    internal static string ToText(PhotoStatus status) => status.ToString().ToLowerInvariant();

    internal static string ToText(Core.Hazards.HazardStatus status) => status.ToString().ToLowerInvariant();

    internal static string ToText(ReviewDecision decision) => decision.ToString().ToLowerInvariant();

    internal static T ParseEnum<T>(string text)
        where T : struct, Enum => Enum.Parse<T>(text, ignoreCase: true);
}
