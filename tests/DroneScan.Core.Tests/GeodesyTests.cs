using DroneScan.Core.Geodesy;

namespace DroneScan.Core.Tests;

public class GeodesyTests
{
    private const double Deg = Math.PI / 180;

    public static TheoryData<double> Latitudes => [0, 45, -33, 70];

    [Fact]
    public void GeodeticToEcef_OnTheEquatorAtGreenwich_IsTheSemiMajorAxis()
    {
        var v = LocalTangentPlane.GeodeticToEcef(0, 0, 0);
        Assert.Equal(6378137, v.X, 1e-6);
        Assert.Equal(0, v.Y, 1e-6);
        Assert.Equal(0, v.Z, 1e-6);
    }

    [Fact]
    public void GeodeticToEcef_AtTheNorthPole_IsTheSemiMinorAxis()
    {
        // b = a(1 − f) = 6378137 × (1 − 1/298.257223563) = 6356752.314245 m.
        var v = LocalTangentPlane.GeodeticToEcef(90, 0, 0);
        Assert.Equal(0, v.X, 1e-6);
        Assert.Equal(0, v.Y, 1e-6);
        Assert.Equal(6356752.314245, v.Z, 1e-6);
        Assert.Equal(6356752.314245, Wgs84.B, 1e-6);
    }

    [Fact]
    public void GeodeticToEcef_At90East_IsOnTheYAxis_AndHeightAddsAlongTheNormal()
    {
        var v = LocalTangentPlane.GeodeticToEcef(0, 90, 100);
        Assert.Equal(0, v.X, 1e-6);
        Assert.Equal(6378237, v.Y, 1e-6);
        Assert.Equal(0, v.Z, 1e-6);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(90, 0, 0)]
    [InlineData(-90, 45, 10)]
    [InlineData(48.5, 37.5, 250)]
    [InlineData(-33.9, 18.4, -30)]
    [InlineData(70, -179.9, 8848)]
    public void EcefToGeodetic_InvertsGeodeticToEcef(double lat, double lon, double h)
    {
        var (p, height) = LocalTangentPlane.EcefToGeodetic(LocalTangentPlane.GeodeticToEcef(lat, lon, h));
        Assert.Equal(lat, p.LatitudeDeg, 1e-9);   // 1e-9° ≈ 0.1 mm
        if (Math.Abs(lat) < 90)
        {
            Assert.Equal(lon, p.LongitudeDeg, 1e-9);
        }

        Assert.Equal(h, height, 1e-4);
    }

    [Theory]
    [MemberData(nameof(Latitudes))]
    public void EnuToGeodeticToEnu_RoundTripsWithinAMillimetre_At5km(double lat)
    {
        var plane = new LocalTangentPlane(lat, 30, 120);
        foreach (double azimuth in new[] { 0.0, 45, 90, 135, 180, 225, 270, 315, 17 })
        {
            foreach (double up in new[] { -300.0, 0, 1500 })
            {
                var enu = new Enu(5000 * Math.Sin(azimuth * Deg), 5000 * Math.Cos(azimuth * Deg), up);
                var (point, height) = plane.ToGeodetic(enu);
                var back = plane.ToEnu(point, height);
                double error = Math.Sqrt(Math.Pow(back.EastM - enu.EastM, 2) + Math.Pow(back.NorthM - enu.NorthM, 2) + Math.Pow(back.UpM - enu.UpM, 2));
                Assert.True(error < 1e-3, $"lat {lat}, azimuth {azimuth}, up {up}: round-trip error {error} m");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Latitudes))]
    public void GeodeticToEnuToGeodetic_RoundTripsWithinAMillimetre_At5km(double lat)
    {
        var plane = new LocalTangentPlane(lat, -60, 0);
        double n = Wgs84.A / Math.Sqrt(1 - (Wgs84.E2 * Math.Pow(Math.Sin(lat * Deg), 2)));
        foreach (var (dLat, dLon, h) in new[] { (0.045, 0.0, 10.0), (-0.03, 0.03, -50), (0.0, -0.05, 300) })
        {
            var target = new GeoPoint(lat + dLat, -60 + dLon);
            var enu = plane.ToEnu(target, h);
            var (back, height) = plane.ToGeodetic(enu);
            double northErrorM = (back.LatitudeDeg - target.LatitudeDeg) * Deg * n;
            double eastErrorM = (back.LongitudeDeg - target.LongitudeDeg) * Deg * n * Math.Cos(lat * Deg);
            Assert.True(Math.Abs(northErrorM) < 1e-3 && Math.Abs(eastErrorM) < 1e-3 && Math.Abs(height - h) < 1e-3);
        }
    }

