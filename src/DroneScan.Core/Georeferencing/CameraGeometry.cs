using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;

namespace DroneScan.Core.Georeferencing;

/// <summary>
/// A posed pinhole camera over flat ground, in a local East-North-Up frame whose origin is the camera
/// (so the ground is the plane Up = −AGL). Pixels are in the oriented image frame everywhere in its API.
/// </summary>
/// <remarks>
/// Frames: camera x right, y down, z along the optical axis (raw sensor frame); gimbal body x forward,
/// y right, z down; world NED then ENU. camera→ENU = NED→ENU · Rz(yaw) · Ry(pitch) · Rx(roll) · camera→body.
/// With yaw 0 and pitch −90 the image top points north and the image right points east.
/// </remarks>
public sealed class CameraGeometry
{
    // Camera (x right, y down, z forward) → gimbal body (x forward, y right, z down).
    private static readonly Mat3 CameraToBody = new(0, 0, 1, 1, 0, 0, 0, 1, 0);

    // NED → ENU.
    private static readonly Mat3 NedToEnu = new(0, 1, 0, 1, 0, 0, 0, 0, -1);

    private readonly Mat3 _cameraToEnu;
    private readonly Mat3 _enuToCamera;

    public CameraGeometry(CameraIntrinsics intrinsics, int orientation, CameraAttitude attitude, double altitudeAglM)
    {
        Intrinsics = intrinsics;
        Orientation = orientation;
        Attitude = attitude;
        AltitudeAglM = altitudeAglM;
        (OrientedWidth, OrientedHeight) = ExifOrientation.OrientedSize(orientation, intrinsics.WidthPx, intrinsics.HeightPx);
        _cameraToEnu = NedToEnu * AttitudeToNed(attitude) * CameraToBody;
        _enuToCamera = _cameraToEnu.Transpose();
    }

    private CameraGeometry(CameraGeometry nominal, Mat3 cameraToEnu, double altitudeAglM)
    {
        Intrinsics = nominal.Intrinsics;
        Orientation = nominal.Orientation;
        Attitude = nominal.Attitude;
        AltitudeAglM = altitudeAglM;
        (OrientedWidth, OrientedHeight) = (nominal.OrientedWidth, nominal.OrientedHeight);
        _cameraToEnu = cameraToEnu;
        _enuToCamera = cameraToEnu.Transpose();
    }

    public CameraIntrinsics Intrinsics { get; }

    public int Orientation { get; }

    public CameraAttitude Attitude { get; }

    public double AltitudeAglM { get; }

    public int OrientedWidth { get; }

    public int OrientedHeight { get; }

    public PixelPoint Centre => new(OrientedWidth / 2.0, OrientedHeight / 2.0);

    /// <summary>A copy with another attitude and height; used to propagate errors.</summary>
    public CameraGeometry With(CameraAttitude attitude, double altitudeAglM) => new(Intrinsics, Orientation, attitude, altitudeAglM);

    /// <summary>
    /// A copy turned by small attitude errors taken as rotations in the world frame — pitch about the level axis
    /// to the right of the heading, roll about the level heading axis, yaw about the vertical — and at another
    /// height. Unlike Euler angles these stay independent at nadir (where gimbal roll and yaw coincide), so an
    /// error model built on them tilts a nadir camera both along and across track.
    /// </summary>
    public CameraGeometry Perturbed(double pitchErrorDeg, double rollErrorDeg, double yawErrorDeg, double altitudeAglM)
    {
        double psi = LocalTangentPlane.DegToRad(Attitude.YawDeg);
        var forward = new Vec3(Math.Sin(psi), Math.Cos(psi), 0);
        var right = new Vec3(Math.Cos(psi), -Math.Sin(psi), 0);
        var turn = AxisAngle(new Vec3(0, 0, 1), -yawErrorDeg) * AxisAngle(forward, rollErrorDeg) * AxisAngle(right, pitchErrorDeg);
        return new CameraGeometry(this, turn * _cameraToEnu, altitudeAglM);
    }

    /// <summary>Unnormalised ray direction (ENU) through an oriented pixel position.</summary>
    public Vec3 Ray(PixelPoint oriented) => _cameraToEnu * CameraRay(ToRaw(oriented));

    /// <summary>Ground point (ENU, camera at the origin) of an oriented pixel, or null when its ray is at or
    /// above the horizon.</summary>
    public Enu? PixelToGround(PixelPoint oriented) => Intersect(Ray(oriented));

    /// <summary>Oriented pixel position where a ground point (ENU, camera at the origin) is seen, or null when
    /// it lies behind the camera. The position may fall outside the image; see <see cref="Contains"/>.</summary>
    public PixelPoint? GroundToPixel(Enu ground)
    {
        var c = _enuToCamera * new Vec3(ground.EastM, ground.NorthM, ground.UpM);
        if (c.Z <= 1e-12)
        {
            return null;
        }

        var k = Intrinsics;
        var raw = new PixelPoint((k.FocalLengthPx * c.X / c.Z) + k.PrincipalPointU, (k.FocalLengthPx * c.Y / c.Z) + k.PrincipalPointV);
        return ExifOrientation.RawToOriented(raw, Orientation, k.WidthPx, k.HeightPx);
    }

    /// <summary>True when an oriented position lies inside the image.</summary>
    public bool Contains(PixelPoint p) => p.U >= 0 && p.V >= 0 && p.U <= OrientedWidth && p.V <= OrientedHeight;

