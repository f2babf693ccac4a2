using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Photos;

namespace DroneScan.Core.Tests;

public class PhotoGeoreferencerTests
{
    private const string FileName = "DJI_0042.JPG";

    /// <summary>A complete, georeferenceable Phantom 4 Pro photo: nadir, yaw 0, 30 m above take-off.</summary>
    private static PhotoMetadata Photo => new()
    {
        FilePath = Path.Combine("flights", "2024-05-01", FileName),
        RawWidth = TestCameras.Width,
        RawHeight = TestCameras.Height,
        Make = TestCameras.Make,
        Model = TestCameras.Model,
        FocalLengthMm = TestCameras.FocalMm,
        LatitudeDeg = TestCameras.Site.LatitudeDeg,
        LongitudeDeg = TestCameras.Site.LongitudeDeg,
        GpsAltitudeM = 400,
        Dji = Gimbal(0, -90, 0),
    };

    private static DjiXmp Gimbal(double yaw, double pitch, double roll, double relativeAltitude = 30) => new()
    {
        RelativeAltitudeM = relativeAltitude,
        GimbalYawDeg = yaw,
        GimbalPitchDeg = pitch,
        GimbalRollDeg = roll,
    };

    private static readonly GeoreferenceOptions NoOptions = new();

    private static GeoreferencedPhoto Resolve(PhotoMetadata photo, GeoreferenceOptions? options = null)
    {
        var result = PhotoGeoreferencer.Resolve(photo, options ?? NoOptions);

        // Every diagnostic names the file (not the path) and a field.
        Assert.All(result.Diagnostics, d =>
        {
            Assert.Equal(FileName, d.File);
            Assert.False(string.IsNullOrWhiteSpace(d.Field));
            Assert.False(string.IsNullOrWhiteSpace(d.Message));
        });
        return result;
    }

    private static PhotoDiagnostic Single(GeoreferencedPhoto result, string code, DiagnosticSeverity severity)
    {
        var d = Assert.Single(result.Diagnostics, x => x.Code == code);
        Assert.Equal(severity, d.Severity);
        return d;
    }

    private static void AssertNotGeoreferencedBecause(GeoreferencedPhoto result, string code)
    {
        Assert.False(result.IsGeoreferenced);
        Assert.Null(result.Georeference);
        Single(result, code, DiagnosticSeverity.Error);
    }

    [Fact]
    public void Resolve_CompleteDjiPhoto_IsGeoreferencedWithoutDiagnostics()
    {
        var r = Resolve(Photo);
        Assert.True(r.IsGeoreferenced);
        Assert.Empty(r.Diagnostics);
        Assert.Equal(5472, r.Width);
        Assert.Equal(3648, r.Height);
        Assert.Equal(30, r.AltitudeAglM);
        Assert.Equal("dji-relative", r.AltitudeSource);
        Assert.Equal(new CameraAttitude(0, -90, 0), r.Attitude);
        Assert.Equal("dji-gimbal-xmp", r.AttitudeSource);
        Assert.Equal("default", r.GpsSigmaSource);

        // defaults: GPS 3 m, relative altitude 3 m, gimbal tilt 1°, yaw 2°; range 20 × AGL
        Assert.Equal(new ErrorModel(3, 3, 3, 2, 1, 1), r.Errors);
        Assert.Equal(600, r.Georeference!.MaxGroundRangeM);
        Assert.Equal(TestCameras.Gsd30, r.Georeference.CentreGsdM!.Value, 1e-12);
    }

    [Fact]
    public void Resolve_CarriesOverTheReadersDiagnostics()
    {
        var read = new PhotoDiagnostic(FileName, DiagnosticSeverity.Warning, DiagnosticCodes.InvalidValue, "DateTimeOriginal", "unreadable date");
        var r = Resolve(Photo with { Diagnostics = [read] });
        Assert.Contains(read, r.Diagnostics);
        Assert.True(r.IsGeoreferenced);
    }

    // ---- position ---------------------------------------------------------------------------------------

    [Fact]
    public void Resolve_NoGps_FailsWithNoGps()
    {
        var r = Resolve(Photo with { LatitudeDeg = null });
        AssertNotGeoreferencedBecause(r, DiagnosticCodes.NoGps);
        Assert.Equal("no-gps", DiagnosticCodes.NoGps);
        Assert.Equal(FileName, r.Diagnostics[0].File);
    }

