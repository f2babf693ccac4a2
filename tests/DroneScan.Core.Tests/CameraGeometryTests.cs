using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using static DroneScan.Core.Tests.TestCameras;

namespace DroneScan.Core.Tests;

public class CameraGeometryTests
{
    private const double Mm = 1e-3;

    private static Enu Ground(CameraGeometry camera, PixelPoint pixel) =>
        camera.PixelToGround(pixel) ?? throw new InvalidOperationException($"pixel {pixel} sees no ground");

    private static void AssertEnu(double east, double north, double up, Enu actual, double tolerance)
    {
        Assert.Equal(east, actual.EastM, tolerance);
        Assert.Equal(north, actual.NorthM, tolerance);
        Assert.Equal(up, actual.UpM, tolerance);
    }

    // ---- 1. Nadir GSD and footprint --------------------------------------------------------------------

    [Fact]
    public void FocalPxFromSensor_Fc6310_Is3648()
    {
        // 8.8 mm × 5472 px / 13.2 mm = 48153.6 / 13.2 = 3648 px.
        Assert.Equal(3648, CameraIntrinsics.FocalPxFromSensor(FocalMm, SensorWidthMm, Width), 1e-9);
    }

    [Fact]
    public void GroundSampleDistance_AtCentre_IsAglOverFocalPx_ForNadirAt30m()
    {
        // GSD = 30 / 3648 = 0.00822368 m/px (0.82 cm/px): on flat ground straight below, a one-pixel step is
        // exactly AGL / f_px in both directions.
        double? gsd = Nadir().GroundSampleDistanceM(Nadir().Centre);
        Assert.NotNull(gsd);
        Assert.Equal(0.00822368, gsd.Value, 1e-8);
        Assert.Equal(Gsd30, gsd.Value, 1e-12);
    }

    [Fact]
    public void PixelToGround_ImageCorners_SpanA45By30mRectangle_ForNadirAt30m()
    {
        // Corner (0,0) is 2736 px left and 1824 px above the centre: east −2736 × GSD = −22.5 m,
        // north +1824 × GSD = +15 m, up −30 m. Width 5472 × GSD = 45 m, height 3648 × GSD = 30 m.
        var camera = Nadir();
        AssertEnu(-22.5, 15, -30, Ground(camera, new PixelPoint(0, 0)), Mm);
        AssertEnu(22.5, 15, -30, Ground(camera, new PixelPoint(Width, 0)), Mm);
        AssertEnu(22.5, -15, -30, Ground(camera, new PixelPoint(Width, Height)), Mm);
        AssertEnu(-22.5, -15, -30, Ground(camera, new PixelPoint(0, Height)), Mm);
        AssertEnu(0, 0, -30, Ground(camera, Centre), 1e-12);
    }

    [Fact]
    public void Footprint_OfNadirPhoto_IsTheCornerRectangleOf1350SquareMetres_AndNotClipped()
    {
        // Converted back to ENU with the same tangent plane, the WGS84 polygon's vertices must be the four
        // corner ground points (±22.5 m, ±15 m), area 45 × 30 = 1350 m².
        var photo = Georeference(Nadir(), maxRangeM: 600);
        var (footprint, clipped) = photo.Footprint();

        Assert.NotNull(footprint);
        Assert.False(clipped);
        var ring = footprint.ExteriorRing.Coordinates;
        Assert.Equal(5, ring.Length);
        Assert.Equal(ring[0], ring[^1]);

        var local = ring.Take(4)
            .Select(c => photo.Frame.ToEnu(new GeoPoint(c.Y, c.X), photo.Frame.OriginHeightM - AglM))
            .ToList();
        (double E, double N)[] expected = [(-22.5, 15), (22.5, 15), (22.5, -15), (-22.5, -15)];
        foreach (var (e, n) in expected)
        {
            Assert.Contains(local, v => Math.Abs(v.EastM - e) < Mm && Math.Abs(v.NorthM - n) < Mm);
        }

        // Shoelace; positive because the ring is counter-clockwise (RFC 7946).
        double twiceArea = 0;
        for (int i = 0; i < local.Count; i++)
        {
            var a = local[i];
            var b = local[(i + 1) % local.Count];
            twiceArea += (a.EastM * b.NorthM) - (b.EastM * a.NorthM);
        }

        Assert.Equal(1350, twiceArea / 2, 0.05);
    }

    [Fact]
    public void CentreGsd_OfPhotoGeoreference_MatchesCameraGeometry()
    {
        Assert.Equal(Gsd30, Georeference(Nadir()).CentreGsdM!.Value, 1e-12);
    }

