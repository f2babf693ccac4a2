using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Synth;

/// <summary>One finished synthetic image and what is in it.</summary>
internal sealed record ComposedScene(Image<Rgb24> Image, IReadOnlyList<SceneObject> Objects, double GsdM, int JpegQuality);

/// <summary>
/// Composes one synthetic image: a crop of a real photo resampled to the target GSD, ground clutter (tyre marks,
/// shadows), hard negatives and targets at physical size under one sun, grass over everything, then the camera:
/// exposure and colour shifts, defocus or motion blur, vignetting, sensor noise; the JPEG quality is chosen here
/// and applied when the image is written.
/// </summary>
internal static class SceneComposer
{
    public static ComposedScene Compose(Image<Rgb24> background, double backgroundGsdM, SynthOptions o, Random rng)
    {
        int size = o.Size;
        double gsd = Math.Exp(Math.Log(o.MinGsdM) + (rng.NextDouble() * (Math.Log(o.MaxGsdM) - Math.Log(o.MinGsdM))));
        double cropPx = size * gsd / backgroundGsdM;
        double maxCrop = Math.Min(background.Width, background.Height);
        if (cropPx > maxCrop)
        {
            (cropPx, gsd) = (maxCrop, maxCrop * backgroundGsdM / size);
        }

        int crop = Math.Max(8, (int)Math.Round(cropPx));
        int cx = rng.Next(0, background.Width - crop + 1), cy = rng.Next(0, background.Height - crop + 1);
        var rotate = (RotateMode)(rng.Next(4) * 90);
        var flip = rng.Next(2) == 0 ? FlipMode.None : FlipMode.Horizontal;
        using var ground = background.Clone(x => x.Crop(new Rectangle(cx, cy, crop, crop)).Resize(size, size, KnownResamplers.Bicubic).Rotate(rotate).Flip(flip));
        var canvas = Canvas.From(ground);

        double upsample = backgroundGsdM / gsd;
        if (upsample > 1.5)
        {
            AddSoilTexture(canvas, rng, Math.Min(0.05, 0.012 * upsample));
        }

        var sun = new Sun(rng.NextDouble() * 2 * Math.PI, (20 + (rng.NextDouble() * 50)) * Math.PI / 180);
        if (rng.NextDouble() < 0.15)
        {
            AddTyreMarks(canvas, rng, gsd);
        }

        var placed = new List<(double X, double Y, double R)>();
        var objects = new List<SceneObject>();
        int negatives = rng.Next(o.MaxNegatives + 1);
        int targets = rng.NextDouble() < o.EmptyFraction ? 0 : 1 + rng.Next(o.MaxTargets);
        var queue = Enumerable.Repeat(true, targets).Concat(Enumerable.Repeat(false, negatives)).OrderBy(_ => rng.Next()).ToList();
        foreach (bool isTarget in queue)
        {
            var kinds = isTarget ? Catalogue.Targets : Catalogue.Negatives;
            var kind = kinds[rng.Next(kinds.Length)];
            var shape = kind.Build(rng);
            double r = shape.RadiusM / gsd;
            if (2 * r + 4 > size)
            {
                continue;
            }

            if (!TryPlace(placed, r, size, rng, out double px, out double py))
            {
                continue;
            }

            double bury = isTarget && kind.CanBeBuried && rng.NextDouble() < 0.3 ? 0.1 + (rng.NextDouble() * 0.35) : 0;
            var drawn = SceneRenderer.DrawObject(canvas, kind, shape, px, py, rng.NextDouble() * 2 * Math.PI, gsd, sun, rng, bury);
            if (drawn is not null && drawn.ClassName is not null)
            {
                objects.Add(drawn);
            }
        }

        if (rng.NextDouble() < 0.25)
        {
            AddCloudShadow(canvas, rng);
        }

        AddGrass(canvas, rng, gsd);
        ApplyCamera(canvas, rng);
        return new ComposedScene(canvas.ToImage(), objects, gsd, 60 + rng.Next(36));
    }

    private static bool TryPlace(List<(double X, double Y, double R)> placed, double r, int size, Random rng, out double x, out double y)
    {
        for (int attempt = 0; attempt < 40; attempt++)
        {
            x = r + 2 + (rng.NextDouble() * (size - (2 * r) - 4));
            y = r + 2 + (rng.NextDouble() * (size - (2 * r) - 4));
            double cx = x, cy = y;
            if (placed.All(p => Math.Sqrt(((p.X - cx) * (p.X - cx)) + ((p.Y - cy) * (p.Y - cy))) > (p.R + r) * 1.1))
            {
                placed.Add((x, y, r));
                return true;
            }
        }

        (x, y) = (0, 0);
        return false;
    }

    /// <summary>Fine multiplicative grain, so ground resampled up from a coarser photo is not smooth.</summary>
    private static void AddSoilTexture(Canvas c, Random rng, double amplitude)
    {
        int cell = 2 + rng.Next(3);
        int gw = (c.Width / cell) + 2, gh = (c.Height / cell) + 2;
        var grid = new double[gw * gh];
        for (int i = 0; i < grid.Length; i++)
        {
            grid[i] = (rng.NextDouble() * 2) - 1;
        }

        for (int y = 0; y < c.Height; y++)
        {
            for (int x = 0; x < c.Width; x++)
            {
                double fx = (double)x / cell, fy = (double)y / cell;
                int ix = (int)fx, iy = (int)fy;
                double tx = fx - ix, ty = fy - iy;
                double v = (grid[(iy * gw) + ix] * (1 - tx) * (1 - ty)) + (grid[(iy * gw) + ix + 1] * tx * (1 - ty))
                    + (grid[((iy + 1) * gw) + ix] * (1 - tx) * ty) + (grid[((iy + 1) * gw) + ix + 1] * tx * ty);
                c.Darken(x, y, 1 + (amplitude * v));
            }
        }
    }

