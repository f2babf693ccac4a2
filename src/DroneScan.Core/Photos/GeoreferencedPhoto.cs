using DroneScan.Core.Camera;
using DroneScan.Core.Georeferencing;

namespace DroneScan.Core.Photos;

/// <summary>
/// A photo with its camera model resolved: which focal length, height above ground and attitude were used,
/// where each came from, and the resulting <see cref="PhotoGeoreference"/> — null when the photo is not
/// georeferenceable, with the reasons among the error diagnostics.
/// </summary>
public sealed record GeoreferencedPhoto
{
    public required PhotoMetadata Metadata { get; init; }

    /// <summary>Oriented image size (after EXIF orientation).</summary>
    public int? Width { get; init; }

    public int? Height { get; init; }

    public double? FocalLengthPx { get; init; }

    /// <summary>e.g. <c>user-focal-px</c>, <c>dji-calibrated</c>, <c>camera-table</c>, <c>exif-35mm</c>.</summary>
    public string? FocalLengthSource { get; init; }

    public double? AltitudeAglM { get; init; }

    /// <summary>e.g. <c>dji-lrf</c>, <c>dji-relative</c>, <c>gps-minus-ground-elevation</c>, <c>user-agl</c>.</summary>
    public string? AltitudeSource { get; init; }

    /// <summary>Elevation of the ground the height is measured to — the DEM under the camera, else the laser
    /// target's altitude — in the datum of the photo's absolute altitude, when known; null otherwise.</summary>
    public double? GroundElevationM { get; init; }

    /// <summary>Name of the DEM the photo is placed on; null on the level ground model.</summary>
    public string? DemFile { get; init; }

    public CameraAttitude? Attitude { get; init; }

    /// <summary>e.g. <c>dji-gimbal-xmp</c>, <c>dji-makernotes</c>, <c>pix4d-xmp</c>, <c>assumed-nadir</c>.</summary>
    public string? AttitudeSource { get; init; }

    /// <summary>e.g. <c>rtk</c>, <c>exif-hpositioning-error</c>, <c>user</c>, <c>default</c>.</summary>
    public string? GpsSigmaSource { get; init; }

    public ErrorModel? Errors { get; init; }

    public PhotoGeoreference? Georeference { get; init; }

    public IReadOnlyList<PhotoDiagnostic> Diagnostics { get; init; } = [];

    public bool IsGeoreferenced => Georeference is not null;
}
