using DroneScan.Core.Detection;

namespace DroneScan.Core.Tests;

public class BoxMergerTests
{
    private static DetectionBox Hit(double x1, double y1, double x2, double y2, float score, int cls = 0) => new(new PixelBox(x1, y1, x2, y2), cls, score);

    [Fact]
    public void IoUAndIoS_MatchHandComputedAreas()
    {
        var a = new PixelBox(0, 0, 10, 10);
        var b = new PixelBox(5, 0, 15, 10);     // overlap 5 × 10 = 50; union 150
        var inner = new PixelBox(2, 2, 6, 6);   // 16, inside a

        Assert.Equal(50.0 / 150, a.IoU(b), 12);
        Assert.Equal(0.5, a.IoS(b), 12);
        Assert.Equal(16.0 / 100, a.IoU(inner), 12);
        Assert.Equal(1.0, a.IoS(inner), 12);
        Assert.Equal(0, a.IoU(new PixelBox(20, 20, 30, 30)));
    }

    [Fact]
    public void Merge_JoinsTheTwoHalvesOfAnObjectCutByATileEdge_IntoOneBox()
    {
        // A 20 × 10 px object cut at x = 640: the left tile sees 630–640, the right tile sees the whole object.
        var left = Hit(630, 100, 640, 110, 0.6f);
        var whole = Hit(630, 100, 650, 110, 0.9f);

        var merged = Assert.Single(BoxMerger.Merge([left, whole], new MergeOptions()));

        Assert.Equal(new PixelBox(630, 100, 650, 110), merged.Box);
        Assert.Equal(0.9f, merged.Score);
    }

    [Fact]
    public void Merge_DoesNotGrowTheBox_WithMuchWeakerBoxes()
    {
        var best = Hit(100, 100, 120, 120, 0.9f);
        var weakNeighbour = Hit(105, 100, 135, 120, 0.05f);   // IoS 15·20 / 400 = 0.75, score < 0.5 · 0.9
        var strongPiece = Hit(110, 100, 126, 120, 0.6f);     // IoS 10·20 / 320 = 0.625, score ≥ 0.45

        var merged = Assert.Single(BoxMerger.Merge([best, weakNeighbour, strongPiece], new MergeOptions()));

        Assert.Equal(new PixelBox(100, 100, 126, 120), merged.Box);
    }

    [Fact]
    public void Merge_WithIoU_KeepsACutFragment_ThatIoSWouldAbsorb()
    {
        var left = Hit(630, 100, 640, 110, 0.6f);
        var whole = Hit(630, 100, 650, 110, 0.9f);   // IoU 0.5 exactly, IoS 1

        var options = new MergeOptions { Metric = OverlapMetric.IoU, Threshold = 0.6 };
        Assert.Equal(2, BoxMerger.Merge([left, whole], options).Count);
    }

    [Fact]
    public void Suppress_KeepsTheBestBox_Unchanged()
    {
        var best = Hit(0, 0, 10, 10, 0.9f);
        var shifted = Hit(1, 0, 11, 10, 0.8f);

        var kept = Assert.Single(BoxMerger.Merge([shifted, best], new MergeOptions { Mode = MergeMode.Suppress, Metric = OverlapMetric.IoU }));

        Assert.Equal(best, kept);
    }

    [Fact]
    public void Merge_KeepsTwoObjectsOfDifferentClasses_UnlessClassAgnostic()
    {
        var mine = Hit(0, 0, 10, 10, 0.9f, cls: 0);
        var uxo = Hit(0, 0, 10, 10, 0.8f, cls: 2);

        Assert.Equal(2, BoxMerger.Merge([mine, uxo], new MergeOptions()).Count);
        Assert.Equal(0, Assert.Single(BoxMerger.Merge([mine, uxo], new MergeOptions { ClassAgnostic = true })).ClassId);
    }

    [Fact]
    public void Merge_KeepsTwoSeparateObjects_AndHonoursMaxDetections()
    {
        var a = Hit(0, 0, 10, 10, 0.9f);
        var b = Hit(30, 0, 40, 10, 0.8f);
        var c = Hit(60, 0, 70, 10, 0.7f);

        Assert.Equal(3, BoxMerger.Merge([a, b, c], new MergeOptions()).Count);
        var two = BoxMerger.Merge([c, b, a], new MergeOptions { MaxDetections = 2 });
        Assert.Equal([0.9f, 0.8f], two.Select(d => d.Score));
    }
}
