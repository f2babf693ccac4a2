using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
        var d = dest.Span;
        for (int y = 0; y < h; y++)
        {
            var row = MemoryMarshal.AsBytes(image.DangerousGetPixelRowMemory(tile.Y + y).Span.Slice(tile.X, w));
            SplitRow(row, d.Slice(y * size, w), d.Slice(plane + (y * size), w), d.Slice((2 * plane) + (y * size), w));
        }
    }

    private const float Scale = 1f / 255f;

    // pshufb masks that gather one channel of 16 RGB pixels (48 bytes in three registers): byte i of the result is
    // channel c of pixel i when it lies in register k; 0x80 gives 0 and the three shuffles are OR-ed.
    private static readonly Vector128<byte>[] Masks = BuildMasks();

    /// <summary>Splits one row of RGB24 pixels into three float rows scaled to 0–1 (SSSE3, 16 pixels at a time).</summary>
    internal static void SplitRow(ReadOnlySpan<byte> rgb, Span<float> r, Span<float> g, Span<float> b)
    {
        int w = r.Length;
        if (rgb.Length < 3 * w || g.Length < w || b.Length < w)
        {
            throw new ArgumentException("row lengths do not match");
        }

        int x = 0;
        if (Ssse3.IsSupported)
        {
            ref byte src = ref MemoryMarshal.GetReference(rgb);
            var scale = Vector128.Create(Scale);
            for (; x + 16 <= w; x += 16)
            {
                var v0 = Vector128.LoadUnsafe(ref src, (nuint)(3 * x));
                var v1 = Vector128.LoadUnsafe(ref src, (nuint)((3 * x) + 16));
                var v2 = Vector128.LoadUnsafe(ref src, (nuint)((3 * x) + 32));
                Widen(Gather(v0, v1, v2, 0), scale, ref MemoryMarshal.GetReference(r), x);
                Widen(Gather(v0, v1, v2, 1), scale, ref MemoryMarshal.GetReference(g), x);
                Widen(Gather(v0, v1, v2, 2), scale, ref MemoryMarshal.GetReference(b), x);
            }
        }

        for (; x < w; x++)
        {
            r[x] = rgb[3 * x] * Scale;
            g[x] = rgb[(3 * x) + 1] * Scale;
            b[x] = rgb[(3 * x) + 2] * Scale;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Gather(Vector128<byte> v0, Vector128<byte> v1, Vector128<byte> v2, int channel) =>
        Ssse3.Shuffle(v0, Masks[3 * channel]) | Ssse3.Shuffle(v1, Masks[(3 * channel) + 1]) | Ssse3.Shuffle(v2, Masks[(3 * channel) + 2]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(Vector128<byte> bytes, Vector128<float> scale, ref float destination, int x)
    {
        var (lo, hi) = Vector128.Widen(bytes);
        var (a, b) = Vector128.Widen(lo);
        var (c, d) = Vector128.Widen(hi);
        (Vector128.ConvertToSingle(a.AsInt32()) * scale).StoreUnsafe(ref destination, (nuint)x);
        (Vector128.ConvertToSingle(b.AsInt32()) * scale).StoreUnsafe(ref destination, (nuint)(x + 4));
        (Vector128.ConvertToSingle(c.AsInt32()) * scale).StoreUnsafe(ref destination, (nuint)(x + 8));
        (Vector128.ConvertToSingle(d.AsInt32()) * scale).StoreUnsafe(ref destination, (nuint)(x + 12));
    }

    private static Vector128<byte>[] BuildMasks()
    {
        var masks = new Vector128<byte>[9];
        Span<byte> mask = stackalloc byte[16];
        for (int channel = 0; channel < 3; channel++)
        {
            for (int register = 0; register < 3; register++)
            {
                for (int i = 0; i < 16; i++)
                {
                    int at = (3 * i) + channel - (16 * register);
                    mask[i] = at is >= 0 and < 16 ? (byte)at : (byte)0x80;
                }

                masks[(3 * channel) + register] = Vector128.Create<byte>(mask);
            }
        }

        return masks;
    }
}