    private static void AddTyreMarks(Canvas c, Random rng, double gsd)
    {
        double angle = rng.NextDouble() * Math.PI;
        double nx = -Math.Sin(angle), ny = Math.Cos(angle);
        double offset = (rng.NextDouble() - 0.5) * c.Width;
        double width = (0.15 + (rng.NextDouble() * 0.1)) / gsd, gauge = 1.5 / gsd;
        double factor = 0.8 + (rng.NextDouble() * 0.15);
        for (int y = 0; y < c.Height; y++)
        {
            for (int x = 0; x < c.Width; x++)
            {
                double d = ((x - (c.Width / 2.0)) * nx) + ((y - (c.Height / 2.0)) * ny) - offset;
                if (Math.Abs(d) < width / 2 || Math.Abs(d - gauge) < width / 2)
                {
                    c.Darken(x, y, factor);
                }
            }
        }
    }

    private static void AddCloudShadow(Canvas c, Random rng)
    {
        double cx = rng.NextDouble() * c.Width, cy = rng.NextDouble() * c.Height, r = c.Width * (0.2 + (rng.NextDouble() * 0.5));
        double strength = 0.15 + (rng.NextDouble() * 0.2);
        for (int y = 0; y < c.Height; y++)
        {
            for (int x = 0; x < c.Width; x++)
            {
                double d = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy))) / r;
                if (d < 1)
                {
                    c.Darken(x, y, 1 - (strength * (1 - (d * d))));
                }
            }
        }
    }

    /// <summary>Grass blades 3–15 cm long, drawn last so they cross objects as real vegetation does.</summary>
    private static void AddGrass(Canvas c, Random rng, double gsd)
    {
        double density = rng.NextDouble() < 0.3 ? 0 : rng.NextDouble() * rng.NextDouble();
        int blades = (int)(density * 600);
        for (int i = 0; i < blades; i++)
        {
            double x = rng.NextDouble() * c.Width, y = rng.NextDouble() * c.Height;
            double angle = rng.NextDouble() * Math.PI * 2, length = (0.03 + (rng.NextDouble() * 0.12)) / gsd;
            var colour = new Rgb(0.25 + (rng.NextDouble() * 0.35), 0.35 + (rng.NextDouble() * 0.3), 0.1 + (rng.NextDouble() * 0.15));
            double widthPx = Math.Max(0.6, 0.004 / gsd);
            for (double t = 0; t < length; t += 0.5)
            {
                double bend = 0.15 * t * t / Math.Max(1, length);
                int px = (int)(x + (Math.Cos(angle) * t) - (Math.Sin(angle) * bend));
                int py = (int)(y + (Math.Sin(angle) * t) + (Math.Cos(angle) * bend));
                for (int w = 0; w < Math.Max(1, (int)Math.Round(widthPx)); w++)
                {
                    c.Blend(px + w, py, colour, 0.75);
                }
            }
        }
    }

    private static void ApplyCamera(Canvas c, Random rng)
    {
        double exposure = 0.8 + (rng.NextDouble() * 0.4), contrast = 0.85 + (rng.NextDouble() * 0.3), saturation = 0.8 + (rng.NextDouble() * 0.4);
        double gr = 0.95 + (rng.NextDouble() * 0.1), gg = 0.95 + (rng.NextDouble() * 0.1), gb = 0.95 + (rng.NextDouble() * 0.1);
        double vignette = rng.NextDouble() * 0.25, noise = 0.003 + (rng.NextDouble() * 0.017);
        double half = c.Width / 2.0, rmax2 = 2 * half * half;
        for (int y = 0; y < c.Height; y++)
        {
            for (int x = 0; x < c.Width; x++)
            {
                int o = ((y * c.Width) + x) * 3;
                double r = c.Data[o] * gr, g = c.Data[o + 1] * gg, b = c.Data[o + 2] * gb;
                double l = (0.299 * r) + (0.587 * g) + (0.114 * b);
                (r, g, b) = (l + ((r - l) * saturation), l + ((g - l) * saturation), l + ((b - l) * saturation));
                double v = (1 - (vignette * ((((x - half) * (x - half)) + ((y - half) * (y - half))) / rmax2))) * exposure;
                c.Data[o] = (float)((((r * v) - 0.5) * contrast) + 0.5 + (Gaussian(rng) * noise));
                c.Data[o + 1] = (float)((((g * v) - 0.5) * contrast) + 0.5 + (Gaussian(rng) * noise));
                c.Data[o + 2] = (float)((((b * v) - 0.5) * contrast) + 0.5 + (Gaussian(rng) * noise));
            }
        }

        double blur = rng.NextDouble();
        if (blur < 0.5)
        {
            c.GaussianBlur(rng.NextDouble() * 1.1);
        }
        else if (blur < 0.65)
        {
            c.MotionBlur(2 + (rng.NextDouble() * 2.5), rng.NextDouble() * Math.PI);
        }
    }

    // Sensor noise draws three normals per pixel; a fixed table of them, indexed at random, is as good and cheap.
    private static readonly double[] Normals = BuildNormals();

    private static double Gaussian(Random rng) => Normals[rng.Next(Normals.Length)];

    private static double[] BuildNormals()
    {
        var rng = new Random(12345);
        var table = new double[65536];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        }

        return table;
    }
}
