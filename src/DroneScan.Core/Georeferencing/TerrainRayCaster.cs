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
/// March, then bisect: the step is half the ray's clearance above the ground (never under 5 cm), which cannot
/// step through slopes up to 45°; once the clearance changes sign the bracket is bisected down to 5 mm along
/// the ray, so the ground point is within 1 cm. A vertical step in the ground (a wall) is found at the wall.
/// </remarks>
public sealed class TerrainRayCaster(LocalTangentPlane frame, ITerrain terrain)
{
    private const double MinStepM = 0.05;
    private const double ToleranceM = 0.005;
    private const int MaxSteps = 10_000;

    public ITerrain Terrain => terrain;

    /// <summary>The ground point of a ray (ENU, relative to the frame origin), or why there is none.</summary>
    public (Enu? Ground, TerrainMiss Miss) Intersect(Vec3 ray, double maxRangeM, double cameraUpM = 0)
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
        if (Clearance(d, 0, cameraUpM) is not { } f0)
        {
            return (null, TerrainMiss.LeftDem);
        }

        if (f0 <= 0)
        {
            // The camera is at or under the ground here: the ground point is the camera's own position.
            return (Point(d, 0, cameraUpM), TerrainMiss.None);
        }

        for (int i = 0; i < MaxSteps; i++)
        {
            double s1 = s0 + Math.Max(f0 / 2, MinStepM);
            if (s1 > maxS)
            {
                return (null, TerrainMiss.BeyondRange);
            }

            if (Clearance(d, s1, cameraUpM) is not { } f1)
            {
                return (null, TerrainMiss.LeftDem);
            }

            if (f1 <= 0)
            {
                return Bisect(d, s0, s1, cameraUpM);
            }

            (s0, f0) = (s1, f1);
        }

        return (null, TerrainMiss.BeyondRange);
    }

    private (Enu?, TerrainMiss) Bisect(Vec3 d, double above, double below, double cameraUpM)
    {
        while (below - above > ToleranceM)
        {
            double mid = (above + below) / 2;
            if (Clearance(d, mid, cameraUpM) is not { } f)
            {
                return (null, TerrainMiss.LeftDem);
            }

            if (f > 0)
            {
                above = mid;
            }
            else
            {
                below = mid;
            }
        }

        return (Point(d, (above + below) / 2, cameraUpM), TerrainMiss.None);
    }

    /// <summary>Height of the ray's point at distance s above the terrain under it; null where the terrain has none.</summary>
    private double? Clearance(Vec3 d, double s, double cameraUpM)
    {
        var (point, height) = frame.ToGeodetic(Point(d, s, cameraUpM));
        return terrain.HeightAt(point) is { } ground ? height - ground : null;
    }

    private static Enu Point(Vec3 d, double s, double cameraUpM) => new(s * d.X, s * d.Y, cameraUpM + (s * d.Z));
}