    /// <summary>Ground sample distance (metres per pixel) at an oriented pixel: the mean ground length of a
    /// one-pixel step along the image rows and along the columns. Null when the pixel sees no ground.</summary>
    public double? GroundSampleDistanceM(PixelPoint p)
    {
        var l = PixelToGround(p with { U = p.U - 0.5 });
        var r = PixelToGround(p with { U = p.U + 0.5 });
        var t = PixelToGround(p with { V = p.V - 0.5 });
        var b = PixelToGround(p with { V = p.V + 0.5 });
        if (l is null || r is null || t is null || b is null)
        {
            return null;
        }

        return (Distance(l.Value, r.Value) + Distance(t.Value, b.Value)) / 2;
    }

    /// <summary>
    /// The part of the image that sees ground within <paramref name="maxRangeM"/> of the nadir, as ground
    /// vertices (ENU) in image-border order. A pinhole maps straight lines to straight lines on a plane, so the
    /// image rectangle cut by the horizon is exactly a polygon on the ground; the caller clips it to the range.
    /// Returns the vertices and whether the horizon cut the image.
    /// </summary>
    public (IReadOnlyList<Enu> Vertices, bool HorizonClipped) GroundPolygon(double maxRangeM)
    {
        // Keep rays at least atan(AGL / maxRange) below the horizon. With the unnormalised camera ray
        // (z = 1, so |d| ≥ 1) "d_up ≤ −sin θmin" is a half-plane in pixel space that keeps every pixel that
        // sees ground within the range, and no pixel whose ground point is unboundedly far.
        double minDepression = Math.Atan2(AltitudeAglM, maxRangeM);
        double limit = -Math.Sin(minDepression);
        var k = Intrinsics;
        PixelPoint[] corners =
        [
            new(0, 0), new(k.WidthPx, 0), new(k.WidthPx, k.HeightPx), new(0, k.HeightPx),
        ];

        var kept = new List<PixelPoint>(6);
        bool clipped = false;
        for (int i = 0; i < corners.Length; i++)
        {
            var a = corners[i];
            var b = corners[(i + 1) % corners.Length];
            double ua = UpOfRaw(a) - limit, ub = UpOfRaw(b) - limit;
            bool ina = ua <= 0, inb = ub <= 0;
            if (ina)
            {
                kept.Add(a);
            }
            else
            {
                clipped = true;
            }

            if (ina != inb)
            {
                double t = ua / (ua - ub);
                kept.Add(new PixelPoint(a.U + (t * (b.U - a.U)), a.V + (t * (b.V - a.V))));
            }
        }

        var vertices = new List<Enu>(kept.Count);
        foreach (var raw in kept)
        {
            if (Intersect(_cameraToEnu * CameraRay(raw)) is { } g)
            {
                vertices.Add(g);
            }
        }

        return (vertices, clipped);
    }

    private double UpOfRaw(PixelPoint raw) => (_cameraToEnu * CameraRay(raw)).Z;

    private Vec3 CameraRay(PixelPoint raw)
    {
        var k = Intrinsics;
        return new Vec3((raw.U - k.PrincipalPointU) / k.FocalLengthPx, (raw.V - k.PrincipalPointV) / k.FocalLengthPx, 1);
    }

    private PixelPoint ToRaw(PixelPoint oriented) =>
        ExifOrientation.OrientedToRaw(oriented, Orientation, Intrinsics.WidthPx, Intrinsics.HeightPx);

    private Enu? Intersect(Vec3 ray)
    {
        // A ray must point below the horizon by a margin; 1e-9 keeps t finite.
        if (ray.Z >= -1e-9 * ray.Length)
        {
            return null;
        }

        double t = -AltitudeAglM / ray.Z;
        return new Enu(t * ray.X, t * ray.Y, -AltitudeAglM);
    }

    private static double Distance(Enu a, Enu b) =>
        Math.Sqrt(((a.EastM - b.EastM) * (a.EastM - b.EastM)) + ((a.NorthM - b.NorthM) * (a.NorthM - b.NorthM)));

    /// <summary>Right-handed rotation by an angle about a unit axis (Rodrigues).</summary>
    private static Mat3 AxisAngle(Vec3 axis, double angleDeg)
    {
        double a = LocalTangentPlane.DegToRad(angleDeg), c = Math.Cos(a), s = Math.Sin(a), t = 1 - c;
        double x = axis.X, y = axis.Y, z = axis.Z;
        return new Mat3(
            (t * x * x) + c, (t * x * y) - (s * z), (t * x * z) + (s * y),
            (t * x * y) + (s * z), (t * y * y) + c, (t * y * z) - (s * x),
            (t * x * z) - (s * y), (t * y * z) + (s * x), (t * z * z) + c);
    }

    private static Mat3 AttitudeToNed(CameraAttitude attitude)
    {
        double y = LocalTangentPlane.DegToRad(attitude.YawDeg);
        double p = LocalTangentPlane.DegToRad(attitude.PitchDeg);
        double r = LocalTangentPlane.DegToRad(attitude.RollDeg);
        double cy = Math.Cos(y), sy = Math.Sin(y), cp = Math.Cos(p), sp = Math.Sin(p), cr = Math.Cos(r), sr = Math.Sin(r);
        var rz = new Mat3(cy, -sy, 0, sy, cy, 0, 0, 0, 1);
        var ry = new Mat3(cp, 0, sp, 0, 1, 0, -sp, 0, cp);
        var rx = new Mat3(1, 0, 0, 0, cr, -sr, 0, sr, cr);
        return rz * ry * rx;
    }
}