    [Theory]
    [InlineData(double.NaN, 37.5)]
    [InlineData(48.5, double.PositiveInfinity)]
    [InlineData(91, 37.5)]
    [InlineData(48.5, -181)]
    public void Resolve_InvalidCoordinates_FailsWithInvalidCoordinates(double lat, double lon)
    {
        AssertNotGeoreferencedBecause(Resolve(Photo with { LatitudeDeg = lat, LongitudeDeg = lon }), "invalid-coordinates");
    }

    [Fact]
    public void Resolve_ZeroZero_FailsWithGpsNoFix()
    {
        AssertNotGeoreferencedBecause(Resolve(Photo with { LatitudeDeg = 0, LongitudeDeg = 0 }), "gps-no-fix");
    }

    [Fact]
    public void Resolve_ZeroLatitudeAlone_IsAValidPosition()
    {
        Assert.True(Resolve(Photo with { LatitudeDeg = 0 }).IsGeoreferenced);
    }

    // ---- altitude ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.NaN)]
    public void Resolve_RelativeAltitudeNotPositive_FailsWithAltitudeNotPositive(double relativeAltitude)
    {
        var r = Resolve(Photo with { Dji = Gimbal(0, -90, 0, relativeAltitude) });
        AssertNotGeoreferencedBecause(r, "altitude-not-positive");
        Assert.Null(r.AltitudeAglM);
    }

    [Fact]
    public void Resolve_NoRelativeAltitudeAndNoOptions_FailsWithNoAltitude()
    {
        var r = Resolve(Photo with { Dji = Gimbal(0, -90, 0) with { RelativeAltitudeM = null } });
        AssertNotGeoreferencedBecause(r, "no-altitude");
        Assert.Null(r.AltitudeAglM);
    }

    [Fact]
    public void Resolve_GpsAltitudeMinusGroundElevation_GivesAgl()
    {
        // 400 m GPS altitude − 370 m ground = 30 m AGL, σ = GpsAltitudeSigmaM 5 m.
        var r = Resolve(Photo with { Dji = Gimbal(0, -90, 0) with { RelativeAltitudeM = null } }, new() { GroundElevationM = 370 });
        Assert.True(r.IsGeoreferenced);
        Assert.Equal(30, r.AltitudeAglM!.Value, 1e-12);
        Assert.Equal("gps-minus-ground-elevation", r.AltitudeSource);
        Assert.Equal(5, r.Errors!.AltitudeSigmaM);
    }

    [Fact]
    public void Resolve_GroundElevationAboveTheCamera_FailsWithAltitudeNotPositive()
    {
        var r = Resolve(Photo with { Dji = null }, new() { GroundElevationM = 410 });
        AssertNotGeoreferencedBecause(r, "altitude-not-positive");
        Assert.Equal("GPSAltitude", Single(r, "altitude-not-positive", DiagnosticSeverity.Error).Field);
    }

    [Fact]
    public void Resolve_UserAgl_IsUsedWhenThePhotoHasNoRelativeAltitude()
    {
        var r = Resolve(Photo with { Dji = null }, new() { AltitudeAglM = 45 });
        Assert.True(r.IsGeoreferenced);
        Assert.Equal(45, r.AltitudeAglM);
        Assert.Equal("user-agl", r.AltitudeSource);
        Assert.Equal(2, r.Errors!.AltitudeSigmaM);
    }

    [Fact]
    public void Resolve_RelativeAltitude_WinsOverUserAgl()
    {
        var r = Resolve(Photo, new() { AltitudeAglM = 45 });
        Assert.Equal(30, r.AltitudeAglM);
        Assert.Equal("dji-relative", r.AltitudeSource);
    }

    // ---- focal length -----------------------------------------------------------------------------------

    [Fact]
    public void Resolve_CameraInTable_GivesFocalFromSensorWidth()
    {
        // FC6310: 8.8 × 5472 / 13.2 = 3648 px.
        var r = Resolve(Photo);
        Assert.Equal(3648, r.FocalLengthPx!.Value, 1e-9);
        Assert.Equal("camera-table", r.FocalLengthSource);
    }

    [Fact]
    public void Resolve_UnknownCameraWithout35mm_FailsWithUnknownCamera()
    {
        var r = Resolve(Photo with { Make = "Acme", Model = "X1" });
        AssertNotGeoreferencedBecause(r, "unknown-camera");
        Assert.Null(r.FocalLengthPx);
    }

