using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;
using DroneScan.Imaging.Tests.Fixtures;
using static DroneScan.Imaging.Tests.Fixtures.DronePhotoBuilder;

namespace DroneScan.Imaging.Tests;

/// <summary>EXIF, GPS, orientation and capture time, and the diagnostics for files that cannot be read.</summary>
public sealed class PhotoMetadataReaderTests : IDisposable
{
    private const double DegTolerance = 1e-9;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_ReturnsNegativeDecimalDegrees_WhenGpsRefsAreSouthAndWest()
    {
        // 33° 51' 2.5434" S, 151° 12' 36.18" W
        string path = new DronePhotoBuilder()
            .WithGps([R(33), R(51), R(25434, 10000)], "S", [R(151), R(12), R(3618, 100)], "W")
            .Save(_temp.Path, "sw.jpg");

        var photo = PhotoMetadataReader.Read(path);

        // 33 + 51/60 + 2.5434/3600 = 33.8507065; 151 + 12/60 + 36.18/3600 = 151.21005
        Assert.Equal(-33.8507065, photo.LatitudeDeg!.Value, DegTolerance);
        Assert.Equal(-151.21005, photo.LongitudeDeg!.Value, DegTolerance);
        Assert.Empty(photo.Diagnostics);
    }

    [Fact]
    public void Read_ReturnsPositiveDecimalDegrees_WhenGpsRefsAreNorthAndEast()
    {
        // 40° 26' 46.302" N, 79° 58' 55.903" E
        string path = new DronePhotoBuilder()
            .WithGps([R(40), R(26), R(46302, 1000)], "N", [R(79), R(58), R(55903, 1000)], "E")
            .Save(_temp.Path, "ne.jpg");

        var photo = PhotoMetadataReader.Read(path);

        Assert.Equal(40 + (26 / 60.0) + (46.302 / 3600), photo.LatitudeDeg!.Value, DegTolerance);
        Assert.Equal(79 + (58 / 60.0) + (55.903 / 3600), photo.LongitudeDeg!.Value, DegTolerance);
    }

    [Fact]
    public void Read_ReturnsNegativeGpsAltitude_WhenAltitudeRefIsBelowSeaLevel()
    {
        string path = new DronePhotoBuilder()
            .WithGpsDegrees(31.5, 35.5)
            .WithGpsAltitude(415.25, altitudeRef: 1)
            .Save(_temp.Path, "dead-sea.jpg");

        var photo = PhotoMetadataReader.Read(path);

        Assert.Equal(-415.25, photo.GpsAltitudeM!.Value, 1e-9);
    }

    [Fact]
    public void Read_ReturnsPositiveGpsAltitude_WhenAltitudeRefIsAboveSeaLevel()
    {
        string path = new DronePhotoBuilder()
            .WithGpsDegrees(31.5, 35.5)
            .WithGpsAltitude(415.25, altitudeRef: 0)
            .Save(_temp.Path, "above.jpg");

        Assert.Equal(415.25, PhotoMetadataReader.Read(path).GpsAltitudeM!.Value, 1e-9);
    }

    [Fact]
    public void Read_ReturnsMakeModelFocalLengthsAndSize_WhenExifHasThem()
    {
        string path = new DronePhotoBuilder()
            .WithSize(400, 300)
            .WithCamera("DJI", "FC6310")
            .WithFocalLength(8.8, in35mmFilm: 24)
            .Save(_temp.Path, "camera.jpg");

        var photo = PhotoMetadataReader.Read(path);

        Assert.Equal("DJI", photo.Make);
        Assert.Equal("FC6310", photo.Model);
        Assert.Equal(8.8, photo.FocalLengthMm!.Value, 1e-9);
        Assert.Equal(24, photo.FocalLength35mm);
        Assert.Equal(400, photo.RawWidth);
        Assert.Equal(300, photo.RawHeight);
        Assert.Equal(1, photo.Orientation);
        Assert.Equal(path, photo.FilePath);
    }

    [Fact]
    public void Read_ReturnsOrientation6_AndResolveSwapsWidthAndHeight()
    {
        string path = new DronePhotoBuilder()
            .WithSize(400, 300)
            .WithOrientation(6)
            .Save(_temp.Path, "portrait.jpg");

        var photo = PhotoMetadataReader.Read(path);
        var resolved = PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions());

