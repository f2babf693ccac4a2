using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Synth.Flight;

/// <summary>An item planted on the ground: where (metres east and north of the flight origin), what, and the
/// ground points of its silhouette (to label it in photos).</summary>
internal sealed record PlantedItem(string Id, ItemKind Kind, double EastM, double NorthM, double LengthCm, double WidthCm, double RadiusM, IReadOnlyList<(double EastM, double NorthM)> Silhouette);

/// <summary>
/// The ground of the flight as one north-up RGB image at a fine GSD: a crop of a real CC0 photo resampled to
/// the mosaic GSD, a fine multiplicative grain (so the upsampled ground is not smooth), and items drawn by
/// <see cref="SceneRenderer"/> at physical size under one sun. Pixel (i, j) spans [i, i+1) × [j, j+1) in
/// continuous coordinates; its centre is <c>(WestM + (i + 0.5)·g, NorthM − (j + 0.5)·g)</c> on the ground.
/// </summary>
internal sealed class GroundMosaic
{
    private readonly byte[] _rgb;

    private GroundMosaic(double westM, double northM, double gsdM, int width, int height, byte[] rgb)
    {
        (WestM, NorthM, GsdM, Width, Height, _rgb) = (westM, northM, gsdM, width, height, rgb);
    }

    public double WestM { get; }

    public double NorthM { get; }