    [Fact]
    public void Resolve_UnknownCameraWith35mm_WarnsAndUsesTheDiagonal35mmFocal()
    {
        // 5472 × 3648, f35 = 24 mm: 24 × √(5472² + 3648²) / 43.2666 = 24 × 6576.4 / 43.2666 = 3647.9 px.
        var r = Resolve(Photo with { Make = "Acme", Model = "X1", FocalLength35mm = 24 });
        Assert.True(r.IsGeoreferenced);
        Single(r, "unknown-camera", DiagnosticSeverity.Warning);
        Assert.Equal("exif-35mm", r.FocalLengthSource);
        Assert.Equal(24 * Math.Sqrt((5472.0 * 5472) + (3648.0 * 3648)) / 43.266615305567875, r.FocalLengthPx!.Value, 1e-9);
        Assert.Equal(3647.9, r.FocalLengthPx.Value, 0.1);
    }

    [Fact]
    public void Resolve_TableAnd35mmDisagreeingByMoreThanTenPercent_WarnsCameraMismatchAndKeepsTheTable()
    {
        // f35 = 35 mm → 35 × 6576.4 / 43.2666 = 5320 px vs 3648 from the table (46 % off).
        var r = Resolve(Photo with { FocalLength35mm = 35 });
        Single(r, "camera-mismatch", DiagnosticSeverity.Warning);
        Assert.Equal(3648, r.FocalLengthPx!.Value, 1e-9);
        Assert.Equal("camera-table", r.FocalLengthSource);
    }

    [Fact]
    public void Resolve_UserSensorWidth_WinsOverTheTable()
    {
        // 8.8 × 5472 / 12 = 4012.8 px.
        var r = Resolve(Photo, new() { SensorWidthMm = 12 });
        Assert.Equal(4012.8, r.FocalLengthPx!.Value, 1e-9);
        Assert.Equal("user-sensor-width", r.FocalLengthSource);
    }

    [Fact]
    public void Resolve_DjiCalibratedFocal_WinsOverTheTable()
    {
        var r = Resolve(Photo with { Dji = Photo.Dji! with { CalibratedFocalLengthPx = 3666.67 } });
        Assert.Equal(3666.67, r.FocalLengthPx);
        Assert.Equal("dji-calibrated", r.FocalLengthSource);
    }

    [Fact]
    public void Resolve_UserFocalPx_WinsOverEverything()
    {
        var r = Resolve(Photo with { Dji = Photo.Dji! with { CalibratedFocalLengthPx = 3666.67 } }, new() { FocalLengthPx = 3700, SensorWidthMm = 12 });
        Assert.Equal(3700, r.FocalLengthPx);
        Assert.Equal("user-focal-px", r.FocalLengthSource);
    }

    [Fact]
    public void Resolve_DjiCalibratedOpticalCentre_IsThePrincipalPoint()
    {
        var r = Resolve(Photo with { Dji = Photo.Dji! with { CalibratedOpticalCenterX = 2700, CalibratedOpticalCenterY = 1800 } });
        var k = r.Georeference!.Camera.Intrinsics;
        Assert.Equal(2700, k.PrincipalPointU);
        Assert.Equal(1800, k.PrincipalPointV);

        // the principal point, not the geometric centre, is straight down
        var g = r.Georeference.Camera.PixelToGround(new PixelPoint(2700, 1800));
        Assert.Equal(0, g!.Value.HorizontalDistanceM, 1e-9);
    }

    [Fact]
    public void Resolve_NoImageSize_FailsWithNoImageSize()
    {
        AssertNotGeoreferencedBecause(Resolve(Photo with { RawWidth = null }), "no-image-size");
    }

    [Fact]
    public void Resolve_Orientation6_SwapsTheReportedSize()
    {
        var r = Resolve(Photo with { Orientation = 6 });
        Assert.Equal(3648, r.Width);
        Assert.Equal(5472, r.Height);
        Assert.Equal(3648, r.FocalLengthPx!.Value, 1e-9); // the table is looked up with the raw width
    }

    // ---- attitude ---------------------------------------------------------------------------------------

    [Fact]
    public void Resolve_GimbalAboveHorizon_FailsAndIsNotGeoreferenced()
    {
        var r = Resolve(Photo with { Dji = Gimbal(0, 5, 0) });
        AssertNotGeoreferencedBecause(r, "gimbal-above-horizon");
        Assert.NotNull(r.Errors);
    }

