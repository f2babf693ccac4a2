namespace DroneScan.Core.Camera;

/// <summary>A continuous pixel position. (0, 0) is the top-left corner of the top-left pixel, so the centre
/// of pixel (i, j) is (i + 0.5, j + 0.5) and an image of width W spans 0…W.</summary>
public readonly record struct PixelPoint(double U, double V);

/// <summary>
/// EXIF Orientation (tag 0x0112, values 1–8): how the stored (raw sensor) pixels must be turned to be shown
/// upright. DroneScan detects on, and reports every pixel in, the <em>oriented</em> frame; the camera model
/// lives in the raw frame. These two maps are the only place the two frames meet.
/// </summary>
public static class ExifOrientation
{
    /// <summary>Size of the oriented image: width and height swap for orientations 5–8.</summary>
    public static (int Width, int Height) OrientedSize(int orientation, int rawWidth, int rawHeight) =>
        SwapsAxes(orientation) ? (rawHeight, rawWidth) : (rawWidth, rawHeight);

    /// <summary>True for the orientations (5–8) that transpose the image.</summary>
    public static bool SwapsAxes(int orientation) => orientation is >= 5 and <= 8;

    /// <summary>Raw (stored) pixel position → oriented (displayed) position.</summary>
    public static PixelPoint RawToOriented(PixelPoint raw, int orientation, int rawWidth, int rawHeight)
    {
        double x = raw.U, y = raw.V, w = rawWidth, h = rawHeight;
        return orientation switch
        {
            2 => new(w - x, y),          // mirrored horizontally
            3 => new(w - x, h - y),      // rotated 180°
            4 => new(x, h - y),          // mirrored vertically
            5 => new(y, x),              // transposed
            6 => new(h - y, x),          // rotate 90° clockwise to display
            7 => new(h - y, w - x),      // transverse
            8 => new(y, w - x),          // rotate 90° counter-clockwise to display
            _ => raw,                    // 1 or unknown: as stored
        };
    }

    /// <summary>Oriented (displayed) pixel position → raw (stored) position; the inverse of
    /// <see cref="RawToOriented"/>.</summary>
    public static PixelPoint OrientedToRaw(PixelPoint oriented, int orientation, int rawWidth, int rawHeight)
    {
        double x = oriented.U, y = oriented.V, w = rawWidth, h = rawHeight;
        return orientation switch
        {
            2 => new(w - x, y),
            3 => new(w - x, h - y),
            4 => new(x, h - y),
            5 => new(y, x),
            6 => new(y, h - x),
            7 => new(w - y, h - x),
            8 => new(w - y, x),
            _ => oriented,
        };
    }
}
