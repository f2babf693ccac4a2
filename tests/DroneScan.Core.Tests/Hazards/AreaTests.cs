using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;
using NetTopologySuite.Geometries;
using static DroneScan.Core.Tests.Hazards.HazardTestData;

namespace DroneScan.Core.Tests.Hazards;

public class CoverageBuilderTests
{
    [Fact]
    public void Build_AreaIs150m2_ForTwo10mSquaresOverlappingByHalf()
    {
        // [0, 10] × [0, 10] ∪ [5, 15] × [0, 10] = 15 × 10 m.
        var photos = new[] { Photo("a", Square(0, 0, 10), 0.01), Photo("b", Square(5, 0, 10), 0.01) };

        var layer = CoverageBuilder.Build(photos, maxGsdM: 0.02);

        Assert.Equal(150, layer.AreaM2, 150 * 0.005);
        Assert.Equal(2, layer.PhotoCount);
        Assert.Equal(Geometries.Wgs84Srid, layer.Covered.SRID);
    }

    [Fact]
    public void Build_LeavesOutFootprintsCoarserThanTheLimit()
    {
        var photos = new[] { Photo("a", Square(0, 0, 10), 0.01), Photo("b", Square(50, 0, 10), 0.05), Photo("c", null, 0.01) };

        var layer = CoverageBuilder.Build(photos, maxGsdM: 0.02);

        Assert.Equal(100, layer.AreaM2, 100 * 0.005);
        Assert.Equal(1, layer.PhotoCount);
    }

    [Fact]
    public void Build_GivesAnEmptyLayer_WhenNoPhotoQualifies()
    {
        var layer = CoverageBuilder.Build([Photo("b", Square(0, 0, 10), 0.05)], maxGsdM: 0.02);

        Assert.True(layer.Covered.IsEmpty);
        Assert.Equal(0, layer.AreaM2);
        Assert.Equal(0, layer.PhotoCount);
    }

    private static PhotoCoverage Photo(string id, Polygon? footprint, double gsdM) => new(id, id + ".jpg", footprint, gsdM, null);

    /// <summary>A square footprint in metres from the site, as a WGS84 polygon.</summary>
    private static Polygon Square(double eastM, double northM, double sizeM)
    {
        (double E, double N)[] corners = [(eastM, northM), (eastM + sizeM, northM), (eastM + sizeM, northM + sizeM), (eastM, northM + sizeM), (eastM, northM)];
        return Geometries.Wgs84.CreatePolygon(corners.Select(c => At(c.E, c.N)).Select(g => new Coordinate(g.LongitudeDeg, g.LatitudeDeg)).ToArray());
    }
}

public class SuggestedAreasTests
{
    [Fact]
    public void Build_OnePointWith1mBuffer_HasAreaPi()
    {
        var area = Assert.Single(SuggestedAreas.Build([Point("hp-a", 0, 0)], 1));

        Assert.Equal(Math.PI, area.AreaM2, Math.PI * 0.01);
        Assert.Equal(["hp-a"], area.HazardIds);
        Assert.Equal(1, area.BufferM);
        Assert.True(NetTopologySuite.Algorithm.Orientation.IsCCW(area.Area.ExteriorRing.CoordinateSequence));
        Assert.True(DistanceM(new(area.Area.Centroid.Y, area.Area.Centroid.X), 0, 0) < 0.01);
    }

    [Fact]
    public void Build_JoinsPoints15mApart_With1mBuffer()
    {
        var area = Assert.Single(SuggestedAreas.Build([Point("hp-a", 0, 0), Point("hp-b", 1.5, 0)], 1));

        Assert.Equal(["hp-a", "hp-b"], area.HazardIds);
        Assert.Matches("^sha-[0-9a-f]{12}$", area.Id);
    }

    [Fact]
    public void Build_KeepsPoints3mApart_AsTwoAreas()
    {
        var areas = SuggestedAreas.Build([Point("hp-b", 3, 0), Point("hp-a", 0, 0)], 1);

        Assert.Equal(2, areas.Count);
        Assert.All(areas, a => Assert.Single(a.HazardIds));
        Assert.Equal(areas.Select(a => a.Id), SuggestedAreas.Build([Point("hp-a", 0, 0), Point("hp-b", 3, 0)], 1).Select(a => a.Id));
    }

    [Fact]
    public void Build_PutsEachPointInTheAreaThatCoversIt_AmongManyAreasAndAHoledOne()
    {
        // A ring of points (one area with a hole) around a lone point in the hole, and far pairs.
        var points = Enumerable.Range(0, 24).Select(i => Point($"hp-r{i:00}", 10 * Math.Sin(i * Math.PI / 12), 10 * Math.Cos(i * Math.PI / 12)))
            .Append(Point("hp-centre", 0, 0))
            .Concat(Enumerable.Range(0, 10).SelectMany(i => new[] { Point($"hp-p{i}a", 100 + (i * 20), 0), Point($"hp-p{i}b", 101 + (i * 20), 0) }))
            .ToList();

        var areas = SuggestedAreas.Build(points, 1.5);

        Assert.Equal(1 + 1 + 10, areas.Count);
        Assert.Equal(points.Select(p => p.Id).Order(StringComparer.Ordinal), areas.SelectMany(a => a.HazardIds).Order(StringComparer.Ordinal));
        Assert.Equal(24, areas[0].HazardIds.Count);
        Assert.Contains(areas, a => a.HazardIds.SequenceEqual(["hp-centre"]));
    }

    [Fact]
    public void AreCurrent_WhenTheAreasHoldExactlyThePointsNotRejected_AtTheBuffer()
    {
        var a = Point("hp-a", 0, 0);
        var b = Point("hp-b", 3, 0);
        var areas = SuggestedAreas.Build([a, b], 1);
        ReviewedHazard Reviewed(HazardPoint p, HazardStatus status) => new(p with { Status = status }, null);

        Assert.True(SuggestedAreas.AreCurrent(areas, [Reviewed(a, HazardStatus.Confirmed), Reviewed(b, HazardStatus.Candidate)], 1));
        Assert.False(SuggestedAreas.AreCurrent(areas, [Reviewed(a, HazardStatus.Rejected), Reviewed(b, HazardStatus.Candidate)], 1));
        Assert.False(SuggestedAreas.AreCurrent(areas, [Reviewed(a, HazardStatus.Confirmed), Reviewed(b, HazardStatus.Candidate)], 2));
        Assert.True(SuggestedAreas.AreCurrent([], [Reviewed(a, HazardStatus.Rejected)], 1));
    }
}
