using NetTopologySuite;
using NetTopologySuite.Geometries;

namespace DroneScan.Core.Georeferencing;

/// <summary>The geometry factories, one per spatial reference, written once: WGS84 (EPSG:4326, X = longitude,
/// Y = latitude) for everything that leaves the pipeline, and an unreferenced metric one for local ENU work.</summary>
public static class Geometries
{
    public const int Wgs84Srid = 4326;

    public static GeometryFactory Wgs84 { get; } = NtsGeometryServices.Instance.CreateGeometryFactory(Wgs84Srid);

    /// <summary>Local metric frames (ENU metres, X = east, Y = north); no SRID.</summary>
    public static GeometryFactory LocalMetric { get; } = NtsGeometryServices.Instance.CreateGeometryFactory(0);
}
