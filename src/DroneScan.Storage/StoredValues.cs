using DroneScan.Core.Flights;
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

    /// <summary><see cref="ReviewRules.StatusOf"/> as SQL over a <c>decision</c> column (where the status is
    /// recomputed in SQL), built from the rule so the two cannot drift apart.</summary>
    internal static readonly string DecisionToStatusSql = "CASE decision "
        + string.Concat(Enum.GetValues<ReviewDecision>().Select(d => $"WHEN '{ToText(d)}' THEN '{ToText(ReviewRules.StatusOf(d))}' "))
        + "END";

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
