using DroneScan.Core.Detection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Imaging.Pixels;

/// <summary>Copies image tiles into a model's input tensor.</summary>
public static class TensorFill
{
    /// <summary>Ultralytics' letterbox grey (114/255), used where a tile reaches past the image.</summary>
    public const float PadValue = 114f / 255f;

    /// <summary>
    /// Writes the <paramref name="tile"/> of <paramref name="image"/> into <paramref name="destination"/> as three
    /// planes (R, G, B) of size × size floats in 0–1, row-major (the NCHW layout of one batch item). Pixels of the
    /// tile that fall outside the image are padded. Reads rows straight from the image into the caller's (pooled) buffer.
    /// </summary>
    public static void Fill(Image<Rgb24> image, Tile tile, int size, Memory<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        int plane = size * size;
        if (destination.Length < 3 * plane)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, a tile needs {3 * plane}", nameof(destination));
        }

        var dest = destination[..(3 * plane)];
        int w = Math.Min(Math.Min(tile.Width, size), image.Width - tile.X);
        int h = Math.Min(Math.Min(tile.Height, size), image.Height - tile.Y);
        if (w < size || h < size)
        {
            dest.Span.Fill(PadValue);
        }

        // Rows straight from the image's (pooled) pixel memory: no accessor delegate, so nothing is allocated per tile.
        const float Scale = 1f / 255f;
        var d = dest.Span;
        for (int y = 0; y < h; y++)
        {
            var row = image.DangerousGetPixelRowMemory(tile.Y + y).Span.Slice(tile.X, w);
            var r = d.Slice(y * size, w);
            var g = d.Slice(plane + (y * size), w);
            var b = d.Slice((2 * plane) + (y * size), w);
            for (int x = 0; x < row.Length; x++)
            {
                var p = row[x];
                r[x] = p.R * Scale;
                g[x] = p.G * Scale;
                b[x] = p.B * Scale;
            }
        }
    }
}
