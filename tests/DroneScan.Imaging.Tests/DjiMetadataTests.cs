using DroneScan.Core.Geodesy;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;
using DroneScan.Imaging.Tests.Fixtures;

namespace DroneScan.Imaging.Tests;

/// <summary>DJI XMP (signed strings), DJI MakerNotes, and the end-to-end check that the image centre of a DJI
/// photo lands on the ground where the gimbal points.</summary>
public sealed class DjiMetadataTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> DjiNumericFields =>
    [
        "RelativeAltitude", "AbsoluteAltitude", "GimbalYawDegree", "GimbalPitchDegree", "GimbalRollDegree",
        "FlightYawDegree", "FlightPitchDegree", "FlightRollDegree", "GpsLatitude", "GpsLongitude", "GpsLongtitude",
        "CalibratedFocalLength", "CalibratedOpticalCenterX", "CalibratedOpticalCenterY", "RtkFlag", "RtkStdLon",
        "RtkStdLat", "RtkStdHgt", "LRFTargetLat", "LRFTargetLon", "LRFTargetAlt", "LRFTargetDistance",
    ];

    [Fact]
    public void Read_ParsesEveryDjiXmpField_WithItsSign()
    {
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC6310")
            .WithDji("RelativeAltitude", "+95.036")
            .WithDji("AbsoluteAltitude", "-12.470")
            .WithDjiGimbal(yaw: "-178.50", pitch: "-89.90", roll: "+0.00")
            .WithDji("FlightYawDegree", "+175.20")
            .WithDji("FlightPitchDegree", "-2.10")
            .WithDji("FlightRollDegree", "+1.30")
            .WithDji("GpsLatitude", "-33.850706500")
            .WithDji("GpsLongtitude", "+151.210050000") // sic, as some firmware writes it
            .WithDji("CalibratedFocalLength", "3666.666504")
            .WithDji("CalibratedOpticalCenterX", "2736.000000")
            .WithDji("CalibratedOpticalCenterY", "1824.000000")
            .WithDji("RtkFlag", "50")
            .WithDji("RtkStdLon", "0.01245")
            .WithDji("RtkStdLat", "0.01131")
            .WithDji("RtkStdHgt", "0.02457")
            .WithDji("LRFTargetLat", "+40.000451")
            .WithDji("LRFTargetLon", "-49.000012")
            .WithDji("LRFTargetAlt", "+101.500")
            .WithDji("LRFTargetDistance", "+63.250")
            .Save(_temp.Path, "DJI_0001.JPG");

        var photo = PhotoMetadataReader.Read(path);

        var dji = photo.Dji;
        Assert.NotNull(dji);
        Assert.Equal(95.036, dji.RelativeAltitudeM);
        Assert.Equal(-12.47, dji.AbsoluteAltitudeM);
        Assert.Equal(-178.5, dji.GimbalYawDeg);
        Assert.Equal(-89.9, dji.GimbalPitchDeg);
        Assert.Equal(0.0, dji.GimbalRollDeg);
        Assert.True(dji.HasGimbalAngles);
        Assert.Equal(175.2, dji.FlightYawDeg);
        Assert.Equal(-2.1, dji.FlightPitchDeg);
        Assert.Equal(1.3, dji.FlightRollDeg);
        Assert.Equal(-33.8507065, dji.GpsLatitudeDeg);
        Assert.Equal(151.21005, dji.GpsLongitudeDeg);
        Assert.Equal(3666.666504, dji.CalibratedFocalLengthPx);
        Assert.Equal(2736.0, dji.CalibratedOpticalCenterX);
        Assert.Equal(1824.0, dji.CalibratedOpticalCenterY);
        Assert.Equal(50, dji.RtkFlag);
        Assert.Equal(0.01245, dji.RtkStdLonM);
        Assert.Equal(0.01131, dji.RtkStdLatM);
        Assert.Equal(0.02457, dji.RtkStdHgtM);
        Assert.Equal(40.000451, dji.LrfTargetLatitudeDeg);
        Assert.Equal(-49.000012, dji.LrfTargetLongitudeDeg);
        Assert.Equal(101.5, dji.LrfTargetAltitudeM);
        Assert.Equal(63.25, dji.LrfTargetDistanceM);
        Assert.Empty(photo.Diagnostics);
        Assert.Null(photo.Pix4D);
        Assert.Null(photo.SenseFly);
    }

    [Fact]
    public void Read_PrefersCorrectlySpelledGpsLongitude_WhenBothSpellingsArePresent()
    {
        string path = new DronePhotoBuilder()
            .WithDji("GpsLongitude", "+12.5")
            .WithDji("GpsLongtitude", "+99.0")
            .Save(_temp.Path, "both.jpg");

        Assert.Equal(12.5, PhotoMetadataReader.Read(path).Dji!.GpsLongitudeDeg);
    }

    [Theory]
    [MemberData(nameof(DjiNumericFields))]
    public void Read_WarnsNamingFieldAndFile_AndLeavesFieldNull_WhenDjiValueIsNotNumeric(string field)
    {
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC6310")
            .WithDji("RelativeAltitude", "+30.000")
            .WithDji(field, "abc")
            .Save(_temp.Path, "DJI_0042.JPG");

        var photo = PhotoMetadataReader.Read(path);

        var warning = Assert.Single(photo.Diagnostics);
        Assert.Equal(DiagnosticCodes.InvalidValue, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(field, warning.Field);
        Assert.Equal("DJI_0042.JPG", warning.File);
        Assert.Contains("abc", warning.Message, StringComparison.Ordinal);
        Assert.NotNull(photo.Dji);
        Assert.Null(DjiField(photo.Dji, field));
        if (field != "RelativeAltitude")
        {
            Assert.Equal(30.0, photo.Dji.RelativeAltitudeM);
        }
    }

    [Fact]
    public void Read_ReturnsNullDji_WhenXmpHasNoDjiProperties()
    {
        string path = new DronePhotoBuilder()
            .WithPix4D("Yaw", "10.5")
            .Save(_temp.Path, "pix4d-only.jpg");

        var photo = PhotoMetadataReader.Read(path);

        Assert.Null(photo.Dji);
        Assert.NotNull(photo.Pix4D);
        Assert.Equal(10.5, photo.Pix4D.YawDeg);
        Assert.False(photo.Pix4D.HasAngles);
    }

    [Fact]
    public void Read_ReturnsDjiMakerNoteAngles_WhenMakeIsDji()
    {
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC300X")
            .WithDjiMakerNote(cameraPitchDeg: -89.9f, cameraYawDeg: 123.4f, cameraRollDeg: -0.7f)
            .Save(_temp.Path, "DJI_0100.JPG");

        var photo = PhotoMetadataReader.Read(path);

        Assert.NotNull(photo.DjiMakerNote);
        Assert.Equal(-89.9f, photo.DjiMakerNote.PitchDeg);
        Assert.Equal(123.4f, photo.DjiMakerNote.YawDeg);
        Assert.Equal(-0.7f, photo.DjiMakerNote.RollDeg);
        Assert.Null(photo.Dji);
        Assert.Empty(photo.Diagnostics);
    }

    [Fact]
    public void Resolve_UsesMakerNoteAttitude_WhenXmpHasNoGimbalAngles()
    {
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC300X")
            .WithFocalLength(3.61)
            .WithGpsDegrees(40, 49)
            .WithDji("RelativeAltitude", "+40.000")
            .WithDjiMakerNote(cameraPitchDeg: -90f, cameraYawDeg: 30f, cameraRollDeg: 0f)
            .Save(_temp.Path, "DJI_0101.JPG");

        var resolved = PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(path), new GeoreferenceOptions());

        Assert.Equal("dji-makernotes", resolved.AttitudeSource);
        Assert.Equal(new Core.Camera.CameraAttitude(30, -90, 0), resolved.Attitude);
        Assert.True(resolved.IsGeoreferenced);
    }

    [Fact]
    public void Read_IgnoresMakerNote_WhenMakeIsNotDji()
    {
        string path = new DronePhotoBuilder()
            .WithCamera("Acme", "X1")
            .WithDjiMakerNote(-90f, 0f, 0f)
            .Save(_temp.Path, "acme.jpg");

        Assert.Null(PhotoMetadataReader.Read(path).DjiMakerNote);
    }

    [Fact]
    public void Resolve_UsesXmpGimbalRelativeAltitudeRtkAndCalibratedFocal_WhenDjiXmpHasThem()
    {
        string path = new DronePhotoBuilder()
            .WithSize(400, 300)
            .WithCamera("DJI", "FC6310R")
            .WithFocalLength(8.8)
            .WithGpsDegrees(40, 49)
            .WithDji("RelativeAltitude", "+30.000")
            .WithDjiGimbal("+90.00", "-90.00", "+0.00")
            .WithDji("CalibratedFocalLength", "266.5")
            .WithDji("RtkFlag", "50")
            .WithDji("RtkStdLon", "0.02")
            .WithDji("RtkStdLat", "0.03")
            .Save(_temp.Path, "rtk.jpg");

        var resolved = PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(path), new GeoreferenceOptions());

        Assert.True(resolved.IsGeoreferenced);
        Assert.Equal("dji-relative", resolved.AltitudeSource);
        Assert.Equal(30.0, resolved.AltitudeAglM);
        Assert.Equal("dji-gimbal-xmp", resolved.AttitudeSource);
        Assert.Equal("dji-calibrated", resolved.FocalLengthSource);
        Assert.Equal(266.5, resolved.FocalLengthPx);
        Assert.Equal("rtk", resolved.GpsSigmaSource);
        Assert.Equal(0.02, resolved.Errors!.GpsSigmaEastM);
        Assert.Equal(0.03, resolved.Errors.GpsSigmaNorthM);
    }

    [Fact]
    public void Resolve_PutsImageCentreWhereGimbalPoints_ForDjiPhoto()
    {
        // A Phantom 4 Pro (FC6310: 13.2 mm sensor, 8.8 mm lens) photo, downscaled to 547 × 365 px,
        // 50 m above the ground, gimbal looking east (yaw +90) and 45° down: the centre ray meets the
        // ground 50 m east of the camera.
        const double lat = 40.0, lon = 49.0, gpsAltitude = 150.0, agl = 50.0;
        string path = new DronePhotoBuilder()
            .WithSize(547, 365)
            .WithCamera("DJI", "FC6310")
            .WithFocalLength(8.8)
            .WithGpsDegrees(lat, lon)
            .WithGpsAltitude(gpsAltitude)
            .WithDji("RelativeAltitude", "+50.000")
            .WithDjiGimbal(yaw: "+90.00", pitch: "-45.00", roll: "+0.00")
            .Save(_temp.Path, "DJI_0547.JPG");

        var photo = PhotoMetadataReader.Read(path);
        var resolved = PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions());

        Assert.Equal(547, photo.RawWidth);
        Assert.Equal(365, photo.RawHeight);
        Assert.Equal("camera-table", resolved.FocalLengthSource);
        Assert.Equal(8.8 * 547 / 13.2, resolved.FocalLengthPx!.Value, 1e-9);
        Assert.Equal("dji-relative", resolved.AltitudeSource);
        Assert.Equal("dji-gimbal-xmp", resolved.AttitudeSource);
        Assert.DoesNotContain(resolved.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var georeference = resolved.Georeference;
        Assert.NotNull(georeference);

        var centre = georeference.PixelToGround(georeference.Camera.Centre);

        Assert.NotNull(centre);
        // In a tangent plane at the camera (built here, independently of the photo's own frame) …
        var enu = new LocalTangentPlane(lat, lon, gpsAltitude).ToEnu(centre.Value, gpsAltitude - agl);
        Assert.Equal(50.0, enu.EastM, 0.01);
        Assert.Equal(0.0, enu.NorthM, 0.01);
        // … and in degrees: 50 m along the parallel of radius (N + h)·cos φ at the ground's ellipsoid height.
        double phi = lat * Math.PI / 180;
        double n = Wgs84.A / Math.Sqrt(1 - (Wgs84.E2 * Math.Sin(phi) * Math.Sin(phi)));
        double parallelRadius = (n + gpsAltitude - agl) * Math.Cos(phi);
        double expectedLon = lon + (Math.Atan(50.0 / parallelRadius) * 180 / Math.PI);
        double metresPerDegreeLon = parallelRadius * Math.PI / 180;
        Assert.Equal(0.0, (centre.Value.LongitudeDeg - expectedLon) * metresPerDegreeLon, 0.01);
        Assert.Equal(0.0, (centre.Value.LatitudeDeg - lat) * 111_000, 0.01);
    }

    private static double? DjiField(DjiXmp dji, string field) => field switch
    {
        "RelativeAltitude" => dji.RelativeAltitudeM,
        "AbsoluteAltitude" => dji.AbsoluteAltitudeM,
        "GimbalYawDegree" => dji.GimbalYawDeg,
        "GimbalPitchDegree" => dji.GimbalPitchDeg,
        "GimbalRollDegree" => dji.GimbalRollDeg,
        "FlightYawDegree" => dji.FlightYawDeg,
        "FlightPitchDegree" => dji.FlightPitchDeg,
        "FlightRollDegree" => dji.FlightRollDeg,
        "GpsLatitude" => dji.GpsLatitudeDeg,
        "GpsLongitude" or "GpsLongtitude" => dji.GpsLongitudeDeg,
        "CalibratedFocalLength" => dji.CalibratedFocalLengthPx,
        "CalibratedOpticalCenterX" => dji.CalibratedOpticalCenterX,
        "CalibratedOpticalCenterY" => dji.CalibratedOpticalCenterY,
        "RtkFlag" => dji.RtkFlag,
        "RtkStdLon" => dji.RtkStdLonM,
        "RtkStdLat" => dji.RtkStdLatM,
        "RtkStdHgt" => dji.RtkStdHgtM,
        "LRFTargetLat" => dji.LrfTargetLatitudeDeg,
        "LRFTargetLon" => dji.LrfTargetLongitudeDeg,
        "LRFTargetAlt" => dji.LrfTargetAltitudeM,
        "LRFTargetDistance" => dji.LrfTargetDistanceM,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a DJI XMP field"),
    };
}
