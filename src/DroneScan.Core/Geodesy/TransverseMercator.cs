namespace DroneScan.Core.Geodesy;

/// <summary>
/// WGS84 → UTM by the Krüger series to sixth order in n (Karney 2011, "Transverse Mercator with an accuracy of a
/// few nanometers"): better than 1 mm within the zone and far beyond it.
/// </summary>
public static class TransverseMercator
{
    private const double K0 = 0.9996;
    private const double FalseEasting = 500_000;
    private const double FalseNorthingSouth = 10_000_000;

    private static readonly double N = Wgs84.F / (2 - Wgs84.F);

    // Rectifying radius A = a / (1 + n) · (1 + n²/4 + n⁴/64 + n⁶/256).
    private static readonly double RectifyingRadius = Wgs84.A / (1 + N) * (1 + (N * N / 4) + (Math.Pow(N, 4) / 64) + (Math.Pow(N, 6) / 256));

    private static readonly double[] Alpha = ComputeAlpha();

    /// <summary>Easting and northing (metres) of a position in a given UTM zone (1–60) and hemisphere.</summary>
    public static (double EastingM, double NorthingM) ToUtm(GeoPoint point, int zone, bool north)
    {
        double lambda0 = LocalTangentPlane.DegToRad((zone * 6) - 183);
        double phi = LocalTangentPlane.DegToRad(point.LatitudeDeg);
        double lambda = LocalTangentPlane.DegToRad(point.LongitudeDeg) - lambda0;
        double e = Math.Sqrt(Wgs84.E2);

        // Conformal latitude, as tan: t = sinh(atanh(sin φ) − e · atanh(e sin φ)).
        double t = Math.Sinh(Math.Atanh(Math.Sin(phi)) - (e * Math.Atanh(e * Math.Sin(phi))));
        double xiPrime = Math.Atan2(t, Math.Cos(lambda));
        double etaPrime = Math.Atanh(Math.Sin(lambda) / Math.Sqrt(1 + (t * t)));
        double xi = xiPrime, eta = etaPrime;
        for (int j = 1; j <= 6; j++)
        {
            xi += Alpha[j - 1] * Math.Sin(2 * j * xiPrime) * Math.Cosh(2 * j * etaPrime);
            eta += Alpha[j - 1] * Math.Cos(2 * j * xiPrime) * Math.Sinh(2 * j * etaPrime);
        }

        double easting = FalseEasting + (K0 * RectifyingRadius * eta);
        double northing = (north ? 0 : FalseNorthingSouth) + (K0 * RectifyingRadius * xi);
        return (easting, northing);
    }

    private static double[] ComputeAlpha()
    {
        double n = N, n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
        return
        [
            (n / 2) - (2 * n2 / 3) + (5 * n3 / 16) + (41 * n4 / 180) - (127 * n5 / 288) + (7891 * n6 / 37800),
            (13 * n2 / 48) - (3 * n3 / 5) + (557 * n4 / 1440) + (281 * n5 / 630) - (1983433 * n6 / 1935360),
            (61 * n3 / 240) - (103 * n4 / 140) + (15061 * n5 / 26880) + (167603 * n6 / 181440),
            (49561 * n4 / 161280) - (179 * n5 / 168) + (6601661 * n6 / 7257600),
            (34729 * n5 / 80640) - (3418889 * n6 / 1995840),
            212378941 * n6 / 319334400,
        ];
    }
}
