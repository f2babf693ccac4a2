namespace DroneScan.Core.Photos;

/// <summary>How bad a per-photo problem is: a warning leaves the photo usable; an error means the photo (or
/// the part named by the field) cannot be used.</summary>
public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>One problem with one photo, naming the file and the metadata field it concerns.</summary>
public sealed record PhotoDiagnostic(string File, DiagnosticSeverity Severity, string Code, string Field, string Message)
{
    public override string ToString() => $"{File}: {Severity.ToString().ToLowerInvariant()} [{Code}] {Field}: {Message}";
}

/// <summary>The stable diagnostic codes (other tools match on them).</summary>
public static class DiagnosticCodes
{
    public const string Unreadable = "unreadable-file";
    public const string NoMetadata = "no-metadata";
    public const string InvalidValue = "invalid-value";
    public const string NoGps = "no-gps";
    public const string InvalidCoordinates = "invalid-coordinates";
    public const string GpsNoFix = "gps-no-fix";
    public const string NoAltitude = "no-altitude";
    public const string AltitudeNotPositive = "altitude-not-positive";
    public const string UnknownCamera = "unknown-camera";
    public const string CameraMismatch = "camera-mismatch";
    public const string GimbalAboveHorizon = "gimbal-above-horizon";
    public const string GimbalAnglesZero = "gimbal-angles-zero";
    public const string AttitudeAssumed = "attitude-assumed";
    public const string FootprintClipped = "footprint-clipped";
    public const string NoImageSize = "no-image-size";

    /// <summary>The photo carries a laser range that is not usable (status not Normal, no pitch, not below the camera).</summary>
    public const string LaserRangeUnusable = "laser-range-unusable";

    /// <summary>A DEM was given but cannot be used for this photo (no absolute altitude, camera outside the DEM);
    /// the photo is placed on the level plane instead.</summary>
    public const string DemNotUsed = "dem-not-used";

    /// <summary>Some of the photo's rays leave the DEM (or its range) before meeting the ground.</summary>
    public const string DemRaysLeave = "dem-rays-leave";

    /// <summary>The ground the photo implies (its laser range) and the DEM disagree by more than the DEM's error.</summary>
    public const string DemDisagrees = "dem-disagrees";

    /// <summary>The XMP packet was refused (a DTD, too large) or could not be parsed: a warning, EXIF is still used.</summary>
    public const string UnreadableXmp = "unreadable-xmp";
}
