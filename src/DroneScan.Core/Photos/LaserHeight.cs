using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;

namespace DroneScan.Core.Photos;

/// <summary>
/// Height of the camera above the ground under the image centre, from the laser range finder of DJI payloads
/// (H20/H20T/H30T, M30T): <c>AbsoluteAltitude − LRFTargetAbsAlt</c> when both are written (the payload's own
/// pitch-corrected answer), else the slant range times sin(−pitch) of the centre ray.
/// </summary>
/// <remarks>
/// With a DEM the laser anchors the camera to the DEM instead (<c>dji-lrf+dem</c>): the camera altitude becomes the
/// DEM's height at the laser target plus this height, so <see cref="MeasurementSigmaM"/> (without the level-ground
/// term) is its error.
/// Error model (1-σ): the ranging error (0.2 m + 0.15 % of the range, DJI's stated accuracy), the pitch error
/// moving the height by range · cos(pitch) · σpitch, and, since the ground elsewhere in the footprint is taken
/// as the level plane through the laser target, <see cref="ErrorDefaults.LaserLevelGroundSigmaM"/>.
/// </remarks>
public sealed record LaserHeight(double HeightM, double SigmaM, double? GroundElevationM, double SlantRangeM, double MeasurementSigmaM)
{
    /// <summary>The <c>altitudeSource</c> of a height from the laser.</summary>
    public const string Source = "dji-lrf";

    /// <summary>
    /// The laser height of a photo, or null when it has no usable laser range (then a warning says why, if the
    /// photo had one at all). <paramref name="measuredPitchDeg"/> is the camera pitch from the photo's own tags
    /// (null when only assumed).
    /// </summary>
    public static LaserHeight? From(DjiXmp? dji, double? measuredPitchDeg, ErrorDefaults errors, Action<string, string, string> warn)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(warn);
        if (dji?.LrfTargetDistanceM is not { } range)
        {
            return null;
        }

        void Unusable(string field, string why) => warn(DiagnosticCodes.LaserRangeUnusable, field, $"laser range not used: {why}; falling back to the relative altitude");

        if (dji.LrfStatus is { } status && !status.Equals("Normal", StringComparison.OrdinalIgnoreCase))
        {
            Unusable("LRFStatus", $"LRFStatus is '{status}', not Normal");
            return null;
        }

        if (!(range > 0))
        {
            Unusable("LRFTargetDistance", $"LRFTargetDistance {range:0.###} m is not a range");
            return null;
        }

        if (measuredPitchDeg is not { } pitch)
        {
            Unusable("GimbalPitchDegree", "the camera pitch is not recorded, so the slant range cannot be turned into a height");
            return null;
        }

        double sinDown = Math.Sin(LocalTangentPlane.DegToRad(-pitch));
        if (sinDown <= 0.05)
        {
            Unusable("GimbalPitchDegree", $"pitch {pitch:0.##}° looks at or near the horizon");
            return null;
        }

        double pitchSigmaRad = LocalTangentPlane.DegToRad(errors.GimbalTiltSigmaDeg);
        double rangeSigma = errors.LaserRangeSigmaM + (errors.LaserRangeSigmaFraction * range);
        double pitchTerm = range * Math.Cos(LocalTangentPlane.DegToRad(pitch)) * pitchSigmaRad;
        double measurement = Math.Sqrt((rangeSigma * rangeSigma) + (pitchTerm * pitchTerm));
        double sigma = Math.Sqrt((measurement * measurement) + (errors.LaserLevelGroundSigmaM * errors.LaserLevelGroundSigmaM));

        if (dji.AbsoluteAltitudeM is { } cameraAlt && dji.LrfTargetAbsoluteAltitudeM is { } targetAlt)
        {
            double height = cameraAlt - targetAlt;
            if (height > 0 && height <= range * 1.01)
            {
                return new LaserHeight(height, sigma, targetAlt, range, measurement);
            }

            warn(DiagnosticCodes.LaserRangeUnusable, "LRFTargetAbsAlt", $"AbsoluteAltitude − LRFTargetAbsAlt = {height:0.###} m does not fit the slant range {range:0.###} m; using the slant range and the pitch");
        }

        double slantHeight = range * sinDown;
        return new LaserHeight(slantHeight, sigma, dji.AbsoluteAltitudeM - slantHeight, range, measurement);
    }
}
