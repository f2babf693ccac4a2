using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Synth;

/// <summary>A float RGB image (0–1, row-major, interleaved) that scenes are composed on.</summary>
internal sealed class Canvas
{
    public Canvas(int width, int height)
    {
        Width = width;
        Height = height;
        Data = new float[width * height * 3];
    }

    public int Width { get; }

    public int Height { get; }

    public float[] Data { get; }

    public static Canvas From(Image<Rgb24> image)
    {
        var canvas = new Canvas(image.Width, image.Height);
        image.ProcessPixelRows(a =>
        {
            for (int y = 0; y < a.Height; y++)
            {
                var row = a.GetRowSpan(y);
                int o = y * canvas.Width * 3;
                for (int x = 0; x < row.Length; x++)
                {
                    canvas.Data[o++] = row[x].R / 255f;
                    canvas.Data[o++] = row[x].G / 255f;
                    canvas.Data[o++] = row[x].B / 255f;
                }
            }
        });
        return canvas;
    }

    public Image<Rgb24> ToImage()
    {
        var image = new Image<Rgb24>(Width, Height);
        image.ProcessPixelRows(a =>
        {
            for (int y = 0; y < a.Height; y++)
            {
                var row = a.GetRowSpan(y);
                int o = y * Width * 3;
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24(ToByte(Data[o]), ToByte(Data[o + 1]), ToByte(Data[o + 2]));
                    o += 3;
                }
            }
        });
        return image;
    }

    public Rgb Get(int x, int y)
    {
        int o = ((y * Width) + x) * 3;
        return new Rgb(Data[o], Data[o + 1], Data[o + 2]);
    }

    /// <summary>Blends a colour over a pixel with the given opacity.</summary>
    public void Blend(int x, int y, Rgb c, double alpha)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || alpha <= 0)
        {
            return;
        }

        int o = ((y * Width) + x) * 3;
        float a = (float)Math.Min(1, alpha);
        Data[o] += (float)(c.R - Data[o]) * a;
        Data[o + 1] += (float)(c.G - Data[o + 1]) * a;
        Data[o + 2] += (float)(c.B - Data[o + 2]) * a;
    }

    /// <summary>Multiplies a pixel by a factor (shadows).</summary>
    public void Darken(int x, int y, double factor)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }

        int o = ((y * Width) + x) * 3;
        Data[o] *= (float)factor;
        Data[o + 1] *= (float)factor;
        Data[o + 2] *= (float)factor;
    }

    /// <summary>Mean colour of a square window, clamped to the image.</summary>
    public Rgb Mean(int cx, int cy, int radius)
    {
        double r = 0, g = 0, b = 0;
        int n = 0;
        for (int y = Math.Max(0, cy - radius); y <= Math.Min(Height - 1, cy + radius); y++)
        {
            for (int x = Math.Max(0, cx - radius); x <= Math.Min(Width - 1, cx + radius); x++)
            {
                var c = Get(x, y);
                (r, g, b, n) = (r + c.R, g + c.G, b + c.B, n + 1);
            }
        }

        return n == 0 ? new Rgb(0.4, 0.35, 0.3) : new Rgb(r / n, g / n, b / n);
    }

    /// <summary>Separable Gaussian blur (defocus).</summary>
    public void GaussianBlur(double sigma)
    {
        if (sigma < 0.2)
        {
            return;
        }

        int radius = (int)Math.Ceiling(sigma * 3);
        var kernel = new float[(2 * radius) + 1];
        for (int i = -radius; i <= radius; i++)
        {
            kernel[i + radius] = (float)Math.Exp(-(i * i) / (2 * sigma * sigma));
        }

        float sum = kernel.Sum();
        for (int i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= sum;
        }

        Convolve(kernel, 1, 0);
        Convolve(kernel, 0, 1);
    }

    /// <summary>Motion blur along a direction, as a box of the given length in pixels.</summary>
    public void MotionBlur(double lengthPx, double angle)
    {
        int n = (int)Math.Round(lengthPx);
        if (n < 2)
        {
            return;
        }

        var copy = (float[])Data.Clone();
        double dx = Math.Cos(angle), dy = Math.Sin(angle);
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                float r = 0, g = 0, b = 0;
                for (int k = 0; k < n; k++)
                {
                    int sx = Math.Clamp(x + (int)Math.Round((k - (n / 2.0)) * dx), 0, Width - 1);
                    int sy = Math.Clamp(y + (int)Math.Round((k - (n / 2.0)) * dy), 0, Height - 1);
                    int s = ((sy * Width) + sx) * 3;
                    (r, g, b) = (r + copy[s], g + copy[s + 1], b + copy[s + 2]);
                }

                int o = ((y * Width) + x) * 3;
                (Data[o], Data[o + 1], Data[o + 2]) = (r / n, g / n, b / n);
            }
        }
    }

    private void Convolve(float[] kernel, int stepX, int stepY)
    {
        int radius = kernel.Length / 2;
        var copy = (float[])Data.Clone();
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                float r = 0, g = 0, b = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    int sx = Math.Clamp(x + (k * stepX), 0, Width - 1);
                    int sy = Math.Clamp(y + (k * stepY), 0, Height - 1);
                    int s = ((sy * Width) + sx) * 3;
                    float w = kernel[k + radius];
                    (r, g, b) = (r + (copy[s] * w), g + (copy[s + 1] * w), b + (copy[s + 2] * w));
                }

                int o = ((y * Width) + x) * 3;
                (Data[o], Data[o + 1], Data[o + 2]) = (r, g, b);
            }
        }
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)Math.Round(v * 255), 0, 255);
}
