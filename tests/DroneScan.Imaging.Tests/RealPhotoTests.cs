using DroneScan.Core.Camera;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;

namespace DroneScan.Imaging.Tests;

/// <summary>Real photos (CC0, OpenDroneMap test data) from three cameras that carry their pose three different
/// ways: GPS only (Canon SX260), Pix4D camera XMP (Parrot Sequoia), senseFly autopilot XMP (Canon ELPH 300 HS
/// on a swinglet). Expected values were read with ExifTool.</summary>
public sealed class RealPhotoTests
{
    private const double DegTolerance = 1e-9;
    private const double MetreTolerance = 1e-3;

    // Sensor widths the camera table holds for these cameras (1/2.3" sensors), mm.
    private const double CanonSensorWidthMm = 6.17;
    private const double SequoiaSensorWidthMm = 6.17;

    [Fact]
    public void Read_ReturnsExifAndGps_ForCaliterraCanonSx260()
    {
        var photo = PhotoMetadataReader.Read(TestData.CaliterraImg9400);

        Assert.Equal("Canon", photo.Make);
        Assert.Equal("Canon PowerShot SX260 HS", photo.Model);
        Assert.Equal(4000, photo.RawWidth);
        Assert.Equal(3000, photo.RawHeight);
        Assert.Equal(1, photo.Orientation);
        Assert.Equal(30.1710716666667, photo.LatitudeDeg!.Value, DegTolerance);
        Assert.Equal(-98.0897116666667, photo.LongitudeDeg!.Value, DegTolerance);
        Assert.Equal(410.6, photo.GpsAltitudeM!.Value, MetreTolerance);
        Assert.Equal(4.5, photo.FocalLengthMm!.Value, 1e-9);
        Assert.Null(photo.FocalLength35mm);
        Assert.Null(photo.Dji);
        Assert.Null(photo.DjiMakerNote);
        Assert.Null(photo.Pix4D);
        Assert.Null(photo.SenseFly);
        Assert.DoesNotContain(photo.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Read_DerivesUtcOffsetFromGpsTime_ForCaliterraCanonSx260()
    {
        // DateTimeOriginal 13:22:28 local, GPS 18:22:29 UTC: Texas in October, CDT (UTC−5).
        var time = PhotoMetadataReader.Read(TestData.CaliterraImg9400).CapturedAt;

        Assert.NotNull(time);
        Assert.Equal(new DateTime(2014, 10, 19, 13, 22, 28), time.Local);
        Assert.Equal(TimeSpan.FromHours(-5), time.UtcOffset);
        Assert.Equal("gps-time", time.OffsetSource);
    }

    [Fact]
    public void Resolve_ReturnsNoAltitudeError_ForCaliterraWithoutOptions()
    {
        var resolved = PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(TestData.CaliterraImg9400), new GeoreferenceOptions());

        Assert.False(resolved.IsGeoreferenced);
        var error = Assert.Single(resolved.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.NoAltitude, error.Code);
        Assert.Equal("IMG_9400.jpg", error.File);
        Assert.Equal("camera-table", resolved.FocalLengthSource);
        Assert.Equal(4.5 * 4000 / CanonSensorWidthMm, resolved.FocalLengthPx!.Value, 1e-6);
    }

    [Fact]
    public void Resolve_Georeferences_ForCaliterraWithUserAgl()
    {
        var resolved = PhotoGeoreferencer.Resolve(
            PhotoMetadataReader.Read(TestData.CaliterraImg9400), new GeoreferenceOptions { AltitudeAglM = 60 });

        Assert.True(resolved.IsGeoreferenced);
        Assert.Equal("user-agl", resolved.AltitudeSource);
        Assert.Equal(60.0, resolved.AltitudeAglM);
        Assert.Equal("assumed-nadir", resolved.AttitudeSource);
        Assert.Contains(resolved.Diagnostics, d => d.Code == DiagnosticCodes.AttitudeAssumed);
        Assert.Equal(60 * CanonSensorWidthMm / (4.5 * 4000), resolved.Georeference!.CentreGsdM!.Value, 1e-6);
    }

    [Fact]
    public void Read_ReturnsExifGpsAndPix4DXmp_ForGarfieldSequoia()
    {
        var photo = PhotoMetadataReader.Read(TestData.GarfieldSequoia0124);

        Assert.Equal("Parrot", photo.Make);
        Assert.Equal("Sequoia", photo.Model);
        Assert.Equal(4608, photo.RawWidth);
        Assert.Equal(3456, photo.RawHeight);
        Assert.Equal(41.4299276388889, photo.LatitudeDeg!.Value, DegTolerance);
        Assert.Equal(-81.6059606111111, photo.LongitudeDeg!.Value, DegTolerance);
        Assert.Equal(354.311, photo.GpsAltitudeM!.Value, MetreTolerance);
        Assert.Equal(4.88, photo.FocalLengthMm!.Value, 1e-6); // stored as 4.880000137
        Assert.Equal(28, photo.FocalLength35mm);
        Assert.NotNull(photo.Pix4D);
        Assert.Equal(273.314, photo.Pix4D.YawDeg);
        Assert.Equal(3.47314, photo.Pix4D.PitchDeg);
        Assert.Equal(1.3767, photo.Pix4D.RollDeg);
        Assert.Equal(1.968, photo.Pix4D.GpsXyAccuracyM);
        Assert.Equal(2.689, photo.Pix4D.GpsZAccuracyM);
        Assert.Null(photo.Dji);
        Assert.Null(photo.SenseFly);
        Assert.DoesNotContain(photo.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Read_ReturnsSubSecondsAndGpsOffset_ForGarfieldSequoia()
    {
        // 16:45:43 + SubSecTimeOriginal 490620; GPS 16:45:42.846 UTC on the same day: the camera keeps UTC.
        var time = PhotoMetadataReader.Read(TestData.GarfieldSequoia0124).CapturedAt;

        Assert.NotNull(time);
        Assert.Equal(new DateTime(2016, 11, 22, 16, 45, 43).AddTicks(4_906_200), time.Local);
        Assert.Equal(TimeSpan.Zero, time.UtcOffset);
        Assert.Equal("gps-time", time.OffsetSource);
    }

    [Fact]
    public void Resolve_UsesPix4DAttitudeAccuracyAndCameraTable_ForGarfieldSequoia()
    {
        var photo = PhotoMetadataReader.Read(TestData.GarfieldSequoia0124);

        var resolved = PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions());

        Assert.Equal("pix4d-xmp", resolved.AttitudeSource);
        Assert.Equal(273.314, resolved.Attitude!.Value.YawDeg);
        Assert.Equal(3.47314 - 90, resolved.Attitude.Value.PitchDeg, 1e-12);
        Assert.Equal(1.3767, resolved.Attitude.Value.RollDeg);
        Assert.Equal("pix4d-gps-accuracy", resolved.GpsSigmaSource);
        Assert.Equal("camera-table", resolved.FocalLengthSource);
        Assert.Equal(photo.FocalLengthMm!.Value * 4608 / SequoiaSensorWidthMm, resolved.FocalLengthPx!.Value, 1e-9);
        Assert.Equal(4.88 * 4608 / SequoiaSensorWidthMm, resolved.FocalLengthPx.Value, 1e-3);
        Assert.DoesNotContain(resolved.Diagnostics, d => d.Code == DiagnosticCodes.CameraMismatch);

        // GPS altitude is above sea level: without the ground elevation there is no height above ground.
        Assert.False(resolved.IsGeoreferenced);
        var error = Assert.Single(resolved.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.NoAltitude, error.Code);
        Assert.Equal("IMG_161122_164543_0124_RGB.JPG", error.File);
    }

    [Fact]
    public void Resolve_Georeferences_ForGarfieldSequoiaWithGroundElevation()
    {
        var resolved = PhotoGeoreferencer.Resolve(
            PhotoMetadataReader.Read(TestData.GarfieldSequoia0124), new GeoreferenceOptions { GroundElevationM = 254.311 });

        Assert.True(resolved.IsGeoreferenced);
        Assert.Equal("gps-minus-ground-elevation", resolved.AltitudeSource);
        Assert.Equal(100.0, resolved.AltitudeAglM!.Value, MetreTolerance);
        Assert.Equal(1.968, resolved.Errors!.GpsSigmaEastM);
        Assert.Equal(1.968, resolved.Errors.GpsSigmaNorthM);
    }

    [Fact]
    public void Read_ReturnsExifGpsAndSenseFlyXmp_ForSenecaCanonElph300()
    {
        var photo = PhotoMetadataReader.Read(TestData.SenecaImg0504);

        Assert.Equal("Canon", photo.Make);
        Assert.Equal("Canon PowerShot ELPH 300 HS", photo.Model);
        Assert.Equal(3600, photo.RawWidth);
        Assert.Equal(2700, photo.RawHeight);
        Assert.Equal(41.0380947000278, photo.LatitudeDeg!.Value, DegTolerance);
        Assert.Equal(-83.3063119000083, photo.LongitudeDeg!.Value, DegTolerance);
        Assert.Equal(282.6510009, photo.GpsAltitudeM!.Value, MetreTolerance);
        Assert.Equal(4.3, photo.FocalLengthMm!.Value, 1e-9);
        Assert.NotNull(photo.SenseFly);
        Assert.Equal(72.169525149999998, photo.SenseFly.HeightM);
        Assert.Equal(60.909950260000002, photo.SenseFly.HeadingDeg);
        Assert.Equal(7.809184551, photo.SenseFly.PitchDeg);
        Assert.Equal(0.9416562319, photo.SenseFly.RollDeg);
        Assert.Null(photo.Dji);
        Assert.Null(photo.Pix4D);
        Assert.DoesNotContain(photo.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Resolve_UsesSenseFlyHeightAndHeading_ForSenecaCanonElph300()
    {
        var resolved = PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(TestData.SenecaImg0504), new GeoreferenceOptions());

        Assert.True(resolved.IsGeoreferenced);
        Assert.Equal("sensefly-height", resolved.AltitudeSource);
        Assert.Equal(72.169525149999998, resolved.AltitudeAglM!.Value, MetreTolerance);
        Assert.Equal("assumed-nadir+sensefly-heading", resolved.AttitudeSource);
        Assert.Equal(new CameraAttitude(60.909950260000002, -90, 0), resolved.Attitude);
        Assert.Contains(resolved.Diagnostics, d => d.Code == DiagnosticCodes.AttitudeAssumed && d.File == "IMG_0504.jpg");
        Assert.Equal("camera-table", resolved.FocalLengthSource);
        Assert.Equal(72.1695 * CanonSensorWidthMm / (4.3 * 3600), resolved.Georeference!.CentreGsdM!.Value, 1e-6);
    }
}
