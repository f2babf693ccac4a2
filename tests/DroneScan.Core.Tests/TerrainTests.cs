using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Terrain;
using static DroneScan.Core.Tests.TestCameras;

namespace DroneScan.Core.Tests;

/// <summary>
/// Ray–DEM intersection on hand-computed terrains, the DEM grid's sampling, and UTM. The analytic terrains are
/// written in the photo's local frame (heights relative to the camera, 1000 m above the ellipsoid), so that a
/// ray (dx, dy, −1) from the camera meets a plane −100 + a·e + b·n at t = 100 / (1 + a·dx + b·dy) — the Earth's
/// curvature adds under 0.2 mm at these distances.
/// </summary>
public class TerrainTests
{
    private const double CameraHeightM = 1000;
    private static readonly LocalTangentPlane Frame = new(Site.LatitudeDeg, Site.LongitudeDeg, CameraHeightM);

    /// <summary>A terrain given as a function of east/north in <see cref="Frame"/>, heights relative to the camera.</summary>
    private sealed class FrameTerrain(Func<double, double, double?> relativeHeight, double sigmaM = 0, double resolutionM = 1) : ITerrain
    {
        public string Name => "analytic";

        public double VerticalSigmaM => sigmaM;

        public double ResolutionM => resolutionM;

        public double? HeightAt(GeoPoint point)
        {
            var enu = Frame.ToEnu(point, CameraHeightM - 100);
            return relativeHeight(enu.EastM, enu.NorthM) is { } h ? CameraHeightM + h : null;
        }
    }

    private static (Enu? Ground, TerrainMiss Miss) Cast(Func<double, double, double?> terrain, Vec3 ray, double maxRangeM = 1000) =>
        new TerrainRayCaster(Frame, new FrameTerrain(terrain)).Intersect(ray, maxRangeM);

    private static void AssertNear(Enu expected, Enu? actual, double toleranceM = 0.01)
    {
        Assert.NotNull(actual);
        var a = actual.Value;
        double error = Math.Sqrt(Math.Pow(a.EastM - expected.EastM, 2) + Math.Pow(a.NorthM - expected.NorthM, 2) + Math.Pow(a.UpM - expected.UpM, 2));
        Assert.True(error < toleranceM, $"expected {expected}, got {a} ({error * 1000:0.0} mm off)");
    }

    [Fact]
    public void Intersect_MeetsAPlaneTiltedEast_WhereHandComputed()
    {
        // −t = −100 + 0.2 · 0.5 t → t = 100 / 1.1 = 90.909: east 45.4545, up −90.9091.
        var (ground, miss) = Cast((e, _) => -100 + (0.2 * e), new Vec3(0.5, 0, -1));

        Assert.Equal(TerrainMiss.None, miss);
        AssertNear(new Enu(45.4545, 0, -90.9091), ground);
    }

    [Fact]
    public void Intersect_MeetsAPlaneTiltedBothWays_WithAnObliqueRay()
    {
        // −t = −100 + 0.1 · 0.3 t − 0.3 · 0.4 t → t = 100 / 0.91 = 109.8901: east 32.9670, north 43.9560.
        var (ground, _) = Cast((e, n) => -100 + (0.1 * e) - (0.3 * n), new Vec3(0.3, 0.4, -1));

        AssertNear(new Enu(32.9670, 43.9560, -109.8901), ground);
    }

    [Theory]
    [InlineData(0.25, 22.5, -90.0)]     // lands on the upper step: t = 90
    [InlineData(0.21, 20.0, -95.2381)]  // hits the wall at e = 20: t = 20 / 0.21
    [InlineData(0.19, 19.0, -100.0)]    // passes below the wall's foot onto the lower level: t = 100
    public void Intersect_OnAStep_FindsTheRightLevelOrTheWall(double dx, double east, double up)
    {
        var (ground, _) = Cast((e, _) => e < 20 ? -100 : -90, new Vec3(dx, 0, -1));

        AssertNear(new Enu(east, 0, up), ground);
    }

    [Fact]
    public void Intersect_SaysTheRayLeftTheDem_WhenItReachesNoData()
    {
        // Ground 100 m down, DEM ends 30 m east: the 45° ray would land at 100 m east.
        var (ground, miss) = Cast((e, _) => e < 30 ? -100 : null, new Vec3(1, 0, -1));

        Assert.Null(ground);
        Assert.Equal(TerrainMiss.LeftDem, miss);
    }

