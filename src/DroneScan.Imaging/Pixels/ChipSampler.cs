using DroneScan.Core.Detection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Imaging.Pixels;

/// <summary>Cuts the chips a verifier looks at out of an image (the geometry is <see cref="ChipWindow"/>'s).</summary>
public static class ChipSampler
{
    private const float Scale = 1f / 255f;

    /// <summary>
    /// Writes the chip of <paramref name="window"/>, <paramref name="size"/> × <paramref name="size"/> samples, to
    /// <paramref name="destination"/> as three planes R, G, B in 0–1, row-major (the NCHW layout of one batch item).
    /// Each sample is bilinear between the four pixel centres around it, its coordinates first clamped to
    /// [0, W−1] × [0, H−1], so the image's border pixels extend outwards (torch <c>grid_sample</c> with
    /// <c>padding_mode='border'</c>, <c>align_corners=False</c>). Allocates nothing for chips up to 1024 samples wide.
    /// </summary>
    public static void Sample(Image<Rgb24> image, ChipWindow window, int size, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        int plane = size * size;
        if (destination.Length < 3 * plane)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, a chip needs {3 * plane}", nameof(destination));
        }

        int width = image.Width, height = image.Height;

        // Per column: the two source columns and the weight of the right one; the same for every row.
        Span<int> left = size <= 1024 ? stackalloc int[size] : new int[size];
        Span<int> right = size <= 1024 ? stackalloc int[size] : new int[size];
        Span<float> fx = size <= 1024 ? stackalloc float[size] : new float[size];
        for (int i = 0; i < size; i++)
        {
            (left[i], right[i], fx[i]) = Neighbours(window.SampleX(i, size), width);
        }

        var r = destination[..plane];
        var g = destination.Slice(plane, plane);
        var b = destination.Slice(2 * plane, plane);
        for (int j = 0; j < size; j++)
        {
            var (top, bottom, fy) = Neighbours(window.SampleY(j, size), height);
            var upper = image.DangerousGetPixelRowMemory(top).Span;
            var lower = image.DangerousGetPixelRowMemory(bottom).Span;
            int row = j * size;
            for (int i = 0; i < size; i++)
            {
                Rgb24 a = upper[left[i]], c = upper[right[i]], d = lower[left[i]], e = lower[right[i]];
                float wx = fx[i];
                r[row + i] = Lerp(Lerp(a.R, c.R, wx), Lerp(d.R, e.R, wx), fy) * Scale;
                g[row + i] = Lerp(Lerp(a.G, c.G, wx), Lerp(d.G, e.G, wx), fy) * Scale;
                b[row + i] = Lerp(Lerp(a.B, c.B, wx), Lerp(d.B, e.B, wx), fy) * Scale;
            }
        }
    }

    /// <summary>The pixel centres either side of coordinate <paramref name="at"/> (clamped to [0, n−1]) and the
    /// weight of the second one.</summary>
    private static (int Low, int High, float Weight) Neighbours(double at, int n)
    {
        double clamped = Math.Clamp(at, 0, n - 1);
        int low = (int)Math.Floor(clamped);
        return (low, Math.Min(low + 1, n - 1), (float)(clamped - low));
    }

    private static float Lerp(float a, float b, float t) => a + ((b - a) * t);
}