    public double GsdM { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Cuts and resamples the ground for a rectangle of the local frame (metres).</summary>
    public static GroundMosaic Build(BackgroundPhoto background, double westM, double southM, double eastM, double northM, double gsdM, Random rng)
    {
        int width = (int)Math.Ceiling((eastM - westM) / gsdM), height = (int)Math.Ceiling((northM - southM) / gsdM);
        using var photo = PhotoDecoder.LoadOriented(background.Path);

        // A quarter turn swaps the crop's sides, so cut the crop with the sides it will have after turning.
        var rotate = (RotateMode)(rng.Next(4) * 90);
        bool quarter = rotate is RotateMode.Rotate90 or RotateMode.Rotate270;
        int cropW = (int)Math.Ceiling(width * gsdM / background.GsdM) + 2, cropH = (int)Math.Ceiling(height * gsdM / background.GsdM) + 2;
        if (quarter)
        {
            (cropW, cropH) = (cropH, cropW);
        }

        if (cropW > photo.Width || cropH > photo.Height)
        {
            throw new ArgumentException($"{background.Path}: the flight needs {cropW} × {cropH} px of ground at {background.GsdM * 100:0.##} cm/px but the photo has {photo.Width} × {photo.Height}; fly lower, take fewer photos or use a larger background", nameof(background));
        }

        int x0 = rng.Next(0, photo.Width - cropW + 1), y0 = rng.Next(0, photo.Height - cropH + 1);
        var flip = rng.Next(2) == 0 ? FlipMode.None : FlipMode.Horizontal;
        using var ground = photo.Clone(c => c.Crop(new Rectangle(x0, y0, cropW, cropH)).Rotate(rotate).Flip(flip).Resize(width, height, KnownResamplers.Bicubic));
        var rgb = new byte[width * height * 3];
        uint grainSeed = (uint)rng.Next();
        ground.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                int o = y * width * 3;
                for (int x = 0; x < row.Length; x++)
                {
                    // Soil grain of about 1 cm and 4 cm, fixed to the ground (so it is the same in every photo).
                    double gx = x * gsdM, gy = y * gsdM;
                    double k = 1 + (0.06 * ValueNoise(grainSeed, gx / 0.011, gy / 0.011)) + (0.04 * ValueNoise(grainSeed + 1, gx / 0.04, gy / 0.04));
                    rgb[o++] = ToByte(row[x].R * k);
                    rgb[o++] = ToByte(row[x].G * k);
                    rgb[o++] = ToByte(row[x].B * k);
                }
            }
        });
        return new GroundMosaic(westM, northM, gsdM, width, height, rgb);
    }

    /// <summary>Continuous mosaic position of a ground point.</summary>
    public (double X, double Y) ToPixel(double eastM, double northM) => ((eastM - WestM) / GsdM, (NorthM - northM) / GsdM);

    /// <summary>Bilinear sample at a continuous position (clamped at the border), RGB 0–255.</summary>
    public (float R, float G, float B) Sample(double x, double y)
    {
        double fx = Math.Clamp(x - 0.5, 0, Width - 1.001), fy = Math.Clamp(y - 0.5, 0, Height - 1.001);
        int ix = (int)fx, iy = (int)fy;
        float tx = (float)(fx - ix), ty = (float)(fy - iy);
        int o00 = ((iy * Width) + ix) * 3, o01 = o00 + 3, o10 = o00 + (Width * 3), o11 = o10 + 3;
        float w00 = (1 - tx) * (1 - ty), w01 = tx * (1 - ty), w10 = (1 - tx) * ty, w11 = tx * ty;
        return (
            (_rgb[o00] * w00) + (_rgb[o01] * w01) + (_rgb[o10] * w10) + (_rgb[o11] * w11),
            (_rgb[o00 + 1] * w00) + (_rgb[o01 + 1] * w01) + (_rgb[o10 + 1] * w10) + (_rgb[o11 + 1] * w11),
            (_rgb[o00 + 2] * w00) + (_rgb[o01 + 2] * w01) + (_rgb[o10 + 2] * w10) + (_rgb[o11 + 2] * w11));
    }

    /// <summary>
    /// Draws an item centred on a ground point, turned by <paramref name="angleRad"/> (image frame of the mosaic,
    /// x east, y south), with its shadow. Returns null when the renderer drew nothing visible.
    /// </summary>
    public PlantedItem? Plant(string id, ItemKind kind, Shape shape, double eastM, double northM, double angleRad, Sun sun, Random rng)
    {
        // Room for the silhouette and a shadow cast by up to 25 cm of height.
        double radiusPx = shape.RadiusM / GsdM;
        double half = radiusPx + (0.25 * sun.ShadowPerMetre / GsdM) + 4;
        var (x, y) = ToPixel(eastM, northM);
        int ox = (int)Math.Floor(x - half), oy = (int)Math.Floor(y - half), n = (int)Math.Ceiling(2 * half) + 1;
        if (ox < 0 || oy < 0 || ox + n > Width || oy + n > Height)
        {
            throw new ArgumentOutOfRangeException(nameof(eastM), $"item {id} at {eastM:0.00} E, {northM:0.00} N does not fit in the mosaic");
        }

        var canvas = new Canvas(n, n);
        for (int j = 0; j < n; j++)
        {
            Array.Copy(_rgb, (((oy + j) * Width) + ox) * 3, canvas.Data, j * n * 3, n * 3);
        }

        for (int i = 0; i < canvas.Data.Length; i++)
        {
            canvas.Data[i] /= 255f;
        }

        var drawn = SceneRenderer.DrawObject(canvas, kind, shape, x - ox, y - oy, angleRad, GsdM, sun, rng, buryFraction: 0);
        if (drawn is null)
        {
            return null;
        }

        for (int j = 0; j < n; j++)
        {
            int o = (((oy + j) * Width) + ox) * 3;
            for (int i = 0; i < n * 3; i++)
            {
                _rgb[o + i] = ToByte(canvas.Data[(j * n * 3) + i] * 255);
            }
        }

        // The silhouette as the renderer sees it: the shape's height field turned as DrawObject turns it.
        double cos = Math.Cos(angleRad), sin = Math.Sin(angleRad);
        var silhouette = new List<(double, double)>();
        double stepPx = Math.Max(0.5, radiusPx / 60);
        for (double v = -radiusPx; v <= radiusPx; v += stepPx)
        {
            for (double u = -radiusPx; u <= radiusPx; u += stepPx)
            {
                double dx = u * GsdM, dy = v * GsdM;
                if (shape.Height((dx * cos) + (dy * sin), (-dx * sin) + (dy * cos)) is not null)
                {
                    silhouette.Add((eastM + dx, northM - dy));
                }
            }
        }

        var (length, width) = shape.Extent;
        return new PlantedItem(id, kind, eastM, northM, length * 100, width * 100, shape.RadiusM, silhouette);
    }

    private static byte ToByte(double v) => (byte)Math.Clamp((int)Math.Round(v), 0, 255);

    /// <summary>Smooth value noise in −1…1 on a unit lattice, hashed from the seed (no state, same everywhere).</summary>
    internal static double ValueNoise(uint seed, double x, double y)
    {
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y);
        double tx = x - ix, ty = y - iy;
        tx = tx * tx * (3 - (2 * tx));
        ty = ty * ty * (3 - (2 * ty));
        double a = Lattice(seed, ix, iy), b = Lattice(seed, ix + 1, iy), c = Lattice(seed, ix, iy + 1), d = Lattice(seed, ix + 1, iy + 1);
        return (a * (1 - tx) * (1 - ty)) + (b * tx * (1 - ty)) + (c * (1 - tx) * ty) + (d * tx * ty);
    }

    /// <summary>A uniform value in −1…1 for a lattice point (a 32-bit integer hash).</summary>
    internal static double Lattice(uint seed, int x, int y) => (Hash(seed, x, y) / (double)uint.MaxValue * 2) - 1;

    internal static uint Hash(uint seed, int x, int y)
    {
        uint h = seed ^ ((uint)x * 0x9E3779B1u) ^ ((uint)y * 0x85EBCA77u);
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        h *= 0x297A2D39u;
        h ^= h >> 15;
        return h;
    }
}
