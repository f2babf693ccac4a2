namespace DroneScan.Core.Georeferencing;

/// <summary>
/// 1-σ errors of a photo's pose, each independent and normal, propagated to every ground point by
/// <see cref="PhotoGeoreference.UncertaintyAt"/>: camera position east/north (GPS, or RTK std-devs), height
/// above ground, and the attitude. Pitch and roll errors are tilts about the level axes across and along the
/// heading, so they act the same at nadir as when oblique (Euler roll and yaw coincide at nadir). When the yaw
/// is not known at all, the ground point of a pixel can lie anywhere on a circle around the nadir; that is
/// modelled as an extra isotropic error whose per-axis variance is d²/2, d being the pixel's ground distance
/// from the nadir (the variance of a uniform angle). Over a DEM, <see cref="TerrainSigmaM"/> is the DEM's stated
/// vertical error; it acts like a height error, and the slope under each point adds to it.
/// </summary>
public sealed record ErrorModel(
    double GpsSigmaEastM,
    double GpsSigmaNorthM,
    double AltitudeSigmaM,
    double YawSigmaDeg,
    double PitchSigmaDeg,
    double RollSigmaDeg,
    bool YawUnknown = false,
    double TerrainSigmaM = 0);

/// <summary>The reference error values DroneScan assumes when a photo does not state its own, chosen from the
/// error budget of consumer drones without RTK (see docs/georeferencing.md). All are overridable.</summary>
public sealed record ErrorDefaults
{
    /// <summary>Per-axis horizontal GPS 1-σ without RTK (consumer GNSS: 2–5 m).</summary>
    public double GpsSigmaM { get; init; } = 3.0;

    /// <summary>Barometric height above the take-off point (±1–5 m, plus terrain not level with take-off).</summary>
    public double RelativeAltitudeSigmaM { get; init; } = 3.0;

    /// <summary>GPS altitude minus a given ground elevation (GNSS vertical error is ~1.5× horizontal).</summary>
    public double GpsAltitudeSigmaM { get; init; } = 5.0;

    /// <summary>Laser range finder: the fixed part of its ranging error (DJI H20 series: ±(0.2 m + 0.15 % of the range)).</summary>
    public double LaserRangeSigmaM { get; init; } = 0.2;

    /// <summary>Laser range finder: the part of its ranging error proportional to the range.</summary>
    public double LaserRangeSigmaFraction { get; init; } = 0.0015;

    /// <summary>Without a DEM the ground is the level plane through the laser target; the rest of the footprint
    /// is rarely that level. This 1-σ stands for it.</summary>
    public double LaserLevelGroundSigmaM { get; init; } = 1.0;

    /// <summary>A height above ground given by the user (flight plan).</summary>
    public double UserAglSigmaM { get; init; } = 2.0;

    /// <summary>Gimbal pitch and roll from the drone's own tags.</summary>
    public double GimbalTiltSigmaDeg { get; init; } = 1.0;

    /// <summary>Gimbal yaw (compass-based, less reliable than pitch).</summary>
    public double GimbalYawSigmaDeg { get; init; } = 2.0;

    /// <summary>Tilt when nadir is only assumed (fixed mount, no attitude tags; fixed wings bank in turns).</summary>
    public double AssumedNadirTiltSigmaDeg { get; init; } = 5.0;

    /// <summary>Yaw taken from EXIF GPSImgDirection (usually the course, not the camera heading).</summary>
    public double ImageDirectionYawSigmaDeg { get; init; } = 10.0;
}
