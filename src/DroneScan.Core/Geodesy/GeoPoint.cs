namespace DroneScan.Core.Geodesy;

/// <summary>A WGS84 (EPSG:4326) position in decimal degrees. Latitude first here, but in every NTS geometry
/// X = longitude, Y = latitude.</summary>
public readonly record struct GeoPoint(double LatitudeDeg, double LongitudeDeg)
{
    /// <summary>True when both values are finite and inside their ranges.</summary>
    public bool IsValid =>
        double.IsFinite(LatitudeDeg) && double.IsFinite(LongitudeDeg)
        && Math.Abs(LatitudeDeg) <= 90 && Math.Abs(LongitudeDeg) <= 180;
}

/// <summary>A local East-North-Up offset in metres from the origin of a <see cref="LocalTangentPlane"/>.</summary>
public readonly record struct Enu(double EastM, double NorthM, double UpM)
{
    public double HorizontalDistanceM => Math.Sqrt((EastM * EastM) + (NorthM * NorthM));
}