    // ---- 2. Yaw at nadir --------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, 1, 0)]     // yaw 0: image right = east
    [InlineData(90, 0, -1)]   // yaw 90: image right = south
    [InlineData(180, -1, 0)]  // yaw 180: image right = west
    [InlineData(270, 0, 1)]   // yaw 270: image right = north
    public void PixelRightOfCentre_LandsAlongTheRotatedImageRight_ForNadirYaw(double yawDeg, double east, double north)
    {
        // 100 px right of centre at nadir: 100 × 30/3648 = 0.822368 m from the nadir point, along the image
        // right, which yaw turns clockwise from east.
        double d = 100 * Gsd30;
        var g = Ground(Nadir(yawDeg), Centre with { U = Centre.U + 100 });
        AssertEnu(east * d, north * d, -30, g, 1e-9);
        Assert.Equal(0.822368, g.HorizontalDistanceM, 1e-6);
    }

    [Theory]
    [InlineData(0, 0, 1)]    // yaw 0: image top = north
    [InlineData(90, 1, 0)]   // yaw 90: image top = east
    [InlineData(180, 0, -1)] // yaw 180: image top = south
    [InlineData(-90, -1, 0)] // yaw −90: image top = west
    public void PixelAboveCentre_LandsAlongTheHeading_ForNadirYaw(double yawDeg, double east, double north)
    {
        // 100 px above centre (smaller V): 0.822368 m along the yaw direction.
        double d = 100 * Gsd30;
        AssertEnu(east * d, north * d, -30, Ground(Nadir(yawDeg), Centre with { V = Centre.V - 100 }), 1e-9);
    }

