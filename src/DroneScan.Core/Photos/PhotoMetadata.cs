namespace DroneScan.Core.Photos;

/// <summary>
/// Everything a photo file says about how and where it was taken, as read (signs and references applied,
/// nothing inferred). Units are in the names; angles are degrees; altitudes metres. A value that was absent or
/// unreadable is null, and an unreadable one also has a diagnostic.
/// </summary>
public sealed record PhotoMetadata
{
    public required string FilePath { get; init; }

    public string FileName => Path.GetFileName(FilePath);

    /// <summary>Stored pixel size (before EXIF orientation), from the image header.</summary>
    public int? RawWidth { get; init; }

    public int? RawHeight { get; init; }

    /// <summary>EXIF Orientation 1–8 (1 when absent).</summary>
    public int Orientation { get; init; } = 1;

    public string? Make { get; init; }

    public string? Model { get; init; }

    public CaptureTime? CapturedAt { get; init; }

    public double? LatitudeDeg { get; init; }

    public double? LongitudeDeg { get; init; }

    /// <summary>EXIF GPSAltitude with GPSAltitudeRef applied (negative below sea level). Never height above ground.</summary>
    public double? GpsAltitudeM { get; init; }

    /// <summary>EXIF GPSImgDirection (degrees from true or magnetic north as GPSImgDirectionRef says).</summary>
    public double? GpsImageDirectionDeg { get; init; }

    /// <summary>EXIF GPSHPositioningError, metres.</summary>
    public double? GpsHorizontalErrorM { get; init; }

    public double? FocalLengthMm { get; init; }

    public double? FocalLength35mm { get; init; }

    public DjiXmp? Dji { get; init; }

    /// <summary>Camera angles from DJI MakerNotes (older DJI cameras without XMP gimbal tags).</summary>
    public DjiMakerNoteAngles? DjiMakerNote { get; init; }

    /// <summary>Pix4D camera XMP (Parrot Sequoia and others): angles with pitch 0 = nadir.</summary>
    public Pix4DXmp? Pix4D { get; init; }

    /// <summary>senseFly autopilot XMP (fixed-wing; aircraft attitude, not a gimbal).</summary>
    public SenseFlyXmp? SenseFly { get; init; }

    /// <summary>Image layout and thermal segments: what <see cref="PhotoSensorClassifier"/> needs beyond XMP.</summary>
    public SensorEvidence SensorEvidence { get; init; } = new();

    /// <summary>Problems found while reading.</summary>
    public IReadOnlyList<PhotoDiagnostic> Diagnostics { get; init; } = [];
}

/// <summary>Capture time as the camera wrote it, with the UTC offset when known (OffsetTimeOriginal, or derived
/// from the GPS UTC time stamp).</summary>
public sealed record CaptureTime(DateTime Local, TimeSpan? UtcOffset, string OffsetSource)
{
    public DateTimeOffset? Utc => UtcOffset is { } o ? new DateTimeOffset(Local, o).ToUniversalTime() : null;

    /// <summary>ISO 8601, with the offset when known.</summary>
    public string ToIso8601() => UtcOffset is { } o
        ? new DateTimeOffset(Local, o).ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture)
        : Local.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>DJI XMP tags (namespace http://www.dji.com/drone-dji/1.0/), signs applied.</summary>
public sealed record DjiXmp
{
    public double? RelativeAltitudeM { get; init; }

    public double? AbsoluteAltitudeM { get; init; }

    public double? GimbalYawDeg { get; init; }

    public double? GimbalPitchDeg { get; init; }

    public double? GimbalRollDeg { get; init; }

    public double? FlightYawDeg { get; init; }

    public double? FlightPitchDeg { get; init; }

    public double? FlightRollDeg { get; init; }

    public double? GpsLatitudeDeg { get; init; }

    public double? GpsLongitudeDeg { get; init; }

    /// <summary>Calibrated focal length, pixels.</summary>
    public double? CalibratedFocalLengthPx { get; init; }

    /// <summary>Calibrated optical centre, pixels from the top-left of the stored image.</summary>
    public double? CalibratedOpticalCenterX { get; init; }

    public double? CalibratedOpticalCenterY { get; init; }

    /// <summary>ImageSource: the camera of a multi-camera payload (<c>InfraredCamera</c>, <c>WideCamera</c>, <c>ZoomCamera</c> …).</summary>
    public string? ImageSource { get; init; }

    /// <summary>RTK solution flag (50 = fixed).</summary>
    public int? RtkFlag { get; init; }

    public double? RtkStdLonM { get; init; }

    public double? RtkStdLatM { get; init; }

    public double? RtkStdHgtM { get; init; }

    public double? LrfTargetLatitudeDeg { get; init; }

    public double? LrfTargetLongitudeDeg { get; init; }

    /// <summary>LRFTargetAlt: the laser target's altitude as the payload writes it (its datum is not documented;
    /// not used for the height).</summary>
    public double? LrfTargetAltitudeM { get; init; }

    /// <summary>LRFTargetAbsAlt: the laser target's altitude in the same datum as <see cref="AbsoluteAltitudeM"/>.</summary>
    public double? LrfTargetAbsoluteAltitudeM { get; init; }

    /// <summary>LRFTargetDistance: the laser's slant range from the camera to the target under the image centre, metres.</summary>
    public double? LrfTargetDistanceM { get; init; }

    /// <summary>LRFStatus as written (<c>Normal</c> when the range is valid; other words mean no valid echo).</summary>
    public string? LrfStatus { get; init; }

    public bool HasGimbalAngles => GimbalYawDeg.HasValue && GimbalPitchDeg.HasValue && GimbalRollDeg.HasValue;
}

/// <summary>CameraPitch/Yaw/Roll from the DJI MakerNotes (FC300X, FC350: Phantom 3, Inspire 1), DJI conventions.</summary>
public sealed record DjiMakerNoteAngles(double YawDeg, double PitchDeg, double RollDeg);

/// <summary>Pix4D camera XMP (http://pix4d.com/camera/1.0/): Yaw/Pitch/Roll with pitch 0 at nadir, GPS accuracies.</summary>
public sealed record Pix4DXmp(double? YawDeg, double? PitchDeg, double? RollDeg, double? GpsXyAccuracyM, double? GpsZAccuracyM)
{
    public bool HasAngles => YawDeg.HasValue && PitchDeg.HasValue && RollDeg.HasValue;
}

/// <summary>senseFly XMP (http://ns.sensefly.com/Camera/1.0/ family): height above take-off and aircraft attitude.</summary>
public sealed record SenseFlyXmp(double? HeightM, double? HeadingDeg, double? PitchDeg, double? RollDeg);
