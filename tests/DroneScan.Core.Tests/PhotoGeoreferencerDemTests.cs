using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Photos;
using DroneScan.Core.Terrain;

namespace DroneScan.Core.Tests;

/// <summary>Which height a photo gets over a DEM, and the warnings when the DEM cannot be used or disagrees.</summary>
public class PhotoGeoreferencerDemTests
{
    private const string FileName = "DJI_0007.JPG";

    // A 0.02° square of level ground at 1800 m around the test site (48.5° N, 37.5° E), 0.001° samples.
    private static readonly ElevationGrid Level1800 = Grid(1800);

    private static ElevationGrid Grid(float height, double sigmaM = 2.5)
    {
        const int n = 21;
        var heights = Enumerable.Repeat(height, n * n).ToArray();
        return new ElevationGrid("dem.tif", n, n, heights, 37.49, 48.51, 0.001, 0.001, GridProjection.Geographic, sigmaM);
    }

    private static PhotoMetadata Photo(double absoluteAltitude, double relativeAltitude = 95, double? laserRange = null) => new()
    {
        FilePath = Path.Combine("flight", FileName),
        RawWidth = TestCameras.Width,
        RawHeight = TestCameras.Height,
        Make = TestCameras.Make,
        Model = TestCameras.Model,
        FocalLengthMm = TestCameras.FocalMm,
        LatitudeDeg = TestCameras.Site.LatitudeDeg,
        LongitudeDeg = TestCameras.Site.LongitudeDeg,
        GpsAltitudeM = absoluteAltitude,
        Dji = new DjiXmp
        {
            AbsoluteAltitudeM = absoluteAltitude,
            RelativeAltitudeM = relativeAltitude,
            GimbalYawDeg = 0,
            GimbalPitchDeg = -90,
            GimbalRollDeg = 0,
            LrfTargetDistanceM = laserRange,
            LrfStatus = laserRange is null ? null : "Normal",
        },
    };

    [Fact]
    public void Resolve_OverADem_TakesTheHeightFromTheAbsoluteAltitudeMinusTheDem()
    {
        var photo = PhotoGeoreferencer.Resolve(Photo(1830), new GeoreferenceOptions { Terrain = Level1800 });

        Assert.Equal("dji-absolute-minus-dem", photo.AltitudeSource);
        Assert.Equal(30, photo.AltitudeAglM!.Value, 1e-6);
        Assert.Equal(1800, photo.GroundElevationM!.Value, 1e-6);
        Assert.Equal("dem.tif", photo.DemFile);
        Assert.Equal(2.5, photo.Errors!.TerrainSigmaM);
        Assert.Equal(5, photo.Errors.AltitudeSigmaM);

        // Nadir 30 m over level ground: the GSD of the plane model (30 / 3648 m/px).
        Assert.Equal(TestCameras.Gsd30, photo.Georeference!.CentreGsdM!.Value, 1e-6);
        Assert.Empty(photo.Diagnostics);
    }

    [Fact]
    public void Resolve_FallsBackToTheLevelModel_WithAWarning_WhenTheCameraIsOutsideTheDem()
    {
        var elsewhere = Photo(1830) with { LatitudeDeg = 48.6 };

        var photo = PhotoGeoreferencer.Resolve(elsewhere, new GeoreferenceOptions { Terrain = Level1800 });

        Assert.Equal("dji-relative", photo.AltitudeSource);
        Assert.Null(photo.DemFile);
        var warning = Assert.Single(photo.Diagnostics, d => d.Code == DiagnosticCodes.DemNotUsed);
        Assert.Contains("outside the DEM dem.tif", warning.Message, StringComparison.Ordinal);
        Assert.True(photo.IsGeoreferenced);
    }

    [Fact]
    public void Resolve_WarnsThatTheDatumsMayDiffer_WhenTheCameraIsBelowTheDem()
    {
        var photo = PhotoGeoreferencer.Resolve(Photo(252), new GeoreferenceOptions { Terrain = Level1800 });

        var warning = Assert.Single(photo.Diagnostics, d => d.Code == DiagnosticCodes.DemNotUsed);
        Assert.Contains("--dem-datum", warning.Message, StringComparison.Ordinal);
        Assert.Equal("dji-relative", photo.AltitudeSource);
    }

