using DroneScan.Core.Georeferencing;
using DroneScan.Core.Terrain;

namespace DroneScan.Core.Photos;

/// <summary>What the user can tell DroneScan that the photos do not say, and the error model to assume.</summary>
public sealed record GeoreferenceOptions
{
    /// <summary>Height of the camera above the ground, metres, used when the photo has no relative altitude.</summary>
    public double? AltitudeAglM { get; init; }

    /// <summary>Ground elevation in the same datum as the photo's GPS altitude; AGL = GPS altitude − this.</summary>
    public double? GroundElevationM { get; init; }

    /// <summary>Sensor width override, millimetres (focal length in mm from EXIF).</summary>
    public double? SensorWidthMm { get; init; }

    /// <summary>Focal length override, pixels (wins over everything else).</summary>
    public double? FocalLengthPx { get; init; }

    /// <summary>Per-axis horizontal GPS 1-σ override, metres (otherwise RTK std-devs or the default).</summary>
    public double? GpsSigmaM { get; init; }

    /// <summary>Ground farther from the nadir than this multiple of the AGL is not in the footprint.</summary>
    public double MaxGroundRangeFactor { get; init; } = 20;

    /// <summary>
    /// A DEM, with heights in the vertical datum of the photos' absolute altitudes (DJI AbsoluteAltitude, else
    /// EXIF GPSAltitude). When set, the height above ground is the absolute altitude minus the DEM under the
    /// camera, and every pixel's ground point is on the DEM. Null: the level-plane model.
    /// </summary>
    public ITerrain? Terrain { get; init; }

    public ErrorDefaults Errors { get; init; } = new();
}