    [Fact]
    public void Resolve_AllZeroGimbalAngles_WarnAndAssumeNadir()
    {
        var r = Resolve(Photo with { Dji = Gimbal(0, 0, 0) });
        Assert.True(r.IsGeoreferenced);
        Single(r, "gimbal-angles-zero", DiagnosticSeverity.Warning);
        Single(r, "attitude-assumed", DiagnosticSeverity.Warning);
        Assert.Equal(CameraAttitude.Nadir, r.Attitude);
        Assert.Equal("assumed-nadir", r.AttitudeSource);
    }

    [Fact]
    public void Resolve_NoAttitudeAtAll_AssumesNadirWithUnknownYaw()
    {
        var r = Resolve(Photo with { Dji = new DjiXmp { RelativeAltitudeM = 30 } });
        Assert.True(r.IsGeoreferenced);
        Single(r, "attitude-assumed", DiagnosticSeverity.Warning);
        Assert.Equal(CameraAttitude.Nadir, r.Attitude);
        Assert.Equal("assumed-nadir", r.AttitudeSource);
        Assert.True(r.Errors!.YawUnknown);
        Assert.Equal(5, r.Errors.PitchSigmaDeg); // AssumedNadirTiltSigmaDeg
    }

    [Fact]
    public void Resolve_GpsImageDirection_AssumesNadirAlongThatHeading()
    {
        var r = Resolve(Photo with { Dji = new DjiXmp { RelativeAltitudeM = 30 }, GpsImageDirectionDeg = 135 });
        Single(r, "attitude-assumed", DiagnosticSeverity.Warning);
        Assert.Equal(new CameraAttitude(135, -90, 0), r.Attitude);
        Assert.Equal("assumed-nadir+exif-img-direction", r.AttitudeSource);
        Assert.False(r.Errors!.YawUnknown);
        Assert.Equal(10, r.Errors.YawSigmaDeg);
    }

    [Fact]
    public void Resolve_DjiMakerNoteAngles_AreUsedWithoutGimbalXmp()
    {
        var r = Resolve(Photo with { Dji = new DjiXmp { RelativeAltitudeM = 30 }, DjiMakerNote = new DjiMakerNoteAngles(45, -80, 1) });
        Assert.True(r.IsGeoreferenced);
        Assert.Empty(r.Diagnostics);
        Assert.Equal(new CameraAttitude(45, -80, 1), r.Attitude);
        Assert.Equal("dji-makernotes", r.AttitudeSource);
    }

    [Fact]
    public void Resolve_Pix4DAngles_ShiftPitchSoThatZeroIsNadir()
    {
        // Pix4D pitch 0 = nadir → DJI −90; pitch 30 → −60.
        var r = Resolve(Photo with { Dji = new DjiXmp { RelativeAltitudeM = 30 }, Pix4D = new Pix4DXmp(10, 30, 2, null, null) });
        Assert.Equal(new CameraAttitude(10, -60, 2), r.Attitude);
        Assert.Equal("pix4d-xmp", r.AttitudeSource);
    }

    [Fact]
    public void Resolve_NonFiniteGimbalXmpAngles_FailWithInvalidValue()
    {
        AssertNotGeoreferencedBecause(Resolve(Photo with { Dji = Gimbal(double.NaN, -90, 0) }), "invalid-value");
    }

