using DroneScan.Core.Detection;

namespace DroneScan.Detection.Tests;

public class DetectTests
{
    private const float MinScore = 0.25f;
    private const float ScoreTolerance = 1e-6f;
    private const double BoxTolerance = 1e-4;

    private static void AssertBox(PixelBox expected, PixelBox actual, double tolerance = BoxTolerance)
    {
        Assert.Equal(expected.X1, actual.X1, tolerance);
        Assert.Equal(expected.Y1, actual.Y1, tolerance);
        Assert.Equal(expected.X2, actual.X2, tolerance);
        Assert.Equal(expected.Y2, actual.Y2, tolerance);
    }

    private static void AssertHit(DetectionBox actual, PixelBox box, int classId, float score)
    {
        AssertBox(box, actual.Box);
        Assert.Equal(classId, actual.ClassId);
        Assert.Equal(score, actual.Score, ScoreTolerance);
    }

    // ---- ultralytics-1class: out[n] = K + mean(images[n]) * S, one_class_table() ---------------------
    //   anchor 0: cx, cy, w, h = 100, 120, 20, 10; score 0 + mean × 1  → box (90, 115, 110, 125)
    //   anchor 1: cx, cy, w, h = 320, 320, 40, 40; score 0.8          → box (300, 300, 340, 340)
    //   anchor 2: cx, cy, w, h = 600, 50, 16, 16;  score 0.1          → below 0.25 always

    private static readonly PixelBox Anchor0 = new(90, 115, 110, 125);
    private static readonly PixelBox Anchor1 = new(300, 300, 340, 340);

    [Fact]
    public void Detect_BlackTile_FindsOnlyTheConstantAnchor()
    {
        // mean = 0: anchor 0 scores 0, anchor 1 0.8, anchor 2 0.1 → only anchor 1 reaches 0.25.
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        var result = detector.Detect(Tiles.Uniform(640, 0f), 1, MinScore);

        var tile = Assert.Single(result);
        AssertHit(Assert.Single(tile), Anchor1, 0, 0.8f);
    }

    [Fact]
    public void Detect_WhiteTile_AlsoFindsTheBrightnessAnchor()
    {
        // mean = 1: anchor 0 scores 0 + 1 × 1 = 1.0, anchor 1 still 0.8 (S is 0 there), anchor 2 still 0.1.
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        var tile = Assert.Single(detector.Detect(Tiles.Uniform(640, 1f), 1, MinScore));

        Assert.Collection(
            tile,
            b => AssertHit(b, Anchor0, 0, 1.0f),
            b => AssertHit(b, Anchor1, 0, 0.8f));
    }

    [Fact]
    public void Detect_Batch_ReturnsEachTilesOwnBoxes()
    {
        // Tile 0 black, tile 1 white in one [2, 3, 640, 640] call: each output slab [5, 3] follows its own mean,
        // so tile 0 gives anchor 1 only and tile 1 anchors 0 and 1 (a layout mix-up would swap or blend them).
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        var result = detector.Detect(Tiles.Uniform(640, 0f, 1f), 2, MinScore);

        Assert.Equal(2, result.Length);
        AssertHit(Assert.Single(result[0]), Anchor1, 0, 0.8f);
        Assert.Collection(
            result[1],
            b => AssertHit(b, Anchor0, 0, 1.0f),
            b => AssertHit(b, Anchor1, 0, 0.8f));
    }

    [Fact]
    public void Detect_UsesOnlyTheFirstCountTiles_OfALargerBuffer()
    {
        // A buffer of [black, white] with count 1: only the black tile is run.
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        var result = detector.Detect(Tiles.Uniform(640, 0f, 1f), 1, MinScore);

        AssertHit(Assert.Single(Assert.Single(result)), Anchor1, 0, 0.8f);
    }

    [Fact]
    public void Detect_GreyTile_ScoresTheBrightnessAnchorByTheMean()
    {
        // mean = 0.5: anchor 0 scores 0.5 (kept at 0.25, dropped at 0.6).
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        var tile = Assert.Single(detector.Detect(Tiles.Uniform(640, 0.5f), 1, MinScore));
        Assert.Equal(2, tile.Count);
        AssertHit(tile[0], Anchor0, 0, 0.5f);

        var strict = Assert.Single(detector.Detect(Tiles.Uniform(640, 0.5f), 1, 0.6f));
        AssertHit(Assert.Single(strict), Anchor1, 0, 0.8f);
    }

    // ---- dronescan-3class: three_class_table(), S = 0 -------------------------------------------------
    //   anchor 0: 200, 200, 60, 60; scores ap 0.2, at 0.7, uxo 0.05 → at_mine (1) 0.7, box (170, 170, 230, 230)
    //   anchor 1: 210, 205, 60, 60; scores ap 0.1, at 0.3, uxo 0.9  → uxo (2) 0.9,     box (180, 175, 240, 235)

