namespace DroneScan.Core.Camera;

/// <summary>
/// Pinhole intrinsics in the raw sensor frame (before EXIF orientation): focal length and principal point in
/// pixels. Lens distortion is not modelled (DJI DewarpData is read but not applied): at the image centre it is
/// nil, towards the corners of a mapping camera it is typically a few pixels.
/// </summary>
public sealed record CameraIntrinsics(int WidthPx, int HeightPx, double FocalLengthPx, double PrincipalPointU, double PrincipalPointV)
{
    /// <summary>Intrinsics with the principal point at the geometric image centre.</summary>
    public static CameraIntrinsics Centred(int widthPx, int heightPx, double focalLengthPx) =>
        new(widthPx, heightPx, focalLengthPx, widthPx / 2.0, heightPx / 2.0);

    /// <summary>Focal length in pixels from millimetres and the sensor width: f_px = f_mm × W / sensor_mm.</summary>
    public static double FocalPxFromSensor(double focalLengthMm, double sensorWidthMm, int widthPx) =>
        focalLengthMm * widthPx / sensorWidthMm;

    /// <summary>Focal length in pixels from the 35 mm-equivalent focal length, which EXIF defines on the
    /// diagonal (43.27 mm for full frame): f_px = f35 × √(W² + H²) / 43.27. The width-based f35 × W / 36 is
    /// only right for 3:2 sensors.</summary>
    public static double FocalPxFrom35mm(double focalLength35mm, int widthPx, int heightPx) =>
        focalLength35mm * Math.Sqrt(((double)widthPx * widthPx) + ((double)heightPx * heightPx)) / FullFrameDiagonalMm;

    /// <summary>Diagonal of a 36 × 24 mm frame.</summary>
    public const double FullFrameDiagonalMm = 43.266615305567875;
}

/// <summary>
/// Camera attitude in the world frame, DJI gimbal conventions: yaw clockwise from true north (−180…180),
/// pitch 0 at the horizon and −90 straight down (nadir), roll positive with the right side of the image down.
/// Applied in the order yaw, then pitch, then roll (Z-Y-X, intrinsic), as DJI gimbals report them.
/// </summary>
public readonly record struct CameraAttitude(double YawDeg, double PitchDeg, double RollDeg)
{
    /// <summary>Straight down, image top towards north.</summary>
    public static CameraAttitude Nadir => new(0, -90, 0);
}