        Assert.Equal(6, photo.Orientation);
        Assert.Equal(400, photo.RawWidth);
        Assert.Equal(300, photo.RawHeight);
        Assert.Equal(300, resolved.Width);
        Assert.Equal(400, resolved.Height);
    }

    [Fact]
    public void Read_ReturnsOrientation1_WhenOrientationIsOutOfRange()
    {
        string path = new DronePhotoBuilder().WithOrientation(9).Save(_temp.Path, "orientation9.jpg");

        var photo = PhotoMetadataReader.Read(path);

        Assert.Equal(1, photo.Orientation);
        var warning = Assert.Single(photo.Diagnostics, d => d.Field == "Orientation");
        Assert.Equal(DiagnosticCodes.InvalidValue, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
    }

    [Fact]
    public void Read_ReturnsCaptureTimeWithSubSecondsAndOffset_WhenOffsetTimeOriginalIsPresent()
    {
        string path = new DronePhotoBuilder()
            .WithDateTimeOriginal("2024:05:17 14:30:05", subSec: "123", offset: "+04:00")
            .Save(_temp.Path, "offset.jpg");

        var time = PhotoMetadataReader.Read(path).CapturedAt;

        Assert.NotNull(time);
        Assert.Equal(new DateTime(2024, 5, 17, 14, 30, 5, 123), time.Local);
        Assert.Equal(DateTimeKind.Unspecified, time.Local.Kind);
        Assert.Equal(TimeSpan.FromHours(4), time.UtcOffset);
        Assert.Equal("exif-offset-time", time.OffsetSource);
        Assert.Equal(new DateTimeOffset(2024, 5, 17, 10, 30, 5, 123, TimeSpan.Zero), time.Utc);
        Assert.Equal("2024-05-17T14:30:05.123+04:00", time.ToIso8601());
    }

    [Fact]
    public void Read_ReturnsNegativeOffset_WhenOffsetTimeOriginalIsNegative()
    {
        string path = new DronePhotoBuilder()
            .WithDateTimeOriginal("2024:05:17 14:30:05", offset: "-05:30")
            .Save(_temp.Path, "negative-offset.jpg");

        var time = PhotoMetadataReader.Read(path).CapturedAt!;

        Assert.Equal(new TimeSpan(-5, -30, 0), time.UtcOffset);
        Assert.Equal(new DateTimeOffset(2024, 5, 17, 20, 0, 5, TimeSpan.Zero), time.Utc);
    }

    [Fact]
    public void Read_DerivesOffsetFromGpsTime_WhenOffsetTimeOriginalIsMissing()
    {
        // GPS UTC is 3 h (and 1.5 s of camera clock drift) behind local time.
        string path = new DronePhotoBuilder()
            .WithDateTimeOriginal("2024:05:17 14:30:05", subSec: "250")
            .WithGpsTime("2024:05:17", R(11), R(30), R(35, 10))
            .Save(_temp.Path, "gps-time.jpg");

        var time = PhotoMetadataReader.Read(path).CapturedAt;

        Assert.NotNull(time);
        Assert.Equal(new DateTime(2024, 5, 17, 14, 30, 5, 250), time.Local);
        Assert.Equal(TimeSpan.FromHours(3), time.UtcOffset);
        Assert.Equal("gps-time", time.OffsetSource);
        Assert.Equal(new DateTimeOffset(2024, 5, 17, 11, 30, 5, 250, TimeSpan.Zero), time.Utc);
    }

    [Fact]
    public void Read_DerivesOffsetAcrossMidnight_WhenGpsDateIsTheNextDay()
    {
        // 20:15 local at UTC−5 is 01:15 UTC the next day.
        string path = new DronePhotoBuilder()
            .WithDateTimeOriginal("2024:12:31 20:15:00")
            .WithGpsTime("2025:01:01", R(1), R(15), R(0))
            .Save(_temp.Path, "midnight.jpg");

        var time = PhotoMetadataReader.Read(path).CapturedAt!;

        Assert.Equal(TimeSpan.FromHours(-5), time.UtcOffset);
        Assert.Equal("gps-time", time.OffsetSource);
    }

    [Fact]
    public void Read_LeavesOffsetUnknown_WhenNeitherOffsetNorGpsTimeIsPresent()
    {
        string path = new DronePhotoBuilder()
            .WithDateTimeOriginal("2024:05:17 14:30:05")
            .Save(_temp.Path, "no-offset.jpg");

        var time = PhotoMetadataReader.Read(path).CapturedAt!;

        Assert.Null(time.UtcOffset);
        Assert.Null(time.Utc);
        Assert.Equal("none", time.OffsetSource);
    }

    [Fact]
    public void Read_WarnsAndIgnoresCaptureTime_WhenDateTimeOriginalIsMalformed()
    {
        string path = new DronePhotoBuilder()
            .WithDateTimeOriginal("yesterday at noon")
            .Save(_temp.Path, "bad-time.jpg");

        var photo = PhotoMetadataReader.Read(path);

        Assert.Null(photo.CapturedAt);
        var warning = Assert.Single(photo.Diagnostics, d => d.Field == "DateTimeOriginal");
        Assert.Equal(DiagnosticCodes.InvalidValue, warning.Code);
        Assert.Equal("bad-time.jpg", warning.File);
    }

    [Fact]
    public void Resolve_ReturnsNoGpsError_WhenPhotoHasNoGps()
    {
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC6310")
            .WithFocalLength(8.8)
            .WithDji("RelativeAltitude", "+50.000")
            .Save(_temp.Path, "no-gps.jpg");

        var photo = PhotoMetadataReader.Read(path);
        var resolved = PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions());

        Assert.Null(photo.LatitudeDeg);
        Assert.Null(photo.LongitudeDeg);
        Assert.False(resolved.IsGeoreferenced);
        var error = Assert.Single(resolved.Diagnostics, d => d.Code == DiagnosticCodes.NoGps);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal("no-gps.jpg", error.File);
        Assert.Contains("no-gps.jpg", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReturnsNoMetadataWarning_WhenPhotoHasNoExifOrXmp()
    {
        string path = new DronePhotoBuilder().WithSize(320, 240).Save(_temp.Path, "bare.jpg");

        var photo = PhotoMetadataReader.Read(path);

        var warning = Assert.Single(photo.Diagnostics);
        Assert.Equal(DiagnosticCodes.NoMetadata, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal("bare.jpg", warning.File);
        Assert.Equal(320, photo.RawWidth);
        Assert.Equal(240, photo.RawHeight);
        Assert.Null(photo.Make);
        Assert.Null(photo.CapturedAt);
    }

    [Fact]
    public void Read_ReturnsUnreadableError_WhenFileIsEmpty()
    {
        string path = _temp.File("empty.jpg");
        File.WriteAllBytes(path, []);

        AssertUnreadable(PhotoMetadataReader.Read(path), "empty.jpg");
    }

    [Fact]
    public void Read_ReturnsUnreadableError_WhenFileIsTextNamedJpg()
    {
        string path = _temp.File("notes.jpg");
        File.WriteAllText(path, "This is not a photo, just a text file with a .jpg name.\n");

        AssertUnreadable(PhotoMetadataReader.Read(path), "notes.jpg");
    }

    [Fact]
    public void Read_ReturnsErrorNamingTheFile_WhenJpegIsTruncated()
    {
        byte[] valid = new DronePhotoBuilder()
            .WithCamera("DJI", "FC6310")
            .WithGpsDegrees(40, 49)
            .WithDji("RelativeAltitude", "+50.000")
            .ToBytes();
        string path = _temp.File("truncated.jpg");
        File.WriteAllBytes(path, valid[..100]);

        var photo = PhotoMetadataReader.Read(path);

        // The first 100 bytes end inside the EXIF segment: MetadataExtractor runs out of data.
        AssertUnreadable(photo, "truncated.jpg");
        Assert.False(PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions()).IsGeoreferenced);
    }

    [Fact]
    public void Read_ReturnsFileNotFound_WhenPathDoesNotExist()
    {
        string path = _temp.File("missing.jpg");

        var photo = PhotoMetadataReader.Read(path);

        var error = AssertUnreadable(photo, "missing.jpg");
        Assert.Equal("file not found", error.Message);
    }

    [Fact]
    public void Read_ReturnsFolderNotFound_WhenFolderDoesNotExist()
    {
        string path = Path.Combine(_temp.Path, "no-such-folder", "DJI_0001.JPG");

        var error = AssertUnreadable(PhotoMetadataReader.Read(path), "DJI_0001.JPG");
        Assert.Equal("folder not found", error.Message);
    }

    [Theory]
    [InlineData(40u, 0u, 0u, 1u)] // degrees 40/0 (MetadataExtractor: +∞)
    [InlineData(40u, 1u, 0u, 0u)] // seconds 0/0 (MetadataExtractor: 0, which would pass for a valid latitude)
    public void Read_ReturnsNaNLatitude_AndResolveGivesInvalidCoordinates_WhenRationalHasZeroDenominator(
        uint degrees, uint degreesDenominator, uint seconds, uint secondsDenominator)
    {
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC6310")
            .WithFocalLength(8.8)
            .WithGps([R(degrees, degreesDenominator), R(30), R(seconds, secondsDenominator)], "N", [R(49), R(0), R(0)], "E")
            .WithDji("RelativeAltitude", "+50.000")
            .Save(_temp.Path, "zero-denominator.jpg");

        var photo = PhotoMetadataReader.Read(path);
        var resolved = PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions());

        Assert.NotNull(photo.LatitudeDeg);
        Assert.True(double.IsNaN(photo.LatitudeDeg.Value));
        Assert.Equal(49, photo.LongitudeDeg!.Value, DegTolerance);
        var warning = Assert.Single(photo.Diagnostics);
        Assert.Equal(DiagnosticCodes.InvalidValue, warning.Code);
        Assert.Equal("GPSLatitude", warning.Field);
        Assert.Equal("zero-denominator.jpg", warning.File);
        Assert.False(resolved.IsGeoreferenced);
        var error = Assert.Single(resolved.Diagnostics, d => d.Code == DiagnosticCodes.InvalidCoordinates);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal("zero-denominator.jpg", error.File);
    }

    [Fact]
    public void Read_WarnsAndLeavesGpsAltitudeNull_WhenAltitudeIsZeroOverZero()
    {
        string path = new DronePhotoBuilder()
            .WithGpsDegrees(40, 49)
            .Exif(p => p.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.GPSAltitude, R(0, 0)))
            .Save(_temp.Path, "alt-undefined.jpg");

        var photo = PhotoMetadataReader.Read(path);

        Assert.Null(photo.GpsAltitudeM);
        var warning = Assert.Single(photo.Diagnostics);
        Assert.Equal("GPSAltitude", warning.Field);
        Assert.Equal(DiagnosticCodes.InvalidValue, warning.Code);
    }

    [Fact]
    public void Read_IgnoresGpsTime_WhenGpsTimeStampIsUndefined()
    {
        // 0/0 hours would read as midnight UTC and give a wrong offset.
        string path = new DronePhotoBuilder()
            .WithDateTimeOriginal("2024:05:17 03:00:00")
            .WithGpsTime("2024:05:17", R(0, 0), R(0), R(0))
            .Save(_temp.Path, "gps-time-undefined.jpg");

        var time = PhotoMetadataReader.Read(path).CapturedAt!;

        Assert.Null(time.UtcOffset);
        Assert.Equal("none", time.OffsetSource);
    }

    [Fact]
    public void Resolve_ReturnsGpsNoFixError_WhenPositionIsExactlyZero()
    {
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC6310")
            .WithFocalLength(8.8)
            .WithGps([R(0), R(0), R(0)], "N", [R(0), R(0), R(0)], "E")
            .WithDji("RelativeAltitude", "+50.000")
            .Save(_temp.Path, "no-fix.jpg");

        var resolved = PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(path), new GeoreferenceOptions());

        Assert.Contains(resolved.Diagnostics, d => d.Code == DiagnosticCodes.GpsNoFix && d.File == "no-fix.jpg");
        Assert.False(resolved.IsGeoreferenced);
    }

    private static PhotoDiagnostic AssertUnreadable(PhotoMetadata photo, string fileName)
    {
        var error = Assert.Single(photo.Diagnostics);
        Assert.Equal(DiagnosticCodes.Unreadable, error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(fileName, error.File);
        Assert.Null(photo.RawWidth);
        Assert.Null(photo.LatitudeDeg);
        return error;
    }
}