    [Fact]
    public void Detect_ThreeClasses_PicksTheBestClassPerAnchor()
    {
        using var detector = OnnxDetector.Load(Fixtures.DroneScan3Class);

        var tile = Assert.Single(detector.Detect(Tiles.Uniform(320, 0f), 1, MinScore));

        Assert.Collection(
            tile,
            b => AssertHit(b, new PixelBox(170, 170, 230, 230), 1, 0.7f),
            b => AssertHit(b, new PixelBox(180, 175, 240, 235), 2, 0.9f));
    }

    [Fact]
    public void Detect_ThreeClasses_ThresholdAppliesToTheBestClassOnly()
    {
        // At 0.8 anchor 0's best (0.7) fails; anchor 1's uxo 0.9 passes.
        using var detector = OnnxDetector.Load(Fixtures.DroneScan3Class);

        var tile = Assert.Single(detector.Detect(Tiles.Uniform(320, 0f), 1, 0.8f));

        AssertHit(Assert.Single(tile), new PixelBox(180, 175, 240, 235), 2, 0.9f);
    }

    // ---- white-box-256: exact boxes of white rectangles ----------------------------------------------
    // Anchors sit at pixel 4k + 2 of each axis (Slice start 2, step 4; 64 × 64 anchors). At an anchor on a white
    // pixel x of a run [x0, x1): L = CumSum = x − x0 + 1, T = x1 − x0, R = T − L = x1 − x − 1, and
    // cx = (x + 1) + (R − L) / 2 = (x0 + x1) / 2, w = T, so the box is exactly [x0, x1); likewise y. Score is
    // 0.9 on white anchors and 0 elsewhere.

    private static List<DetectionBox> WhiteBoxes(int x1, int y1, int x2, int y2)
    {
        using var detector = OnnxDetector.Load(Fixtures.WhiteBox256);
        var result = detector.Detect(Tiles.WithRectangle(256, x1, y1, x2, y2), 1, 0.5f);
        return [.. Assert.Single(result)];
    }

    [Fact]
    public void Detect_WhiteBox_EveryAnchorOnTheRectangle_ReturnsItsExactExtent()
    {
        // Columns 50..79: anchors x = 50, 54, ..., 78 (50 = 4 × 12 + 2, so k = 12..19, 8 of them); rows 100..115:
        // y = 102, 106, 110, 114 (4 of them) → 32 boxes, each (50, 100, 80, 116).
        var boxes = WhiteBoxes(50, 100, 80, 116);

        Assert.NotEmpty(boxes);
        Assert.Equal(8 * 4, boxes.Count);
        Assert.All(boxes, b => AssertHit(b, new PixelBox(50, 100, 80, 116), 0, 0.9f));
    }

    [Fact]
    public void Detect_WhiteBox_RectangleOnTheRightEdge_EndsAtTheTileEdge()
    {
        // Columns 240..255: anchors x = 242, 246, 250, 254; rows 30..45: y = 30, 34, 38, 42 → 16 boxes, each
        // (240, 30, 256, 46): the run is cut by the tile edge, so the box ends at x = 256.
        var boxes = WhiteBoxes(240, 30, 256, 46);

        Assert.NotEmpty(boxes);
        Assert.Equal(4 * 4, boxes.Count);
        Assert.All(boxes, b => AssertHit(b, new PixelBox(240, 30, 256, 46), 0, 0.9f));
    }

    [Fact]
    public void Detect_WhiteBox_RectangleBetweenAnchors_IsNotSeen()
    {
        // Columns 3..5 hold no anchor column (2, 6, 10, ...), so no anchor lies on the rectangle.
        Assert.Empty(WhiteBoxes(3, 3, 6, 6));
    }

    [Fact]
    public void Detect_WhiteBox_BlackTile_FindsNothing()
    {
        using var detector = OnnxDetector.Load(Fixtures.WhiteBox256);

        Assert.Empty(Assert.Single(detector.Detect(Tiles.Uniform(256, 0f), 1, 0.5f)));
    }

    // ---- Argument checks -------------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Detect_Throws_WhenCountIsNotPositive(int count)
    {
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => detector.Detect(Tiles.Uniform(640, 0f), count, MinScore));
        Assert.Equal("count", ex.ParamName);
    }

    [Fact]
    public void Detect_Throws_WhenTheBufferHoldsFewerTilesThanCount()
    {
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => detector.Detect(Tiles.Uniform(640, 0f), 2, MinScore));
        Assert.Equal("count", ex.ParamName);
    }

    [Fact]
    public void Detect_Throws_WhenTheBufferIsShorterThanOneTile()
    {
        // One 640 tile is 3 × 640 × 640 floats; a 320 tile is a quarter of that.
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Detect(Tiles.Uniform(320, 0f), 1, MinScore));
    }

    [Fact]
    public void Detect_Throws_WhenTheBufferIsNull()
    {
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        Assert.Throws<ArgumentNullException>(() => detector.Detect(null!, 1, MinScore));
    }
}