    [Fact]
    public void Intersect_SaysBeyondRange_OrAboveHorizon()
    {
        Assert.Equal(TerrainMiss.BeyondRange, Cast((_, _) => -100, new Vec3(1, 0, -0.1), maxRangeM: 500).Miss);
        Assert.Equal(TerrainMiss.AboveHorizon, Cast((_, _) => -100, new Vec3(1, 0, 0.1)).Miss);
    }

    [Fact]
    public void Intersect_WithTheGridsSlopeBound_AgreesWithTheUnboundedMarch()
    {
        // A DEM grid sloping ~0.3 east and ~0.1 north around the site, 900–1000 m under the camera's 1000 m.
        const int n = 41;
        var heights = new float[n * n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                heights[(r * n) + c] = (float)(880 + (c * 0.3 * 7.4) - (r * 0.1 * 11.1));
            }
        }

        var grid = new ElevationGrid("g", n, n, heights, Site.LongitudeDeg - 0.002, Site.LatitudeDeg + 0.002, 0.0001, 0.0001, GridProjection.Geographic, 0);
        Assert.InRange(grid.MaxGradient, 0.31, 0.36);
        var bounded = new TerrainRayCaster(Frame, grid);
        var unbounded = new TerrainRayCaster(Frame, new FrameTerrainOf(grid));
        foreach (var ray in new[] { new Vec3(0, 0, -1), new Vec3(0.4, -0.2, -1), new Vec3(-0.6, 0.3, -1), new Vec3(0.1, 0.9, -1) })
        {
            var a = bounded.Intersect(ray, 1000).Ground;
            AssertNear(unbounded.Intersect(ray, 1000).Ground!.Value, a);
        }
    }

    /// <summary>A terrain's heights without its slope bound.</summary>
    private sealed class FrameTerrainOf(ITerrain inner) : ITerrain
    {
        public string Name => inner.Name;

        public double VerticalSigmaM => inner.VerticalSigmaM;

        public double ResolutionM => inner.ResolutionM;

        public double? HeightAt(GeoPoint point) => inner.HeightAt(point);
    }

    [Fact]
    public void PhotoGeoreference_OverALevelDem_PlacesPixelsWhereThePlaneDoes()
    {
        // A DEM level with the plane 30 m under the camera gives the plane's ground points (to < 1 cm).
        var flat = new FrameTerrainAt(SiteHeightM - AglM);
        var camera = Geometry(new CameraAttitude(30, -60, 2));
        var plane = Georeference(camera);
        var dem = new PhotoGeoreference(Site, SiteHeightM, camera, NoErrors, 600, flat);

        foreach (var p in new PixelPoint[] { new(0, 0), new(Width, 0), Centre, new(1000, 3000), new(Width, Height) })
        {
            var a = plane.PixelToGround(p)!.Value;
            var b = dem.PixelToGround(p)!.Value;
            var offset = plane.Frame.ToEnu(b, SiteHeightM - AglM);
            var expected = plane.Frame.ToEnu(a, SiteHeightM - AglM);
            Assert.True(Math.Abs(offset.EastM - expected.EastM) < 0.01 && Math.Abs(offset.NorthM - expected.NorthM) < 0.01, $"{p}: {expected} vs {offset}");
        }

        Assert.Equal(plane.CentreGsdM!.Value, dem.CentreGsdM!.Value, 1e-5);
    }

    [Fact]
    public void PhotoGeoreference_OverARisingSlope_ShrinksTheFootprintUphill()
    {
        // Nadir 30 m over the centre; the ground rises 0.2 m per metre to the east. The right edge's centre
        // (ray 2736/3648 = 0.75 east per metre down) meets it at t = 30 / (1 + 0.2 · 0.75) = 26.087: 19.565 m
        // east, against 22.5 m on the plane.
        var slope = new SlopeTerrain(Site, SiteHeightM - AglM, 0.2);
        var dem = new PhotoGeoreference(Site, SiteHeightM, Nadir(), NoErrors, 600, slope);

        var right = dem.Locate(new PixelPoint(Width, Height / 2.0))!;
        Assert.Equal(19.565, right.OffsetFromCamera.EastM, 0.01);
        Assert.Equal(0, right.OffsetFromCamera.NorthM, 0.01);
        var left = dem.Locate(new PixelPoint(0, Height / 2.0))!;
        Assert.Equal(-30 / (1 - 0.15) * 0.75, left.OffsetFromCamera.EastM, 0.01);
    }

    [Fact]
    public void Uncertainty_OverADem_AddsTheDemError_LikeAHeightError()
    {
        // At the right edge (22.5 m out at 30 m) a vertical error σ moves the point by 0.75 σ: with 2 m of DEM
        // error and nothing else, the east σ is 1.5 m and the north σ 0.
        var flat = new FrameTerrainAt(SiteHeightM - AglM, sigmaM: 2);
        var errors = NoErrors with { TerrainSigmaM = 2 };
        var dem = new PhotoGeoreference(Site, SiteHeightM, Nadir(), errors, 600, flat);

        var u = dem.UncertaintyAt(new PixelPoint(Width, Height / 2.0));
        Assert.Equal(1.5, u.SemiMajorM, 0.01);
        Assert.Equal(0, u.SemiMinorM, 0.01);
    }

    [Fact]
    public void ElevationGrid_InterpolatesBilinearly_BetweenSampleCentres()
    {
        // 3 × 3 geographic grid, sample (0, 0) at 43.0° E, 40.5° N, steps 0.001°; rows go south.
        float[] h = [100, 110, 120, 130, 140, 150, 160, 170, float.NaN];
        var grid = new ElevationGrid("t", 3, 3, h, 43.0, 40.5, 0.001, 0.001, GridProjection.Geographic, 2);

        Assert.Equal(100, grid.HeightAt(new GeoPoint(40.5, 43.0))!.Value, 1e-9);

        // A quarter of a step east and half a step south of (0, 0): 0.5·(0.75·100 + 0.25·110) + 0.5·(0.75·130 + 0.25·140) = 117.5.
        Assert.Equal(117.5, grid.HeightAt(new GeoPoint(40.4995, 43.00025))!.Value, 1e-6);

        // Any NoData neighbour: no height. Outside the sample centres: no height.
        Assert.Null(grid.HeightAt(new GeoPoint(40.4985, 43.0015)));
        Assert.Null(grid.HeightAt(new GeoPoint(40.5001, 43.0)));
        Assert.Null(grid.HeightAt(new GeoPoint(40.499, 42.9999)));
    }

    [Theory]
    // Expected values from PROJ (gdaltransform -s_srs EPSG:4326 -t_srs "+proj=utm +zone=Z [+south] +datum=WGS84").
    [InlineData(40.5, 43.0, 38, true, 330526.831315851, 4485176.13513477)]
    [InlineData(40.45, 42.95, 38, true, 326160.753342714, 4479722.89834822)]
    [InlineData(64.85, -147.75, 6, true, 464434.951018869, 7191948.25864121)]
    [InlineData(0, 3, 31, true, 500000, 0)]
    [InlineData(-33.4, -70.5, 19, false, 360505.619896876, 6303362.28812365)]
    public void Utm_MatchesProj_ToAMillimetre(double lat, double lon, int zone, bool north, double easting, double northing)
    {
        var (e, n) = TransverseMercator.ToUtm(new GeoPoint(lat, lon), zone, north);

        Assert.Equal(easting, e, 0.001);
        Assert.Equal(northing, n, 0.001);
    }

    /// <summary>Level ground at an ellipsoid height.</summary>
    private sealed class FrameTerrainAt(double heightM, double sigmaM = 0) : ITerrain
    {
        public string Name => "level";

        public double VerticalSigmaM => sigmaM;

        public double ResolutionM => 1;

        public double? HeightAt(GeoPoint point) => heightM;
    }

    /// <summary>Ground rising to the east of an origin: height = base + gradient · east.</summary>
    private sealed class SlopeTerrain(GeoPoint origin, double baseHeightM, double gradient) : ITerrain
    {
        private readonly LocalTangentPlane _frame = new(origin.LatitudeDeg, origin.LongitudeDeg, baseHeightM);

        public string Name => "slope";

        public double VerticalSigmaM => 0;

        public double ResolutionM => 1;

        public double? HeightAt(GeoPoint point) => baseHeightM + (gradient * _frame.ToEnu(point, baseHeightM).EastM);
    }
}
