using DroneScan.Core.Georeferencing;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace DroneScan.Core.Hazards;

/// <summary>Suggested hazard areas (SHA suggestions): hazard points grouped by buffering them and taking the union.</summary>
public static class SuggestedAreas
{
    // A quarter circle in 16 segments: the 64-gon's area is 0.16 % under π r².
    private const int QuadrantSegments = 16;

    /// <summary>
    /// Buffers every point by <paramref name="bufferM"/> metres (in a local metric frame, then back to WGS84), takes
    /// the union, and returns one area per connected polygon with the ids of the points inside. Points closer than
    /// 2 × <paramref name="bufferM"/> end up in one area. Ids (<c>sha-</c> + 12 hex digits of SHA-256 over the
    /// member ids) and order (most points first, then id) do not depend on the input order.
    /// </summary>
    /// <summary>
    /// The areas of a reviewed flight: <see cref="Build"/> over the points an analyst has not rejected (candidates,
    /// confirmed, unsure); a rejected point is a false alarm and suggests no hazardous area.
    /// </summary>
    public static IReadOnlyList<SuggestedHazardArea> BuildReviewed(IReadOnlyList<ReviewedHazard> hazards, double bufferM)
    {
        ArgumentNullException.ThrowIfNull(hazards);
        return Build([.. hazards.Where(h => h.Status != HazardStatus.Rejected).Select(h => h.Point)], bufferM);
    }

    /// <summary>
    /// Whether <paramref name="areas"/> are what <see cref="BuildReviewed"/> would build now: they hold exactly the
    /// points not rejected, at this buffer. Points only move when a flight is finalised, which writes its areas, so
    /// between finalisations the member set and buffer decide the areas. Cheap: no geometry.
    /// </summary>
    public static bool AreCurrent(IReadOnlyList<SuggestedHazardArea> areas, IReadOnlyList<ReviewedHazard> hazards, double bufferM)
    {
        ArgumentNullException.ThrowIfNull(areas);
        ArgumentNullException.ThrowIfNull(hazards);
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var area in areas)
        {
            if (area.BufferM != bufferM)
            {
                return false;
            }

            members.UnionWith(area.HazardIds);
        }

        return members.SetEquals(hazards.Where(h => h.Status != HazardStatus.Rejected).Select(h => h.Point.Id));
    }

    public static IReadOnlyList<SuggestedHazardArea> Build(IReadOnlyList<HazardPoint> points, double bufferM)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferM);
        if (points.Count == 0)
        {
            return [];
        }

        var frame = LocalFrame.Around(points.Select(p => p.Position));
        var local = points
            .Select(p => (p.Id, Point: frame.ToLocal(p.Position)))
            .Select(p => (p.Id, Point: Geometries.LocalMetric.CreatePoint(new Coordinate(p.Point.EastM, p.Point.NorthM))))
            .ToList();
        var union = CascadedPolygonUnion.Union(local.Select(p => p.Point.Buffer(bufferM, QuadrantSegments)).ToList());

        // Each point to the polygon that covers it: candidates by envelope (an STR tree), then a prepared polygon's
        // test, so thousands of points against a polygon of thousands of vertices stay fast.
        var polygons = new List<Polygon>();
        var index = new NetTopologySuite.Index.Strtree.STRtree<int>();
        for (int i = 0; i < union.NumGeometries; i++)
        {
            if (union.GetGeometryN(i) is Polygon polygon && !polygon.IsEmpty)
            {
                index.Insert(polygon.EnvelopeInternal, polygons.Count);
                polygons.Add(polygon);
            }
        }

        var prepared = polygons.ConvertAll(p => NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(p));
        var members = polygons.ConvertAll(_ => new List<string>());
        foreach (var (id, point) in local)
        {
            foreach (int i in index.Query(point.EnvelopeInternal))
            {
                if (prepared[i].Covers(point))
                {
                    members[i].Add(id);
                }
            }
        }

        var areas = new List<SuggestedHazardArea>();
        for (int i = 0; i < polygons.Count; i++)
        {
            var polygon = polygons[i];
            var ids = members[i].Order(StringComparer.Ordinal).ToList();
            var wgs84 = (Polygon)frame.ToWgs84(polygon);
            if (!Orientation.IsCCW(wgs84.ExteriorRing.CoordinateSequence))
            {
                wgs84 = (Polygon)wgs84.Reverse();
            }

            areas.Add(new SuggestedHazardArea(StableId.From("sha-", ids), wgs84, polygon.Area, ids, bufferM));
        }

        return [.. areas.OrderByDescending(a => a.HazardIds.Count).ThenBy(a => a.Id, StringComparer.Ordinal)];
    }
}
