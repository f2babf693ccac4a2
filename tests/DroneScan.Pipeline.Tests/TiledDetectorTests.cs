using DroneScan.Core.Detection;
using DroneScan.Core.Photos;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;

namespace DroneScan.Pipeline.Tests;

public sealed class TiledDetectorTests : IDisposable
{
    // The fixture finds white rectangles and returns their exact visible extent in each tile (make_fixtures.py).
    private readonly OnnxDetector _model = OnnxDetector.Load(Scenes.WhiteBoxModel);

    public void Dispose() => _model.Dispose();

    private static void AssertBox(PixelBox expected, PixelBox actual, double tolerancePx)
    {
        Assert.Equal(expected.X1, actual.X1, tolerancePx);
        Assert.Equal(expected.Y1, actual.Y1, tolerancePx);
        Assert.Equal(expected.X2, actual.X2, tolerancePx);
        Assert.Equal(expected.Y2, actual.Y2, tolerancePx);
    }

    [Fact]
    public void AnObjectCutByATileEdge_IsReportedOnce_WithItsTrueBox()
    {
        // 700 px wide, 256-px tiles, overlap 0.2 → stride 205: tiles start at 0, 205, 410, 444. The rectangle
        // x 240–270 crosses the right edge of tile 0 (256) and lies whole in tile 1 (205–461).
        using var image = Scenes.Draw(700, 300, (240, 100, 270, 124));
        var detector = new TiledDetector(_model, new TiledDetectionOptions());

        var result = detector.Detect("scene", image, scale: 1);

        Assert.Equal(8, result.Tiles); // 4 columns × 2 rows (300 px: starts 0, 44)
        var hit = Assert.Single(result.Detections);
        AssertBox(new PixelBox(240, 100, 270, 124), hit.Box, 0.01);
    }

    [Fact]
    public void AnObjectNoTileSeesWhole_IsMergedFromItsPieces()
    {
        // x 170–300 is wider than the 51-px overlap: tile 0 sees 170–256 (86 px), tile 1 sees 205–300 (95 px).
        // They share 205–256: IoS = 51 / 86 = 0.59 ≥ 0.5, so they merge into the union.
        using var image = Scenes.Draw(700, 300, (170, 60, 300, 80));
        var detector = new TiledDetector(_model, new TiledDetectionOptions());

        var hit = Assert.Single(detector.Detect("scene", image, scale: 1).Detections);

        AssertBox(new PixelBox(170, 60, 300, 80), hit.Box, 0.01);
    }

    [Fact]
    public void SuppressionInsteadOfMerging_KeepsOnlyTheLargestPiece()
    {
        using var image = Scenes.Draw(700, 300, (170, 60, 300, 80));
        var options = new TiledDetectionOptions { PhotoMerge = new MergeOptions { Mode = MergeMode.Suppress } };

        var hit = Assert.Single(new TiledDetector(_model, options).Detect("scene", image, scale: 1).Detections);

        Assert.True(hit.Box.Width < 130, "a suppressed piece does not cover the whole object");
    }

    [Fact]
    public void TheFullFramePass_FindsTheSameObject_AndMergesWithTheTiles()
    {
        // Whole photo shrunk to 256 × 110 (r = 256 / 700): the rectangle is found there too, mapped back by 1 / r
        // (±1 shrunken px ≈ ±3 px), and merged with the exact tile detection into one box.
        using var image = Scenes.Draw(700, 300, (240, 100, 300, 160));
        var options = new TiledDetectionOptions { FullFrame = true };

        var hit = Assert.Single(new TiledDetector(_model, options).Detect("scene", image, scale: 1).Detections);

        AssertBox(new PixelBox(240, 100, 300, 160), hit.Box, 3.0);
    }

    [Fact]
    public void TwoSeparateObjects_AreTwoDetections()
    {
        using var image = Scenes.Draw(700, 300, (20, 20, 40, 40), (500, 200, 530, 230));

        var hits = new TiledDetector(_model, new TiledDetectionOptions()).Detect("scene", image, scale: 1).Detections;

        Assert.Equal(2, hits.Count);
        Assert.Contains(hits, h => Math.Abs(h.Box.X1 - 20) < 0.01 && Math.Abs(h.Box.Y2 - 40) < 0.01);
        Assert.Contains(hits, h => Math.Abs(h.Box.X1 - 500) < 0.01 && Math.Abs(h.Box.Y2 - 230) < 0.01);
    }

