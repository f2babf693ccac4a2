using DroneScan.Core.Detection;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Imaging.Tests;

public sealed class ChipSamplerTests
{
    // A 4 × 4 image: red from this table (row y, column x), green 255 − red, blue 7 everywhere.
    private static readonly byte[,] Red =
    {
        { 0, 40, 80, 120 },
        { 200, 100, 50, 0 },
        { 10, 20, 30, 40 },
        { 255, 255, 0, 0 },
    };

    private static Image<Rgb24> FourByFour()
    {
        var image = new Image<Rgb24>(4, 4);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                image[x, y] = new Rgb24(Red[y, x], (byte)(255 - Red[y, x]), 7);
            }
        }

        return image;
    }

    /// <summary>The 2 × 2 chip of <paramref name="box"/>; asserts the red plane (row-major) and that green and blue follow.</summary>
    private static void AssertChip(PixelBox box, double context, double minSidePx, params double[] expectedRed)
    {
        using var image = FourByFour();
        var chip = new float[3 * 4];

        ChipSampler.Sample(image, ChipWindow.Around(box, context, minSidePx), 2, chip);

        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(expectedRed[k] / 255, chip[k], 1e-6);
            Assert.Equal((255 - expectedRed[k]) / 255, chip[4 + k], 1e-6);
            Assert.Equal(7 / 255.0, chip[8 + k], 1e-6);
        }
    }

    [Fact]
    public void Sample_AtPixelCorners_AveragesTheFourPixelsAround()
    {
        // Box (1, 1)–(3, 3): centre (2, 2), side 2, context 2 → L = 4; S = 2 samples x, y at 0.5 and 2.5.
        // (0.5, 0.5): (0 + 40 + 200 + 100) / 4 = 85; (2.5, 0.5): (80 + 120 + 50 + 0) / 4 = 62.5;
        // (0.5, 2.5): (10 + 20 + 255 + 255) / 4 = 135; (2.5, 2.5): (30 + 40 + 0 + 0) / 4 = 17.5.
        AssertChip(new PixelBox(1, 1, 3, 3), context: 2, minSidePx: 1, 85, 62.5, 135, 17.5);
    }

    [Fact]
    public void Sample_WithTheMinimumSide_WeighsByDistance()
    {
        // Box (1, 1)–(2, 2): centre 1.5, 2 × 1 = 2 < m = 3 → L = 3; x, y = 1.5 − 1.5 + (i + ½) · 1.5 − ½ → 0.25, 1.75.
        // (0.25, 0.25): ¾·¾·0 + ¼·¾·40 + ¾·¼·200 + ¼·¼·100 = 7.5 + 37.5 + 6.25 = 51.25
        // (1.75, 0.25): ¾ · (¼·40 + ¾·80) + ¼ · (¼·100 + ¾·50) = 52.5 + 15.625 = 68.125
        // (0.25, 1.75): ¼ · (¾·200 + ¼·100) + ¾ · (¾·10 + ¼·20) = 43.75 + 9.375 = 53.125
        // (1.75, 1.75): ¼ · (¼·100 + ¾·50) + ¾ · (¼·20 + ¾·30) = 15.625 + 20.625 = 36.25
        AssertChip(new PixelBox(1, 1, 2, 2), context: 2, minSidePx: 3, 51.25, 68.125, 53.125, 36.25);
    }

    [Fact]
    public void Sample_ReplicatesTheBorder_WhereTheChipReachesPastTheImage()
    {
        // Box (0, 0)–(1, 1): centre 0.5, L = 2; x, y = i − ½ → −0.5 (clamped to 0) and 0.5.
        // (0, 0): 0; (0.5, 0): (0 + 40) / 2 = 20; (0, 0.5): (0 + 200) / 2 = 100; (0.5, 0.5): 85.
        AssertChip(new PixelBox(0, 0, 1, 1), context: 2, minSidePx: 1, 0, 20, 100, 85);
    }

    [Fact]
    public void Sample_RefusesADestinationTooSmallForTheChip()
    {
        using var image = FourByFour();

        Assert.Throws<ArgumentException>(() => ChipSampler.Sample(image, new ChipWindow(2, 2, 4), 2, new float[11]));
    }
}
