using DroneScan.Core.Detection;
using DroneScan.Core.Evaluation;

namespace DroneScan.Core.Tests;

public class DetectionMatcherTests
{
    private static EvaluationImage Image(IReadOnlyList<GroundTruthBox> truth, params DetectionBox[] detections) => new("img", 100, 100, truth, detections);

    [Fact]
    public void ADetection_MatchesTheUnmatchedObjectWithTheHighestIoU_NotTheFirstListed()
    {
        // Two overlapping objects; the box lies exactly on the second: IoU 90/110 = 0.82 with the first, 1 with the second.
        var first = new GroundTruthBox(0, new PixelBox(0, 0, 10, 10));
        var second = new GroundTruthBox(0, new PixelBox(1, 0, 11, 10));

        int[] match = DetectionMatcher.Match(Image([first, second], new DetectionBox(new PixelBox(1, 0, 11, 10), 0, 0.9f)), 0.5);

        Assert.Equal([1], match);
    }

    [Fact]
    public void TheHigherScore_TakesTheObjectFirst_EvenWhenALowerScoringBoxFitsBetter()
    {
        // Object (0,0)-(10,10). Box 0.9 shifted 2 px: IoU 80/120 = 0.67 ≥ 0.5 → it takes the object.
        // Box 0.8 fits exactly but the object is taken, and the other object is 10 px away (IoU 0) → false.
        var a = new GroundTruthBox(0, new PixelBox(0, 0, 10, 10));
        var far = new GroundTruthBox(0, new PixelBox(50, 50, 60, 60));
        var exact = new DetectionBox(new PixelBox(0, 0, 10, 10), 0, 0.8f);
        var shifted = new DetectionBox(new PixelBox(2, 0, 12, 10), 0, 0.9f);

        int[] match = DetectionMatcher.Match(Image([a, far], exact, shifted), 0.5);

        Assert.Equal([-1, 0], match);
    }

    [Fact]
    public void Matching_AtSeveralThresholds_EqualsMatchingAtEachAlone()
    {
        // IoU 0.6: a match at 0.5 and 0.6 (within the tolerance), none at 0.7.
        var truth = new GroundTruthBox(0, new PixelBox(0, 0, 10, 10));
        var image = Image([truth], new DetectionBox(new PixelBox(0, 0, 10, 6), 0, 0.9f));

        int[][] all = DetectionMatcher.Match(image, [0.5, 0.6, 0.7]);

        Assert.Equal([[0], [0], [-1]], all);
        Assert.Equal(all[2], DetectionMatcher.Match(image, 0.7));
    }
}
