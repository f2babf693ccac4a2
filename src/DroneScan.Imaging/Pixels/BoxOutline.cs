using DroneScan.Core.Detection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Imaging.Pixels;

/// <summary>Rectangle outlines drawn straight into the pixels (ImageSharp.Drawing is not a dependency).</summary>
public static class BoxOutline
{
    /// <summary>
    /// Draws a frame <paramref name="thickness"/> pixels wide just outside <paramref name="box"/>, clipped to the
    /// image. Outside, so that a 15-px mine stays visible inside its frame. The box's continuous edges are
    /// rounded outwards to whole pixels.
    /// </summary>
    public static void Draw(Image<Rgb24> image, PixelBox box, Rgb24 colour, int thickness)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(thickness, 1);
        if (!(box.Width >= 0 && box.Height >= 0))
        {
            return;
        }

        // Inner edges of the frame (the box, exclusive right/bottom) and its outer edges, in whole pixels.
        int ix1 = (int)Math.Floor(box.X1), iy1 = (int)Math.Floor(box.Y1), ix2 = (int)Math.Ceiling(box.X2), iy2 = (int)Math.Ceiling(box.Y2);
        int x1 = Math.Max(0, ix1 - thickness), y1 = Math.Max(0, iy1 - thickness);
        int x2 = Math.Min(image.Width, ix2 + thickness), y2 = Math.Min(image.Height, iy2 + thickness);
        if (x1 >= x2 || y1 >= y2)
        {
            return;
        }

        image.ProcessPixelRows(rows =>
        {
            for (int y = y1; y < y2; y++)
            {
                var row = rows.GetRowSpan(y)[x1..x2];
                if (y < iy1 || y >= iy2)
                {
                    row.Fill(colour);
                    continue;
                }

                row[..Math.Clamp(ix1 - x1, 0, row.Length)].Fill(colour);
                row[Math.Clamp(ix2 - x1, 0, row.Length)..].Fill(colour);
            }
        });
    }
}