    [Fact]
    public void ARescaledPhoto_ReportsBoxesInOriginalPixels()
    {
        // Half scale: the 700 × 300 photo becomes 350 × 150 (one tile row); the rectangle 100–160 becomes 50–80
        // and comes back as 100–160, within the 1-px quantisation of the shrunken image (2 px here).
        using var image = Scenes.Draw(700, 300, (100, 100, 160, 140));

        var result = new TiledDetector(_model, new TiledDetectionOptions()).Detect("scene", image, scale: 0.5);

        Assert.Equal(700, result.Width);
        Assert.Equal(0.5, result.Scale);
        AssertBox(new PixelBox(100, 100, 160, 140), Assert.Single(result.Detections).Box, 2.0);
    }

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.01, 0.25)] // clamped
    public void ScaleFor_UsesTheModelGsd_WhenTheModelHasOne(double photoGsdOverModelGsd, double expected)
    {
        using var model = OnnxDetector.Load(Path.Combine(AppContext.BaseDirectory, "Models", "dronescan-3class.onnx")); // gsd 0.01 m
        var detector = new TiledDetector(model, new TiledDetectionOptions());

        Assert.Equal(expected, detector.ScaleFor(photoGsdOverModelGsd * 0.01), 9);
        Assert.Equal(1, new TiledDetector(model, new TiledDetectionOptions { GsdScaling = false }).ScaleFor(0.005));
        Assert.Equal(1, new TiledDetector(_model, new TiledDetectionOptions()).ScaleFor(0.005)); // model without a GSD
    }

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(3)]
    public async Task BoxesOfARotatedPhoto_AreInTheOrientedFrame(ushort orientation)
    {
        // Stored pixels: 400 × 300 with a rectangle at x 50–90, y 20–40. Displayed (EXIF orientation applied):
        //  6 (rotate 90° clockwise): (x, y) → (H − y, x): x 260–280, y 50–90 in a 300 × 400 image;
        //  8 (rotate 90° counter-clockwise): (x, y) → (y, W − x): x 20–40, y 310–350;
        //  3 (rotate 180°): (x, y) → (W − x, H − y): x 310–350, y 260–280.
        var expected = orientation switch
        {
            6 => new PixelBox(260, 50, 280, 90),
            8 => new PixelBox(20, 310, 40, 350),
            _ => new PixelBox(310, 260, 350, 280),
        };
        using var folder = new TempFolder();
        using (var stored = Scenes.Draw(400, 300, (50, 20, 90, 40)))
        {
            Scenes.SaveJpeg(stored, folder.Path, "rotated.jpg", orientation);
        }

        var runner = new DetectRunner(new TiledDetector(_model, new TiledDetectionOptions()), new GeoreferenceOptions());
        var results = new List<PhotoDetections>();
        await foreach (var r in runner.RunAsync([Path.Combine(folder.Path, "rotated.jpg")]))
        {
            results.Add(r);
        }

        var result = Assert.Single(results);
        Assert.Null(result.Error);
        (int w, int h) = orientation == 3 ? (400, 300) : (300, 400);
        Assert.Equal((w, h), (result.Width, result.Height));
        AssertBox(expected, Assert.Single(result.Detections).Box, 1.0); // JPEG edges: ±1 px
    }

    [Fact]
    public async Task Runner_ReportsAnUnreadablePhoto_AndGoesOnWithTheNext()
    {
        using var folder = new TempFolder();
        string bad = Path.Combine(folder.Path, "a-bad.jpg");
        await File.WriteAllTextAsync(bad, "not a photo");
        string empty = Path.Combine(folder.Path, "b-empty.jpg");
        await File.WriteAllBytesAsync(empty, []);
        string good;
        using (var image = Scenes.Draw(300, 200, (10, 10, 30, 30)))
        {
            good = Scenes.SaveJpeg(image, folder.Path, "c-good.jpg");
        }

        var runner = new DetectRunner(new TiledDetector(_model, new TiledDetectionOptions()), new GeoreferenceOptions());
        var results = new List<PhotoDetections>();
        await foreach (var r in runner.RunAsync([bad, empty, good]))
        {
            results.Add(r);
        }

        Assert.Equal([bad, empty, good], results.Select(r => r.File));
        Assert.Contains("not a JPEG, PNG or TIFF", results[0].Error, StringComparison.Ordinal);
        Assert.NotNull(results[1].Error);
        Assert.Null(results[2].Error);
        Assert.Single(results[2].Detections);
    }
}
