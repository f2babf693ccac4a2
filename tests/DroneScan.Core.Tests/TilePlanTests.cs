using DroneScan.Core.Detection;

namespace DroneScan.Core.Tests;

public class TilePlanTests
{
    [Fact]
    public void Create_CoversA20MegapixelFrame_WithBorderAlignedEdgeTiles()
    {
        // 5472 px, tile 640, overlap 0.2 → stride 512: starts 0, 512, …, 4608 (4608 + 640 = 5248 < 5472), then the
        // border-aligned 5472 − 640 = 4832: 11 columns. 3648 px: 0 … 2560 (6 starts; 3072 + 640 ≥ 3648), then 3008: 7 rows.
        var tiles = TilePlan.Create(5472, 3648, 640, 0.2);

        Assert.Equal(11 * 7, tiles.Count);
        Assert.All(tiles, t => Assert.True(t.Width == 640 && t.Height == 640 && t.X + 640 <= 5472 && t.Y + 640 <= 3648));
        Assert.Contains(tiles, t => t.X == 4832 && t.Y == 3008);
        Assert.Equal(Enumerable.Range(0, tiles.Count), tiles.Select(t => t.Index));
    }

    [Fact]
    public void Create_EveryPixelIsInATile_AndNeighboursOverlapByAtLeastTheRatio()
    {
        var starts = TilePlan.Starts(2000, 640, 0.25);

        Assert.Equal([0, 480, 960, 1360], starts);
        for (int i = 1; i < starts.Count; i++)
        {
            Assert.True(starts[i - 1] + 640 - starts[i] >= 160, "overlap ≥ 25 % of 640");
        }
    }

    [Fact]
    public void Create_CoversEveryPixel_KeepsTilesInside_AndOverlapsAsAsked_ForRandomSizes()
    {
        var rng = new Random(42);
        for (int trial = 0; trial < 200; trial++)
        {
            int w = rng.Next(1, 3000), h = rng.Next(1, 3000), size = rng.Next(16, 700);
            double overlap = rng.NextDouble() * 0.9;
            var tiles = TilePlan.Create(w, h, size, overlap);
            int minOverlap = (int)Math.Round(size * overlap);

            foreach (var starts in new[] { TilePlan.Starts(w, size, overlap), TilePlan.Starts(h, size, overlap) })
            {
                for (int i = 1; i < starts.Count; i++)
                {
                    Assert.True(starts[i - 1] + size - starts[i] >= minOverlap, $"overlap {w}×{h}, tile {size}, ratio {overlap}");
                }
            }

            var covered = new bool[w * h];
            foreach (var t in tiles)
            {
                Assert.True(t.X >= 0 && t.Y >= 0 && t.X + t.Width <= w && t.Y + t.Height <= h, "tile inside the image");
                Assert.True(t.Width == Math.Min(size, w) && t.Height == Math.Min(size, h), "full tiles unless the image is smaller");
                if (trial < 20)
                {
                    for (int y = t.Y; y < t.Y + t.Height; y++)
                    {
                        Array.Fill(covered, true, (y * w) + t.X, t.Width);
                    }
                }
            }

            if (trial < 20)
            {
                Assert.All(covered, Assert.True);
            }
        }
    }

    [Fact]
    public void Create_GivesOneTile_WhenTheImageIsSmallerThanATile()
    {
        var tile = Assert.Single(TilePlan.Create(336, 256, 640, 0.2));

        Assert.Equal(new Tile(0, 0, 0, 336, 256), tile);
    }

    [Fact]
    public void Create_GivesOneTile_WhenTheImageIsExactlyATile()
    {
        Assert.Single(TilePlan.Create(640, 640, 640, 0.2));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Create_RejectsAnOverlapOutsideZeroToOne(double overlap)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TilePlan.Create(1000, 1000, 640, overlap));
    }

    [Theory]
    [InlineData(0.005, 0.01, 0.5)]   // flown finer than the model: shrink by half, a quarter of the pixels
    [InlineData(0.02, 0.01, 2.0)]    // coarser: enlarge
    [InlineData(0.001, 0.01, 0.25)]  // clamped
    [InlineData(0.10, 0.01, 4.0)]    // clamped
    public void GsdScale_IsPhotoGsdOverModelGsd_Clamped(double photo, double model, double expected)
    {
        Assert.Equal(expected, TilePlan.GsdScale(photo, model), 12);
    }

    [Fact]
    public void GsdScale_IsOne_WhenAGsdIsUnknown()
    {
        Assert.Equal(1, TilePlan.GsdScale(null, 0.01));
        Assert.Equal(1, TilePlan.GsdScale(0.01, null));
        Assert.Equal(1, TilePlan.GsdScale(0, 0.01));
    }
}
