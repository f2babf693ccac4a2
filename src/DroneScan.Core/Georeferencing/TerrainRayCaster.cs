using DroneScan.Core.Geodesy;
using DroneScan.Core.Terrain;

namespace DroneScan.Core.Georeferencing;

/// <summary>Why a ray has no ground point on a terrain.</summary>
public enum TerrainMiss
{
    None,

    /// <summary>The ray points at or above the horizon.</summary>
    AboveHorizon,

    /// <summary>The ray reaches a place the DEM does not cover (outside it, or NoData) before the ground.</summary>
    LeftDem,

    /// <summary>The ray goes farther than the maximum ground range without meeting the ground.</summary>
    BeyondRange,
}

/// <summary>
/// Intersects camera rays with a terrain, in the local ENU frame of a photo (camera at the origin, or at
/// <c>cameraUpM</c> above it when its height is perturbed). The height of a point on the ray is its exact
/// geodetic height (the frame's origin height being the camera altitude, in the terrain's datum), so the
/// Earth's curvature is part of the intersection.
/// </summary>
/// <remarks>
/// March, then bisect. With a slope bound from the terrain (<see cref="ITerrain.MaxGradient"/>, a DEM grid has
/// one) each step is the longest that cannot pass under the ground, and the march ends within 1 mm above it.
/// Without one the step is half the ray's clearance above the ground (never under 5 cm), which cannot
/// step through slopes up to 45°; once the clearance changes sign the bracket is bisected down to 1 mm along
/// the ray and the crossing interpolated in it, so the ground point is well within 1 cm. A vertical step in the ground (a wall) is found at the wall.
/// </remarks>
public sealed class TerrainRayCaster(LocalTangentPlane frame, ITerrain terrain)
{
    private const double MinStepM = 0.05;
    private const double ToleranceM = 0.001;
    private const int MaxSteps = 10_000;

    public ITerrain Terrain => terrain;

    /// <summary>The ground point of a ray (ENU, relative to the frame origin), or why there is none.</summary>
    public (Enu? Ground, TerrainMiss Miss) Intersect(Vec3 ray, double maxRangeM, double cameraUpM = 0) =>
        Intersect(new Vec3(0, 0, cameraUpM), ray, maxRangeM);

    /// <summary>The ground point of a ray from another origin in the frame (a camera moved by a position error).</summary>
    public (Enu? Ground, TerrainMiss Miss) Intersect(Vec3 origin, Vec3 ray, double maxRangeM)
    {
        double length = ray.Length;
        if (!(length > 0) || ray.Z >= -1e-9 * length)
        {
            return (null, TerrainMiss.AboveHorizon);
        }

        var d = (1 / length) * ray;
        double horizontal = Math.Sqrt((d.X * d.X) + (d.Y * d.Y));
        double maxS = horizontal > 1e-12 ? maxRangeM / horizontal : double.PositiveInfinity;
        double s0 = 0;
        if (Clearance(d, 0, origin) is not { } f0)
        {
            return (null, TerrainMiss.LeftDem);
        }

        if (f0 <= 0)
        {
            // The camera is at or under the ground here: the ground point is the camera's own position.
            return (Point(d, 0, origin), TerrainMiss.None);
        }

        // With a slope bound G the ground cannot rise more than G per metre of horizontal run, so a step of
        // f / (|d_up| + G · |d_horizontal|) never passes under it: the march closes in from above.
        double gradient = terrain.MaxGradient;
        bool bounded = double.IsFinite(gradient);
        // 10⁻⁴ more for the Earth's curvature: the ground drops away from the tangent plane by 1/R per metre of run.
        double closing = bounded ? -d.Z + ((gradient + 1e-4) * horizontal) : double.NaN;
        for (int i = 0; i < MaxSteps; i++)
        {
            if (bounded && f0 < ToleranceM)
            {
                return (Point(d, s0 + (f0 / -d.Z), origin), TerrainMiss.None);
            }

            double s1 = s0 + (bounded ? f0 / closing : Math.Max(f0 / 2, MinStepM));
            if (s1 > maxS)
            {
                return (null, TerrainMiss.BeyondRange);
            }

            if (Clearance(d, s1, origin) is not { } f1)
            {
                return (null, TerrainMiss.LeftDem);
            }

            if (f1 <= 0)
            {
                return Bisect(d, s0, s1, origin);
            }

            (s0, f0) = (s1, f1);
        }

        return (null, TerrainMiss.BeyondRange);
    }

    private (Enu?, TerrainMiss) Bisect(Vec3 d, double above, double below, Vec3 origin)
    {
        double fAbove = double.NaN, fBelow = double.NaN;
        while (below - above > ToleranceM)
        {
            double mid = (above + below) / 2;
            if (Clearance(d, mid, origin) is not { } f)
            {
                return (null, TerrainMiss.LeftDem);
            }

            if (f > 0)
            {
                (above, fAbove) = (mid, f);
            }
            else
            {
                (below, fBelow) = (mid, f);
            }
        }

        // Within the last millimetre the ground is a plane (bilinear cells are smooth): interpolate the crossing,
        // so that neighbouring pixels get consistent points (the synthetic renderer differentiates them).
        double s = double.IsFinite(fAbove) && double.IsFinite(fBelow) && fAbove - fBelow > 0
            ? above + (fAbove / (fAbove - fBelow) * (below - above))
            : (above + below) / 2;
        return (Point(d, s, origin), TerrainMiss.None);
    }

    /// <summary>Height of the ray's point at distance s above the terrain under it; null where the terrain has none.</summary>
    private double? Clearance(Vec3 d, double s, Vec3 origin)
    {
        var (point, height) = frame.ToGeodetic(Point(d, s, origin));
        return terrain.HeightAt(point) is { } ground ? height - ground : null;
    }

    private static Enu Point(Vec3 d, double s, Vec3 origin) => new(origin.X + (s * d.X), origin.Y + (s * d.Y), origin.Z + (s * d.Z));
}
