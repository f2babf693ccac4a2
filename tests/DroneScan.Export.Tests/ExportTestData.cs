using DroneScan.Core.Detection;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;
using NetTopologySuite.Geometries;

namespace DroneScan.Export.Tests;

/// <summary>A small flight with text that breaks naive writers: unicode, commas, quotes, newlines, formulas.</summary>
internal static class ExportTestData
{
    public const string ReviewerA = "Ləman Əliyeva";
    public const string LabelA = "PMN-2, \"green\"";
    public const string EvidenceA = "=cmd|' /C calc'!A0\nsecond line";
    public const string EvidenceC = "+SUM(1) shadow, not a mine";
    public const string FlightName = "Ağdam field 3";

    public static readonly GeoPoint PositionA = new(39.9876543, 46.9234567);
    public static readonly GeoPoint PositionB = new(39.9877001, 46.9235123);
    public static readonly GeoPoint PositionC = new(39.9871234, 46.9229876);

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    public static ExportData Create()
    {
        var flight = new FlightInfo("flt-0001", FlightName, "dronescan-rgb", "1.2.0", "abc123", new DateTimeOffset(2025, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var photos = new[]
        {
            new PhotoCoverage("photohash1", "DJI_0001.JPG", Square(46.9230, 39.9870, 0.0010), 0.011, new DateTimeOffset(2025, 5, 1, 9, 0, 0, TimeSpan.Zero)),
            new PhotoCoverage("photohash2", "DJI_0002,copy.JPG", Square(46.9232, 39.9872, 0.0010), 0.012, null),
            new PhotoCoverage("photohash3", "DJI_0003.JPG", null, null, null),
        };

        var hazards = new[]
        {
            new ReviewedHazard(
                OnTerrain(Point("a1b2c3d4e5f6", PositionA, "ap_mine", new() { ["ap_mine"] = 3, ["uxo"] = 1 }, HazardStatus.Confirmed, "photohash1", "photohash2")),
                new HazardReview(ReviewerA, new DateTimeOffset(2025, 5, 2, 10, 20, 30, TimeSpan.Zero), LabelA, EvidenceA),
                ReclassifiedAs: LabelA),
            new ReviewedHazard(Point("b2c3d4e5f6a1", PositionB, "uxo", new() { ["uxo"] = 1 }, HazardStatus.Candidate, "photohash2"), null),
            new ReviewedHazard(
                Point("c3d4e5f6a1b2", PositionC, "at_mine", new() { ["at_mine"] = 2 }, HazardStatus.Rejected, "photohash1", "unknownhash"),
                new HazardReview("o'brien, j", new DateTimeOffset(2025, 5, 2, 11, 0, 0, TimeSpan.Zero), null, EvidenceC)),
        };

        var covered = Factory.CreateMultiPolygon([Square(46.9230, 39.9870, 0.0010), Square(46.9250, 39.9870, 0.0005)]);
        var coverage = new CoverageLayer(covered, 12345.6, 0.015, 2);
        var areas = new[]
        {
            new SuggestedHazardArea("sha-1", Square(46.9228, 39.9869, 0.0010), 9876.5, ["a1b2c3d4e5f6", "c3d4e5f6a1b2"], 25),
        };

        return new ExportData(flight, hazards, coverage, photos, areas);
    }

    private static HazardPoint Point(string id, GeoPoint position, string className, Dictionary<string, int> votes, HazardStatus status, params string[] photoIds)
    {
        var uncertainty = new HorizontalUncertainty(1.25, 2.5, 1.5, 1.0, 30);
        var observations = photoIds.Select((photo, i) => new Observation(
            photo, i, className, 0.9 - (0.1 * i), new PixelBox(10, 10, 20, 20), position, null, uncertainty, 0.5,
            new DateTimeOffset(2025, 5, 1, 9, 0, i, TimeSpan.Zero))).ToArray();
        return new HazardPoint(id, position, className, votes, 0.9, 0.85, observations, 1.25, 2.5, status);
    }

    /// <summary>Point A was placed on a DEM (ground 251.25 m); the others on level ground, so their fields stay empty.</summary>
    private static HazardPoint OnTerrain(HazardPoint p) =>
        p with { Observations = [.. p.Observations.Select(o => o with { GroundElevationM = 251.25, HeightSource = "dji-absolute-minus-dem" })] };

    private static Polygon Square(double lon, double lat, double sizeDeg) => Factory.CreatePolygon(
    [
        new Coordinate(lon, lat), new Coordinate(lon + sizeDeg, lat), new Coordinate(lon + sizeDeg, lat + sizeDeg),
        new Coordinate(lon, lat + sizeDeg), new Coordinate(lon, lat),
    ]);
}