    /// <summary>
    /// Suspected defect (see the test report): only the DJI XMP gimbal branch of ResolveAttitude checks that
    /// the angles are finite. A NaN from the MakerNotes, Pix4D XMP or GPSImgDirection goes into the camera
    /// model; the photo is then reported as georeferenced, every ground point is NaN, and the only diagnostic
    /// is a misleading "footprint-clipped" warning. Resolve promises every problem becomes a diagnostic.
    /// </summary>
    [Theory]
    [InlineData("makernote")]
    [InlineData("pix4d")]
    [InlineData("img-direction")]
    public void Resolve_NonFiniteAnglesFromOtherSources_AreNotGeoreferenced(string source)
    {
        var photo = Photo with { Dji = new DjiXmp { RelativeAltitudeM = 30 } };
        photo = source switch
        {
            "makernote" => photo with { DjiMakerNote = new DjiMakerNoteAngles(double.NaN, -90, 0) },
            "pix4d" => photo with { Pix4D = new Pix4DXmp(0, double.NaN, 0, null, null) },
            _ => photo with { GpsImageDirectionDeg = double.NaN },
        };

        var r = Resolve(photo);
        Assert.False(r.IsGeoreferenced, $"georeferenced with centre ground {r.Georeference?.PixelToGround(r.Georeference.Camera.Centre)}");
        Assert.Contains(r.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Resolve_ObliqueGimbal_WarnsFootprintClipped()
    {
        var r = Resolve(Photo with { Dji = Gimbal(0, -20, 0) });
        Assert.True(r.IsGeoreferenced);
        Single(r, "footprint-clipped", DiagnosticSeverity.Warning);
    }

    // ---- GPS sigma --------------------------------------------------------------------------------------

    [Fact]
    public void Resolve_RtkStdDevs_AreTheGpsSigmas()
    {
        var r = Resolve(Photo with { Dji = Photo.Dji! with { RtkFlag = 50, RtkStdLonM = 0.02, RtkStdLatM = 0.03 } });
        Assert.Equal("rtk", r.GpsSigmaSource);
        Assert.Equal(0.02, r.Errors!.GpsSigmaEastM);
        Assert.Equal(0.03, r.Errors.GpsSigmaNorthM);
    }

    [Fact]
    public void Resolve_HorizontalPositioningError_IsSplitOverTwoAxes()
    {
        // GPSHPositioningError 3 m is a radial figure: 3/√2 = 2.1213 m per axis.
        var r = Resolve(Photo with { GpsHorizontalErrorM = 3 });
        Assert.Equal("exif-hpositioning-error", r.GpsSigmaSource);
        Assert.Equal(3 / Math.Sqrt(2), r.Errors!.GpsSigmaEastM, 1e-12);
    }

    [Fact]
    public void Resolve_UserGpsSigma_WinsOverRtk()
    {
        var r = Resolve(Photo with { Dji = Photo.Dji! with { RtkStdLonM = 0.02, RtkStdLatM = 0.03 } }, new() { GpsSigmaM = 1.5 });
        Assert.Equal("user", r.GpsSigmaSource);
        Assert.Equal(new ErrorModel(1.5, 1.5, 3, 2, 1, 1), r.Errors);
    }

    // ---- 11. the image centre lands where the gimbal points ---------------------------------------------

    [Fact]
    public void Resolve_DjiPhotoGimbalYaw90PitchMinus45At50m_CentreLands50mEast()
    {
        // tan 45° × 50 m = 50 m along yaw 90 (east), 50 m below the camera.
        var r = Resolve(Photo with { Dji = Gimbal(90, -45, 0, relativeAltitude: 50) });
        var georef = r.Georeference!;
        var centre = new PixelPoint(r.Width!.Value / 2.0, r.Height!.Value / 2.0);

        var located = georef.Locate(centre);
        Assert.NotNull(located);
        Assert.Equal(50, located.OffsetFromCamera.EastM, 1e-3);
        Assert.Equal(0, located.OffsetFromCamera.NorthM, 1e-3);
        Assert.Equal(-50, located.OffsetFromCamera.UpM, 1e-9);

        // In WGS84: back through the photo's tangent plane, and independently, Δλ = 50 / ((N + h) cos φ) with
        // h the ground's ellipsoid height (400 − 50 = 350 m); latitude unchanged to well under a millimetre.
        var geo = georef.PixelToGround(centre)!.Value;
        var enu = georef.Frame.ToEnu(geo, georef.Frame.OriginHeightM - 50);
        Assert.Equal(50, enu.EastM, 1e-3);
        Assert.Equal(0, enu.NorthM, 1e-3);

        double phi = TestCameras.Site.LatitudeDeg * Math.PI / 180;
        double n = Wgs84.A / Math.Sqrt(1 - (Wgs84.E2 * Math.Sin(phi) * Math.Sin(phi)));
        double metresPerDegLon = (n + 350) * Math.Cos(phi) * Math.PI / 180;
        Assert.Equal(50, (geo.LongitudeDeg - TestCameras.Site.LongitudeDeg) * metresPerDegLon, 1e-3);
        Assert.Equal(TestCameras.Site.LatitudeDeg, geo.LatitudeDeg, 1e-3 / 111_000);
    }
}
