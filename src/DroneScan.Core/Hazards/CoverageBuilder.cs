using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace DroneScan.Core.Hazards;

/// <summary>Builds the <see cref="CoverageLayer"/>: where the detector looked finely enough for "nothing found" to
/// count as evidence.</summary>
public static class CoverageBuilder
{
    /// <summary>
    /// Union of the footprints of photos whose centre GSD is at most <paramref name="maxGsdM"/> (photos without a
    /// footprint or GSD do not count). The union is taken in WGS84 so the output keeps the footprints' own
    /// vertices; the area is measured in a local metric frame, since square degrees are not square metres.
    /// An empty geometry (and area 0) when no photo qualifies.
    /// </summary>
    public static CoverageLayer Build(IReadOnlyList<PhotoCoverage> photos, double maxGsdM)
    {
        ArgumentNullException.ThrowIfNull(photos);
        var footprints = photos
            .Where(p => p.Footprint is not null && p.CentreGsdM is { } gsd && gsd <= maxGsdM)
            .Select(p => p.Footprint!)
            .ToList();
        if (footprints.Count == 0)
        {
            return new CoverageLayer(Geometries.Wgs84.CreateMultiPolygon(), 0, maxGsdM, 0);
        }

        var covered = CascadedPolygonUnion.Union(footprints.Cast<Geometry>().ToList());
        var frame = LocalFrame.Around(footprints.Select(f => f.Centroid).Select(c => new GeoPoint(c.Y, c.X)));
        return new CoverageLayer(covered, frame.ToLocal(covered).Area, maxGsdM, footprints.Count);
    }
}
