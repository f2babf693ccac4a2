using DroneScan.Core.Detection;

namespace DroneScan.Detection.Tests;

public class DecodeTests
{
    /// <summary>Packs [N, 4 + C, A]: tiles[n][row][anchor] → n * rows * A + row * A + anchor.</summary>
    private static float[] Pack(params float[][][] tiles) =>
        [.. tiles.SelectMany(rows => rows.SelectMany(r => r))];

    [Fact]
    public void Decode_OneTile_DecodesBoxesAndPicksTheBestClass()
    {
        // [1, 4 + 2, 3]:
        //   anchor 0: cx 10, cy 20, w 4, h 6, scores 0.3 / 0.6 → class 1, 0.6, box (8, 17, 12, 23)
        //   anchor 1: cx 50, cy 40, w 10, h 20, scores 0.9 / 0.2 → class 0, 0.9, box (45, 30, 55, 50)
        //   anchor 2: cx 5, cy 5, w 2, h 2, scores 0.1 / 0.2 → best 0.2 < 0.25, dropped
        var data = Pack([
            [10, 50, 5],
            [20, 40, 5],
            [4, 10, 2],
            [6, 20, 2],
            [0.3f, 0.9f, 0.1f],
            [0.6f, 0.2f, 0.2f],
        ]);

        var result = OnnxDetector.Decode(data, 1, 2, 3, 0.25f);

        Assert.Collection(
            Assert.Single(result),
            b => Assert.Equal(new DetectionBox(new PixelBox(8, 17, 12, 23), 1, 0.6f), b),
            b => Assert.Equal(new DetectionBox(new PixelBox(45, 30, 55, 50), 0, 0.9f), b));
    }

    [Fact]
    public void Decode_ThresholdIsInclusive_AndATieKeepsTheLowerClass()
    {
        // anchor 0: both classes 0.5 (== minScore) → kept, class 0 (a later class must beat, not equal, the best).
        // anchor 1: best 0.49999997 (the float just below 0.5) → dropped.
        float below = MathF.BitDecrement(0.5f);
        var data = Pack([
            [10, 30],
            [10, 30],
            [2, 2],
            [2, 2],
            [0.5f, below],
            [0.5f, 0.1f],
        ]);

        var hit = Assert.Single(Assert.Single(OnnxDetector.Decode(data, 1, 2, 2, 0.5f)));

        Assert.Equal(new DetectionBox(new PixelBox(9, 9, 11, 11), 0, 0.5f), hit);
    }

    [Fact]
    public void Decode_DropsZeroAndNegativeSizedBoxes()
    {
        // anchor 0: w 0; anchor 1: h 0; anchor 2: w −4; anchor 3: 2 × 2 → only anchor 3 survives, all scores 0.9.
        var data = Pack([
            [10, 10, 10, 10],
            [10, 10, 10, 10],
            [0, 4, -4, 2],
            [4, 0, 4, 2],
            [0.9f, 0.9f, 0.9f, 0.9f],
        ]);

        var hit = Assert.Single(Assert.Single(OnnxDetector.Decode(data, 1, 1, 4, 0.25f)));

        Assert.Equal(new PixelBox(9, 9, 11, 11), hit.Box);
    }

    [Fact]
    public void Decode_DropsNaNAndInfiniteScores()
    {
        // One class; anchor 0 NaN, anchor 1 +∞, anchor 2 0.9 → only anchor 2, even at a threshold of 0.
        var data = Pack([
            [10, 20, 30],
            [10, 20, 30],
            [2, 2, 2],
            [2, 2, 2],
            [float.NaN, float.PositiveInfinity, 0.9f],
        ]);

        var hit = Assert.Single(Assert.Single(OnnxDetector.Decode(data, 1, 1, 3, 0f)));

        Assert.Equal(new PixelBox(29, 29, 31, 31), hit.Box);
    }

    [Fact]
    public void Decode_ANaNClassScore_DoesNotHideAnotherClass_WhicheverClassItIs()
    {
        // anchor 0: class 0 NaN, class 1 0.9; anchor 1: class 0 0.9, class 1 NaN. The NaN is not a score, so each
        // anchor is judged on its finite one: anchor 0 → class 1, anchor 1 → class 0 (order must not matter).
        var data = Pack([
            [10, 30],
            [10, 30],
            [2, 2],
            [2, 2],
            [float.NaN, 0.9f],
            [0.9f, float.NaN],
        ]);

        var tile = Assert.Single(OnnxDetector.Decode(data, 1, 2, 2, 0.25f));

        Assert.Collection(
            tile,
            b => Assert.Equal(new DetectionBox(new PixelBox(9, 9, 11, 11), 1, 0.9f), b),
            b => Assert.Equal(new DetectionBox(new PixelBox(29, 29, 31, 31), 0, 0.9f), b));
    }

    [Fact]
    public void Decode_DropsBoxesWithNonFiniteGeometry()
    {
        // anchor 0: w +∞ (box −∞…+∞); anchor 1: cx NaN; anchor 2: h +∞; anchor 3: cy −∞; anchor 4: 2 × 2 at (50, 50).
        var data = Pack([
            [10, float.NaN, 10, 10, 50],
            [10, 10, 10, float.NegativeInfinity, 50],
            [float.PositiveInfinity, 2, 2, 2, 2],
            [2, 2, float.PositiveInfinity, 2, 2],
            [0.9f, 0.9f, 0.9f, 0.9f, 0.9f],
        ]);

        var hit = Assert.Single(Assert.Single(OnnxDetector.Decode(data, 1, 1, 5, 0.25f)));

        Assert.Equal(new PixelBox(49, 49, 51, 51), hit.Box);
    }

    [Fact]
    public void Decode_Batch_ReadsEachTileFromItsOwnSlab()
    {
        // [2, 4 + 1, 2]: tile 0 has anchor 1 scoring; tile 1 has anchor 0 scoring, with different boxes.
        var data = Pack(
            [
                [1, 100],
                [1, 100],
                [2, 10],
                [2, 10],
                [0.1f, 0.8f],
            ],
            [
                [200, 7],
                [210, 7],
                [20, 2],
                [40, 2],
                [0.7f, 0.2f],
            ]);

        var result = OnnxDetector.Decode(data, 2, 1, 2, 0.5f);

        Assert.Equal(2, result.Length);
        Assert.Equal(new DetectionBox(new PixelBox(95, 95, 105, 105), 0, 0.8f), Assert.Single(result[0]));
        Assert.Equal(new DetectionBox(new PixelBox(190, 190, 210, 230), 0, 0.7f), Assert.Single(result[1]));
    }

    [Fact]
    public void Decode_NoAnchorPasses_GivesAnEmptyListPerTile()
    {
        var data = Pack([[1], [1], [2], [2], [0.1f]], [[1], [1], [2], [2], [0.2f]]);

        var result = OnnxDetector.Decode(data, 2, 1, 1, 0.5f);

        Assert.Equal(2, result.Length);
        Assert.All(result, Assert.Empty);
    }
}
