using DroneScan.Core.Detection;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Imaging.Tests;

public sealed class TensorFillTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(37)]
    [InlineData(640)]
    public void SplitRow_GivesEachChannelScaledTo01_ForEveryRowLength(int width)
    {
        var rng = new Random(width);
        var rgb = new byte[3 * width];
        rng.NextBytes(rgb);
        float[] r = new float[width], g = new float[width], b = new float[width];

        TensorFill.SplitRow(rgb, r, g, b);

        for (int x = 0; x < width; x++)
        {
            Assert.Equal(rgb[3 * x] / 255f, r[x], 1e-6f);
            Assert.Equal(rgb[(3 * x) + 1] / 255f, g[x], 1e-6f);
            Assert.Equal(rgb[(3 * x) + 2] / 255f, b[x], 1e-6f);
        }
    }

    [Fact]
    public void Fill_WritesThreePlanes_AndPadsWhatLiesOutsideTheImage()
    {
        // A 40 × 30 image whose pixel (x, y) is (x, y, 255 − x): tile at (20, 10), 32 px, reaches past both edges.
        using var image = new Image<Rgb24>(40, 30);
        image.ProcessPixelRows(a =>
        {
            for (int y = 0; y < a.Height; y++)
            {
                var row = a.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24((byte)x, (byte)y, (byte)(255 - x));
                }
            }
        });
        const int Size = 32;
        var tensor = new float[3 * Size * Size];

        TensorFill.Fill(image, new Tile(0, 20, 10, Size, Size), Size, tensor);

        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                bool inside = 20 + x < 40 && 10 + y < 30;
                float[] expected = inside ? [(20 + x) / 255f, (10 + y) / 255f, (255 - 20 - x) / 255f] : [TensorFill.PadValue, TensorFill.PadValue, TensorFill.PadValue];
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(expected[c], tensor[(c * Size * Size) + (y * Size) + x], 1e-6f);
                }
            }
        }
    }
}
