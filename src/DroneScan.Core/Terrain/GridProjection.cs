using DroneScan.Core.Geodesy;

namespace DroneScan.Core.Terrain;

/// <summary>The horizontal coordinate system of a DEM grid: geographic WGS84 (x = longitude, y = latitude,
/// degrees) or a WGS84 UTM zone (metres).</summary>
public abstract record GridProjection
{
    public static GridProjection Geographic { get; } = new GeographicProjection();

    public static GridProjection Utm(int zone, bool north) => new UtmProjection(zone, north);

    /// <summary>Grid coordinates (x, y) of a WGS84 position.</summary>
    public abstract (double X, double Y) Project(GeoPoint point);

    /// <summary>Metres per grid unit near a position (east, north).</summary>
    public abstract (double East, double North) MetresPerUnit(GeoPoint near);

    private sealed record GeographicProjection : GridProjection
    {
        public override (double X, double Y) Project(GeoPoint point) => (point.LongitudeDeg, point.LatitudeDeg);

        public override (double East, double North) MetresPerUnit(GeoPoint near)
        {
            // Radii of curvature of the ellipsoid: meridian M and prime vertical N.
            double phi = LocalTangentPlane.DegToRad(near.LatitudeDeg), s = Math.Sin(phi);
            double w = 1 - (Wgs84.E2 * s * s);
            double n = Wgs84.A / Math.Sqrt(w);
            double m = Wgs84.A * (1 - Wgs84.E2) / (w * Math.Sqrt(w));
            return (n * Math.Cos(phi) * Math.PI / 180, m * Math.PI / 180);
        }

        public override string ToString() => "EPSG:4326";
    }

    private sealed record UtmProjection(int Zone, bool North) : GridProjection
    {
        public override (double X, double Y) Project(GeoPoint point) => TransverseMercator.ToUtm(point, Zone, North);

        public override (double East, double North) MetresPerUnit(GeoPoint near) => (1, 1);

        public override string ToString() => $"EPSG:{(North ? 32600 : 32700) + Zone} (UTM zone {Zone}{(North ? 'N' : 'S')})";
    }
}
