using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;

namespace DroneScan.Core.Tests;

/// <summary>
/// The example camera used throughout the tests, with its numbers worked out once.
/// DJI FC6310 (Phantom 4 Pro): 1" sensor 13.2 mm wide, 8.8 mm lens, 5472 × 3648 px.
/// f_px = 8.8 × 5472 / 13.2 = 3648 px (so f_px equals the image height).
/// At 30 m AGL, nadir: GSD = 30 / 3648 = 0.0082237 m/px; footprint 5472 × GSD = 45 m by 3648 × GSD = 30 m.
/// </summary>
internal static class TestCameras
{
    public const string Make = "DJI";
    public const string Model = "FC6310";
    public const int Width = 5472;
    public const int Height = 3648;
    public const double SensorWidthMm = 13.2;
    public const double FocalMm = 8.8;

    /// <summary>8.8 × 5472 / 13.2.</summary>
    public const double FocalPx = 3648;

    public const double AglM = 30;

    /// <summary>30 / 3648 m per pixel at nadir.</summary>
    public const double Gsd30 = AglM / FocalPx;

    /// <summary>A camera position in eastern Ukraine, ellipsoid height 250 m.</summary>
    public static readonly GeoPoint Site = new(48.5, 37.5);

    public const double SiteHeightM = 250;

    /// <summary>Image centre (W/2, H/2) in the unrotated frame.</summary>
    public static PixelPoint Centre => new(Width / 2.0, Height / 2.0);

    public static CameraIntrinsics Intrinsics => CameraIntrinsics.Centred(Width, Height, FocalPx);

    public static CameraGeometry Geometry(CameraAttitude attitude, double aglM = AglM, int orientation = 1) =>
        new(Intrinsics, orientation, attitude, aglM);

    public static CameraGeometry Nadir(double yawDeg = 0, double aglM = AglM) =>
        Geometry(new CameraAttitude(yawDeg, -90, 0), aglM);

    public static ErrorModel NoErrors => new(0, 0, 0, 0, 0, 0);

    public static PhotoGeoreference Georeference(CameraGeometry camera, ErrorModel? errors = null, double maxRangeM = 600) =>
        new(Site, SiteHeightM, camera, errors ?? NoErrors, maxRangeM);
}