    [Fact]
    public void ToEnu_OfTheOrigin_IsZero()
    {
        var plane = new LocalTangentPlane(48.5, 37.5, 250);
        var e = plane.ToEnu(new GeoPoint(48.5, 37.5), 250);
        Assert.Equal(0, e.EastM, 1e-9);
        Assert.Equal(0, e.NorthM, 1e-9);
        Assert.Equal(0, e.UpM, 1e-9);
        Assert.Equal(new GeoPoint(48.5, 37.5), plane.Origin);
        Assert.Equal(250, plane.OriginHeightM);
    }

    [Theory]
    [MemberData(nameof(Latitudes))]
    public void ThousandMetresNorth_ChangesLatitudeByOneThousandOverM(double lat)
    {
        // Meridian radius of curvature M = a(1 − e²)/(1 − e² sin²φ)^{3/2} (6335439 m at 0°, 6367382 m at 45°).
        // Δφ = s/M to first order. The tangent plane point is not on the ellipsoid and M changes along the
        // arc; the leading neglected term is ½ (M′/M) s²/M in metres with M′/M = 3e² sin φ cos φ/(1 − e² sin²φ),
        // i.e. ≈ 0.8 mm at 45°, 0 at the equator. Tolerance: twice that term + 0.05 mm.
        double phi = lat * Deg, s = Math.Sin(phi), c = Math.Cos(phi), e2 = Wgs84.E2;
        double m = Wgs84.A * (1 - e2) / Math.Pow(1 - (e2 * s * s), 1.5);
        double mPrimeOverM = 3 * e2 * Math.Abs(s * c) / (1 - (e2 * s * s));
        double toleranceM = (mPrimeOverM * 1000 * 1000 / m) + 5e-5;

        var plane = new LocalTangentPlane(lat, 30, 0);
        var (p, _) = plane.ToGeodetic(new Enu(0, 1000, 0));
        double expectedDeg = 1000 / m / Deg;
        Assert.Equal(expectedDeg, p.LatitudeDeg - lat, toleranceM / m / Deg);
        Assert.Equal(30, p.LongitudeDeg, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Latitudes))]
    public void ThousandMetresEast_ChangesLongitudeByOneThousandOverNCosPhi(double lat)
    {
        // Prime-vertical radius N = a/√(1 − e² sin²φ); the parallel's radius is N cos φ. The east vector is
        // perpendicular to the meridian plane, so exactly Δλ = atan(s/(N cos φ)) = s/(N cos φ) − (s/(N cos φ))³/3;
        // the cubic term is 0.07 mm at 70°. Tolerance: three times it + 0.05 mm.
        double phi = lat * Deg, sn = Math.Sin(phi);
        double n = Wgs84.A / Math.Sqrt(1 - (Wgs84.E2 * sn * sn));
        double r = n * Math.Cos(phi);
        double toleranceM = (1e9 / (r * r)) + 5e-5;

        var plane = new LocalTangentPlane(lat, 30, 0);
        var (p, _) = plane.ToGeodetic(new Enu(1000, 0, 0));
        Assert.Equal(1000 / r / Deg, p.LongitudeDeg - 30, toleranceM / r / Deg);
    }

    [Fact]
    public void ThousandMetresNorth_AtTheEquator_Is0Point0090437Degrees()
    {
        // M(0) = a(1 − e²) = 6335439.327 m; 1000/M rad = 0.00904369°.
        var (p, _) = new LocalTangentPlane(0, 0, 0).ToGeodetic(new Enu(0, 1000, 0));
        Assert.Equal(0.00904369, p.LatitudeDeg, 1e-8);
    }

    [Fact]
    public void TangentPlane_RisesAboveTheEllipsoidByDSquaredOver2R()
    {
        // 1 km along the plane is d²/2R ≈ 1e6 / (2 × 6.37e6) ≈ 0.0785 m above the ellipsoid.
        var (_, h) = new LocalTangentPlane(45, 0, 0).ToGeodetic(new Enu(0, 1000, 0));
        Assert.Equal(0.0785, h, 5e-4);
    }

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(90, 180, true)]
    [InlineData(-90, -180, true)]
    [InlineData(90.0001, 0, false)]
    [InlineData(0, 180.5, false)]
    [InlineData(double.NaN, 0, false)]
    [InlineData(0, double.PositiveInfinity, false)]
    public void GeoPoint_IsValid_OnlyForFiniteInRangeValues(double lat, double lon, bool valid)
    {
        Assert.Equal(valid, new GeoPoint(lat, lon).IsValid);
    }
}