    // ---- 3. Oblique and roll ----------------------------------------------------------------------------

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(90, 1, 0)]
    [InlineData(-135, -0.70710678118654752, -0.70710678118654752)]
    public void ImageCentre_Lands30Tan30AlongYaw_ForPitchMinus60At30m(double yawDeg, double east, double north)
    {
        // Pitch −60 is 30° off nadir: the optical axis meets the ground 30 × tan 30° = 17.3205 m away,
        // in the yaw direction.
        double d = 30 * Math.Tan(Math.PI / 6);
        Assert.Equal(17.3205, d, 1e-4);
        var g = Ground(Geometry(new CameraAttitude(yawDeg, -60, 0)), Centre);
        AssertEnu(east * d, north * d, -30, g, 1e-9);
    }

    [Fact]
    public void ImageCentre_Lands50mEast_ForYaw90PitchMinus45At50m()
    {
        // tan 45° × 50 m = 50 m, yaw 90 = east.
        AssertEnu(50, 0, -50, Ground(Geometry(new CameraAttitude(90, -45, 0), 50), Centre), 1e-9);
    }

    [Fact]
    public void Roll_AtNadir_LeavesTheCentreAtTheNadirAndTurnsTheImageLikeYaw()
    {
        // Derivation from CameraGeometry: camera z (optical axis) → body x (forward), and roll is Rx, a
        // rotation about body x. So roll turns the image about its own centre at every pitch and never moves
        // the centre. At pitch −90 the three-axis Z-Y-X sequence is in gimbal lock:
        //   Ry(−90)·Rx(r) = Rz(r)·Ry(−90),
        // e.g. image right (body y): Ry(−90)·(0, cos r, sin r) = (−sin r, cos r, 0) NED, the same as yaw r gives,
        // Rz(r)·(0, 1, 0) = (−sin r, cos r, 0). With roll +10°, a pixel 100 px right of centre lands 0.8224 m
        // along azimuth 100°: east d·cos 10°, north −d·sin 10°.
        var rolled = Geometry(new CameraAttitude(0, -90, 10));
        AssertEnu(0, 0, -30, Ground(rolled, Centre), 1e-9);

        double d = 100 * Gsd30;
        double r = 10 * Math.PI / 180;
        var right = Ground(rolled, Centre with { U = Centre.U + 100 });
        AssertEnu(d * Math.Cos(r), -d * Math.Sin(r), -30, right, 1e-9);
        var asYaw = Ground(Nadir(10), Centre with { U = Centre.U + 100 });
        AssertEnu(asYaw.EastM, asYaw.NorthM, asYaw.UpM, right, 1e-9);
    }

    [Fact]
    public void PositiveRoll_PutsTheRightSideOfAnObliqueImageDown()
    {
        // Pitch −45, yaw 0, roll +10°, 30 m. A pixel a = 0.25 f right of centre has camera ray (a, 0, 1) →
        // body (1, a, 0) → Rx: (1, a cos r, a sin r) → Ry(−45): c = √½,
        //   north = c(1 − a sin r), east = a cos r, down = c(1 + a sin r).
        // Scaling to down = 30: north = 30(1 − a sin r)/(1 + a sin r) = 27.50365 m,
        // east = 30 a cos r / (c (1 + a sin r)) = 10.01087 m. The mirrored pixel on the left sees a shallower
        // ray: north 30(1 + a sin r)/(1 − a sin r) = 32.72293 m, east −10.91950 m.
        // Right side down = right-hand ray steeper = lands nearer than the left-hand one.
        var camera = Geometry(new CameraAttitude(0, -45, 10));
        double du = 0.25 * FocalPx;
        var right = Ground(camera, Centre with { U = Centre.U + du });
        var left = Ground(camera, Centre with { U = Centre.U - du });

        AssertEnu(10.01087, 27.50365, -30, right, 1e-5);
        AssertEnu(-10.91950, 32.72293, -30, left, 1e-5);
        Assert.True(right.NorthM < left.NorthM);
        AssertEnu(0, 30, -30, Ground(camera, Centre), 1e-9);
    }

    // ---- 4. Round trips ---------------------------------------------------------------------------------

    public static TheoryData<double, double, double> Attitudes => new()
    {
        { 0, -90, 0 },
        { 37, -90, 0 },
        { -120, -70, 5 },
        { 75, -55, -12 },
        { 180, -60, 15 },
        { -30, -80, -3 },
    };

    [Theory]
    [MemberData(nameof(Attitudes))]
    public void GroundToPixel_InvertsPixelToGround_ForCornersCentreAndRandomPixels(double yaw, double pitch, double roll)
    {
        // All these attitudes keep the whole image below the horizon (half-diagonal FOV = atan(√(0.75² + 0.5²))
        // = 42° and no pitch above −55°), so every pixel must come back to itself.
        var camera = Geometry(new CameraAttitude(yaw, pitch, roll));
        foreach (var p in SamplePixels(camera, seed: 1234))
        {
            var back = camera.GroundToPixel(Ground(camera, p));
            Assert.NotNull(back);
            Assert.Equal(p.U, back.Value.U, 1e-6);
            Assert.Equal(p.V, back.Value.V, 1e-6);
        }
    }

    public static TheoryData<int> Orientations => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Orientations))]
    public void GroundToPixel_InvertsPixelToGround_InTheOrientedFrame(int orientation)
    {
        // Off-centre principal point so a wrong frame would show; oblique, rolled attitude.
        var intrinsics = new CameraIntrinsics(Width, Height, FocalPx, 2750.3, 1810.7);
        var camera = new CameraGeometry(intrinsics, orientation, new CameraAttitude(-120, -70, 5), 42);
        var (ow, oh) = ExifOrientation.OrientedSize(orientation, Width, Height);
        Assert.Equal(ow, camera.OrientedWidth);
        Assert.Equal(oh, camera.OrientedHeight);

        foreach (var p in SamplePixels(camera, seed: orientation))
        {
            Assert.True(camera.Contains(p));
            var back = camera.GroundToPixel(Ground(camera, p));
            Assert.NotNull(back);
            Assert.Equal(p.U, back.Value.U, 1e-6);
            Assert.Equal(p.V, back.Value.V, 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Attitudes))]
    public void PixelToGround_InvertsGroundToPixel_ForGroundPointsInView(double yaw, double pitch, double roll)
    {
        var camera = Geometry(new CameraAttitude(yaw, pitch, roll));
        var centre = Ground(camera, camera.Centre);
        var random = new Random(99);
        for (int i = 0; i < 50; i++)
        {
            var g = new Enu(centre.EastM + ((random.NextDouble() - 0.5) * 20), centre.NorthM + ((random.NextDouble() - 0.5) * 20), -AglM);
            var pixel = camera.GroundToPixel(g);
            Assert.NotNull(pixel);
            AssertEnu(g.EastM, g.NorthM, g.UpM, Ground(camera, pixel.Value), 1e-9);
        }
    }

    [Fact]
    public void OrientedPixelRightOfCentre_LandsNorth_ForOrientation6AtNadirYaw0()
    {
        // Orientation 6: the stored image is turned 90° clockwise for display, so the stored top (which the
        // gimbal points north at yaw 0) becomes the displayed right. Oriented (W'/2 + 100, H'/2) with
        // W' = 3648 → raw (y, h − x) = (2736, 3648 − 1924) = (2736, 1724): 100 px above the raw centre → north.
        var camera = Geometry(CameraAttitude.Nadir, orientation: 6);
        Assert.Equal(3648, camera.OrientedWidth);
        Assert.Equal(5472, camera.OrientedHeight);
        AssertEnu(0, 100 * Gsd30, -30, Ground(camera, camera.Centre with { U = camera.Centre.U + 100 }), 1e-9);
    }

    // ---- 5. Horizon -------------------------------------------------------------------------------------

    private static CameraGeometry WideCamera(double pitchDeg) =>
        new(CameraIntrinsics.Centred(640, 512, 400), 1, new CameraAttitude(0, pitchDeg, 0), AglM);

    [Fact]
    public void PixelToGround_IsNullAboveTheHorizon_ForPitchMinus10WideCamera()
    {
        // 640 × 512, f = 400 px: vertical half-FOV atan(256/400) = 32.6°. At pitch −10 the horizon is the row
        // 400 × tan 10° = 70.53 px above the centre, V = 256 − 70.53 = 185.47. Above it: no ground.
        var camera = WideCamera(-10);
        Assert.Null(camera.PixelToGround(new PixelPoint(320, 0)));
        Assert.Null(camera.PixelToGround(new PixelPoint(320, 10)));
        Assert.Null(camera.PixelToGround(new PixelPoint(0, 180)));
        Assert.NotNull(camera.PixelToGround(new PixelPoint(320, 190)));

        // The centre sees ground 30 / tan 10° = 170.1385 m north.
        AssertEnu(0, 170.1385, -30, Ground(camera, camera.Centre), 1e-4);
        Assert.Null(camera.GroundSampleDistanceM(new PixelPoint(320, 10)));
    }

    [Fact]
    public void PixelToGround_IsNullForTheCentre_WhenPitchIs0()
    {
        Assert.Null(WideCamera(0).PixelToGround(new PixelPoint(320, 256)));
        Assert.Null(Georeference(WideCamera(0)).PixelToGround(new PixelPoint(320, 256)));
    }

    [Fact]
    public void GroundToPixel_IsNull_ForAPointBehindTheCamera()
    {
        // Looking north at pitch −10: a ground point 50 m south is behind the image plane.
        Assert.Null(WideCamera(-10).GroundToPixel(new Enu(0, -50, -30)));
        Assert.Null(Geometry(new CameraAttitude(90, -30, 0)).GroundToPixel(new Enu(-80, 0, -30)));
    }

    [Fact]
    public void Footprint_IsClippedAndWithinMaxRange_ForPitchMinus20()
    {
        // FC6310 vertical half-FOV = atan(1824/3648) = 26.57° > 20°: the top of the image is above the
        // horizon. The footprint must be cut and lie within MaxGroundRangeM (600 m) of the nadir.
        var photo = Georeference(Geometry(new CameraAttitude(0, -20, 0)), maxRangeM: 600);
        var (footprint, clipped) = photo.Footprint();

        Assert.True(clipped);
        Assert.NotNull(footprint);
        var local = footprint.ExteriorRing.Coordinates
            .Select(c => photo.Frame.ToEnu(new GeoPoint(c.Y, c.X), photo.Frame.OriginHeightM - AglM))
            .ToList();
        Assert.True(local.Count >= 4);
        Assert.All(local, v => Assert.True(v.HorizontalDistanceM <= 600 + Mm, $"vertex {v} is beyond 600 m"));
        Assert.Contains(local, v => v.HorizontalDistanceM > 590);

        // Nearest ground: the bottom edge, 20 + 26.57 = 46.57° below the horizon → 30 / tan 46.57° = 28.42 m
        // north at its middle; its corners are farther. Nothing is south of the camera.
        Assert.All(local, v => Assert.True(v.NorthM > 28.4 - Mm));
    }

    private static List<PixelPoint> SamplePixels(CameraGeometry camera, int seed)
    {
        double w = camera.OrientedWidth, h = camera.OrientedHeight;
        var pixels = new List<PixelPoint> { new(0, 0), new(w, 0), new(w, h), new(0, h), camera.Centre, new(0.5, 0.5) };
        var random = new Random(seed);
        for (int i = 0; i < 40; i++)
        {
            pixels.Add(new PixelPoint(random.NextDouble() * w, random.NextDouble() * h));
        }

        return pixels;
    }
}
