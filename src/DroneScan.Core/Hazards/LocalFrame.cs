using System.Security.Cryptography;
using System.Text;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using NetTopologySuite.Geometries;

namespace DroneScan.Core.Hazards;

/// <summary>
/// A local metric frame (ENU metres, X = east, Y = north) tangent to WGS84 at the mean of a set of positions, for
/// the distance, buffer and area work of this folder: degrees are not metres, and a flight is small enough (a few
/// km) for the tangent plane to be exact to millimetres horizontally.
/// </summary>
internal sealed class LocalFrame
{
    private readonly LocalTangentPlane _plane;

    private LocalFrame(GeoPoint origin) => _plane = new LocalTangentPlane(origin.LatitudeDeg, origin.LongitudeDeg);

    /// <summary>A frame at the mean latitude/longitude of the points (flights do not cross the antimeridian).</summary>
    public static LocalFrame Around(IEnumerable<GeoPoint> points)
    {
        double lat = 0, lon = 0;
        int n = 0;
        foreach (var p in points)
        {
            lat += p.LatitudeDeg;
            lon += p.LongitudeDeg;
            n++;
        }

        return new LocalFrame(n == 0 ? default : new GeoPoint(lat / n, lon / n));
    }

    public Enu ToLocal(GeoPoint point) => _plane.ToEnu(point);

    public GeoPoint ToGeo(Enu local) => _plane.ToGeodetic(local).Point;

    /// <summary>A WGS84 geometry (X = lon, Y = lat) in this frame's metres, on <see cref="Geometries.LocalMetric"/>.</summary>
    public Geometry ToLocal(Geometry wgs84) => Transform(wgs84, Geometries.LocalMetric, c =>
    {
        var e = ToLocal(new GeoPoint(c.Y, c.X));
        return (e.EastM, e.NorthM);
    });

    /// <summary>A local metric geometry back in WGS84 (X = lon, Y = lat), on <see cref="Geometries.Wgs84"/>.</summary>
    public Geometry ToWgs84(Geometry local) => Transform(local, Geometries.Wgs84, c =>
    {
        var g = ToGeo(new Enu(c.X, c.Y, 0));
        return (g.LongitudeDeg, g.LatitudeDeg);
    });

    private static Geometry Transform(Geometry source, GeometryFactory factory, Func<Coordinate, (double X, double Y)> map)
    {
        var copy = factory.CreateGeometry(source);
        copy.Apply(new MapFilter(map));
        copy.GeometryChanged();
        return copy;
    }

    private sealed class MapFilter(Func<Coordinate, (double X, double Y)> map) : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (x, y) = map(seq.GetCoordinate(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}

/// <summary>Content-derived ids: the same inputs give the same id on every run and machine.</summary>
internal static class StableId
{
    /// <summary><paramref name="prefix"/> + the first 12 hex digits of SHA-256 over the parts, sorted ordinally and
    /// joined by new lines (so the order the parts arrive in does not matter).</summary>
    public static string From(string prefix, IEnumerable<string> parts)
    {
        var sorted = parts.Order(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', sorted)));
        return prefix + Convert.ToHexStringLower(hash)[..12];
    }
}
