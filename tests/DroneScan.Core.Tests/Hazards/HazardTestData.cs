using DroneScan.Core.Detection;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;

namespace DroneScan.Core.Tests.Hazards;

/// <summary>Observations and hazard points placed in metres east/north of <see cref="TestCameras.Site"/>.</summary>
internal static class HazardTestData
{
    public static readonly LocalTangentPlane Plane = new(TestCameras.Site.LatitudeDeg, TestCameras.Site.LongitudeDeg);

    public static GeoPoint At(double eastM, double northM) => Plane.ToGeodetic(new Enu(eastM, northM, 0)).Point;

    public static (double EastM, double NorthM) Local(GeoPoint p)
    {
        var e = Plane.ToEnu(p);
        return (e.EastM, e.NorthM);
    }

    public static double DistanceM(GeoPoint p, double eastM, double northM)
    {
        var (e, n) = Local(p);
        return Math.Sqrt(((e - eastM) * (e - eastM)) + ((n - northM) * (n - northM)));
    }

    /// <summary>An observation with a circular error: total 1-σ <paramref name="sigmaM"/>, of which
    /// <paramref name="sharedM"/> is the GNSS part shared with neighbouring photos.</summary>
    public static Observation Obs(string photo, int index, double eastM, double northM, string className = "ap_mine", double confidence = 0.8, double sigmaM = 3.0017, double sharedM = 3, DateTimeOffset? capturedAt = null) =>
        new(photo, index, className, confidence, PixelBox.FromCentre(100, 100, 20, 20), At(eastM, northM), null,
            HorizontalUncertainty.FromCovariance(sigmaM * sigmaM, 0, sigmaM * sigmaM), sharedM, capturedAt);

    /// <summary>As <see cref="Obs"/> with a square ground box of side <paramref name="sizeM"/> centred on the position
    /// (WGS84 corners, as <see cref="ObservationFactory"/> makes them); the relative σ between photos is at the 0.15 m floor.</summary>
    public static Observation Boxed(string photo, int index, double eastM, double northM, double sizeM, string className = "ap_mine", double confidence = 0.8)
    {
        double h = sizeM / 2;
        var ring = new[] { (-h, -h), (h, -h), (h, h), (-h, h), (-h, -h) }
            .Select(c => At(eastM + c.Item1, northM + c.Item2))
            .Select(g => new NetTopologySuite.Geometries.Coordinate(g.LongitudeDeg, g.LatitudeDeg))
            .ToArray();
        return Obs(photo, index, eastM, northM, className, confidence) with { GroundBox = Geometries.Wgs84.CreatePolygon(ring) };
    }

    public static HazardPoint Point(string id, double eastM, double northM) =>
        new(id, At(eastM, northM), "ap_mine", new Dictionary<string, int> { ["ap_mine"] = 1 }, 0.9, 0.9, [], 1, 2.146);

    /// <summary>Standard normal by Box–Muller, from a seeded generator (tests must be repeatable).</summary>
    public static double Gauss(Random rng, double sigma)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
