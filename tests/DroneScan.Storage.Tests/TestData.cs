using DroneScan.Core.Detection;
using DroneScan.Core.Flights;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;
using NetTopologySuite.Geometries;

namespace DroneScan.Storage.Tests;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

internal static class TestData
{
    public const string ModelA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string ModelB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    public static string PhotoId(int n) => n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    public static Polygon Square(double lon, double lat, double halfDeg) => Geometries.Wgs84.CreatePolygon(
    [
        new(lon - halfDeg, lat - halfDeg), new(lon + halfDeg, lat - halfDeg), new(lon + halfDeg, lat + halfDeg),
        new(lon - halfDeg, lat + halfDeg), new(lon - halfDeg, lat - halfDeg),
    ]);

    public static PhotoRecord Photo(int n, long? runId, string? fileName = null) => new()
    {
        PhotoId = PhotoId(n),
        FileName = fileName ?? $"DJI_{n:0000}.JPG",
        RelativePath = fileName ?? $"DJI_{n:0000}.JPG",
        SizeBytes = 1_000_000 + n,
        Width = 5280,
        Height = 3956,
        CapturedAt = new DateTimeOffset(2025, 4, 30, 10, 0, 0, TimeSpan.FromHours(3)).AddSeconds(n),
        Position = new GeoPoint(48.1 + (n * 1e-5), 37.2),
        AltitudeAglM = 30.5,
        GsdM = 0.0081,
        Footprint = Square(37.2, 48.1 + (n * 1e-5), 2e-4),
        MetadataJson = """{"make":"DJI"}""",
        RunId = runId,
    };

    /// <summary>An observation with every field set to a value that does not round to a short decimal.</summary>
    public static Observation Obs(int photo, int index, string cls = "ap_mine", double conf = 0.8) => new(
        PhotoId(photo),
        index,
        cls,
        conf + (index * 0.0123456789),
        new PixelBox(100.25 + index, 200.5, 130.125 + index, 231.0625),
        new GeoPoint(48.1000123456789 + (index * 1e-6), 37.2000987654321),
        Square(37.2000987654321, 48.1000123456789, 1.23456789e-6),
        new HorizontalUncertainty(1.1111111111, 2.3838383838, 1.3, 0.9, 123.456789),
        0.7071067811865476,
        // 123456 µs: a fraction that does not round to a short decimal, at the microsecond resolution both stores keep.
        new DateTimeOffset(2025, 4, 30, 10, 0, 0, TimeSpan.FromHours(3)).AddSeconds(photo).AddTicks(1234560));

    public static HazardPoint Hazard(string id, params Observation[] observations) => new(
        id,
        observations[0].Position,
        observations[0].ClassName,
        new Dictionary<string, int> { [observations[0].ClassName] = observations.Length },
        observations.Max(o => o.Confidence),
        observations.Average(o => o.Confidence),
        observations,
        1.05,
        2.25);

    public static CoverageLayer Coverage() => new(Square(37.2, 48.1, 1e-3), 12345.5, 0.01, 3);

    public static FlightDefinition Flight(string name = "field-7") => new(FlightIds.ForName(name), name, "/data/" + name, "Site 7");
}