    [Fact]
    public void Resolve_WarnsPerPhoto_WhenTheLaserGroundAndTheDemDisagreeByMoreThanTwiceItsError()
    {
        // The laser measures 38 m down to the ground: 1830 − 38 = 1792 m, 8 m under the DEM's 1800 m (σ 2.5 m).
        var far = PhotoGeoreferencer.Resolve(Photo(1830, laserRange: 38), new GeoreferenceOptions { Terrain = Level1800 });
        var warning = Assert.Single(far.Diagnostics, d => d.Code == DiagnosticCodes.DemDisagrees);
        Assert.Contains("1792.0", warning.Message, StringComparison.Ordinal);
        Assert.Contains("1800.0", warning.Message, StringComparison.Ordinal);

        // 32 m: 2 m off, within 2σ: no warning.
        var near = PhotoGeoreferencer.Resolve(Photo(1830, laserRange: 32), new GeoreferenceOptions { Terrain = Level1800 });
        Assert.DoesNotContain(near.Diagnostics, d => d.Code == DiagnosticCodes.DemDisagrees);
    }

    [Fact]
    public void Resolve_WithLaserAndDem_PutsTheCameraTheLaserHeightAboveTheDemAtTheTarget()
    {
        // The photo says 1830 m, the laser 38 m down to a DEM at 1800 m: the camera is placed at 1838 m, 38 m up.
        var photo = PhotoGeoreferencer.Resolve(Photo(1830, laserRange: 38), new GeoreferenceOptions { Terrain = Level1800 });

        Assert.Equal("dji-lrf+dem", photo.AltitudeSource);
        Assert.Equal(38, photo.AltitudeAglM!.Value, 0.01);
        Assert.Equal(1838, photo.Georeference!.Frame.OriginHeightM, 0.01);
        Assert.Equal(38 / TestCameras.FocalPx, photo.Georeference.CentreGsdM!.Value, 1e-5);

        // Its error is the laser's measurement alone: 0.2 + 0.0015 · 38 = 0.257 m (nadir: no pitch term).
        Assert.Equal(0.257, photo.Errors!.AltitudeSigmaM, 3);
        Assert.Equal(2.5, photo.Errors.TerrainSigmaM);
    }

    [Fact]
    public void Resolve_WithLaserAndDem_FollowsTheDemUnderAnObliqueTarget()
    {
        // Ground rising 0.1 per metre north (DEM grid), camera looking north at −60°: the target lies where the
        // ray meets the slope, and the camera ends 40 m (vertically) above the DEM there.
        const int n = 21;
        var heights = new float[n * n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                heights[(r * n) + c] = (float)(1800 + (0.1 * 111.2 * (10 - r)));
            }
        }

        var slope = new ElevationGrid("slope.tif", n, n, heights, 37.49, 48.51, 0.001, 0.001, GridProjection.Geographic, 2.5);
        var metadata = Photo(1830, laserRange: 40 / Math.Sin(60 * Math.PI / 180));
        metadata = metadata with { Dji = metadata.Dji! with { GimbalPitchDeg = -60 } };

        var photo = PhotoGeoreferencer.Resolve(metadata, new GeoreferenceOptions { Terrain = slope });

        Assert.Equal("dji-lrf+dem", photo.AltitudeSource);
        var g = photo.Georeference!;
        var target = g.PixelToGround(g.Camera.Centre)!.Value;
        Assert.Equal(40, g.Frame.OriginHeightM - slope.HeightAt(target)!.Value, 0.01);
    }

    [Fact]
    public void Resolve_FailsNamingTheDem_WhenTheImageCentreLooksOffIt()
    {
        // Camera near the DEM's north edge looking north at 40° below the horizon: the centre ray lands
        // 1030 / tan 40° ≈ 1.2 km north, past the DEM's edge 110 m away.
        var photo = Photo(2830) with
        {
            LatitudeDeg = 48.509,
            Dji = Photo(2830).Dji! with { GimbalPitchDeg = -40 },
        };

        var result = PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions { Terrain = Level1800 });

        Assert.False(result.IsGeoreferenced);
        var error = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.DemRaysLeave);
        Assert.Contains("dem.tif", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_WithoutADem_IsUnchanged()
    {
        var photo = PhotoGeoreferencer.Resolve(Photo(1830, relativeAltitude: 30), new GeoreferenceOptions());

        Assert.Equal("dji-relative", photo.AltitudeSource);
        Assert.Null(photo.DemFile);
        Assert.Null(photo.Georeference!.Terrain);
        Assert.Equal(TestCameras.Gsd30, photo.Georeference.CentreGsdM!.Value, 1e-9);
    }
}
