using DroneScan.Core.Detection;
using DroneScan.Core.Evaluation;

namespace DroneScan.Core.Tests;

public class GroupedEvaluationTests
{
    private static readonly string[] ThreeClasses = ["ap_mine", "at_mine", "uxo"];

    private static readonly PixelBox A = new(0, 0, 10, 10);
    private static readonly PixelBox B = new(100, 100, 110, 110);
    private static readonly PixelBox Elsewhere = new(300, 300, 310, 310);

    private static GroundTruthBox Truth(PixelBox box, int cls) => new(cls, box);

    private static DetectionBox Hit(PixelBox box, float score, int cls) => new(box, cls, score);

    private static EvaluationImage Image(IReadOnlyList<GroundTruthBox> truth, IReadOnlyList<DetectionBox> detections, int width = 1000, int height = 500) =>
        new("img", width, height, truth, detections);

    [Fact]
    public void ClassAgnostic_ABoxFindsAnObjectOfAnotherClass()
    {
        // The object is an at_mine (1), the box says ap_mine (0): by class a miss and a false box, agnostic a hit.
        var image = Image([Truth(A, 1)], [Hit(A, 0.9f, 0)]);

        var byClass = GroupedEvaluator.Evaluate([new EvaluationGroup("f", [image])], ThreeClasses).Overall.Overall;
        var agnostic = GroupedEvaluator.Evaluate([new EvaluationGroup("f", [image])], ThreeClasses, classAgnostic: true).Overall;

        Assert.Null(byClass.BestF1.Threshold); // no threshold finds anything
        Assert.Equal((0, 1), (byClass.BestF1.TruePositives, byClass.BestF1.FalseNegatives));
        Assert.Equal(0.0, byClass.Ap50!.Value, 12);
        var only = Assert.Single(agnostic.Classes);
        Assert.Equal((0, "object"), (only.ClassId, only.Name));
        Assert.Equal(1.0, agnostic.Overall.Ap50!.Value, 12);
        Assert.Equal((1, 0, 0), (agnostic.Overall.BestF1.TruePositives, agnostic.Overall.BestF1.FalsePositives, agnostic.Overall.BestF1.FalseNegatives));
    }

    [Fact]
    public void ClassAgnostic_TwoBoxesOfDifferentClassesOnOneObject_AreOneHitAndOneFalseBox()
    {
        // Objects A (at_mine) and B (ap_mine). Boxes, best first: 0.9 ap_mine on A, 0.8 uxo on A, 0.7 at_mine on B.
        // Agnostic: 0.9 finds A; 0.8 finds nothing (A is taken) → false; 0.7 finds B.
        // Curve: 0.9 → P 1, R ½; 0.8 → P ½, R ½; 0.7 → P ⅔, R 1. Envelope 1, ⅔, ⅔.
        // AP50 = (51 × 1 + 50 × ⅔) / 101 = 253/303. Best F1 at 0.7: 2·2 / (2·2 + 1 + 0) = 0.8.
        // By class no box has the class of the object it lies on: nothing is found, AP 0.
        var image = Image([Truth(A, 1), Truth(B, 0)], [Hit(A, 0.9f, 0), Hit(A, 0.8f, 2), Hit(B, 0.7f, 1)]);

        var agnostic = GroupedEvaluator.Evaluate([new EvaluationGroup("f", [image])], ThreeClasses, classAgnostic: true).Overall.Overall;
        var byClass = GroupedEvaluator.Evaluate([new EvaluationGroup("f", [image])], ThreeClasses).Overall.Overall;

        Assert.Equal(253.0 / 303, agnostic.Ap50!.Value, 12);
        Assert.Equal(0.7f, (float)agnostic.BestF1.Threshold!.Value);
        Assert.Equal((2, 1, 0), (agnostic.BestF1.TruePositives, agnostic.BestF1.FalsePositives, agnostic.BestF1.FalseNegatives));
        Assert.Equal(0.8, agnostic.BestF1.F1, 12);
        Assert.Equal(0.0, byClass.Ap50!.Value, 12);
    }

    [Fact]
    public void EdgeRecall_SplitsObjectsTouchingTheImageEdgeFromWholeOnes_AtTheThreshold()
    {
        // 1000 × 500 image. A (0..10) touches the left/top edge; Cut (995..1000 in x) the right edge; B and
        // Elsewhere lie inside; Near (2..12) is 2 px from the edge: clear (margin 1 px). Boxes: 0.9 on A, 0.8 on B,
        // 0.3 on Near, nothing on Cut or Elsewhere. At 0.5: edge A found, Cut missed → 1 of 2; inside B found,
        // Elsewhere and Near (0.3 < 0.5) missed → 1 of 3. An object-free image adds nothing.
        var cut = new PixelBox(995, 200, 1000, 210);
        var near = new PixelBox(2, 200, 12, 210);
        var image = Image([Truth(A, 0), Truth(cut, 0), Truth(B, 0), Truth(Elsewhere, 0), Truth(near, 0)],
            [Hit(A, 0.9f, 0), Hit(B, 0.8f, 0), Hit(near, 0.3f, 0)]);
        var free = Image([], [Hit(A, 0.9f, 0)]);

        var edge = GroupedEvaluator.Evaluate([new EvaluationGroup("f", [image, free])], ThreeClasses, 0.5, classAgnostic: true).Edge!;
        var low = EdgeRecall.At([image.ClassAgnostic()], 0.2);

        Assert.Equal((1, 2, 1, 3), (edge.EdgeFound, edge.EdgeObjects, edge.InnerFound, edge.InnerObjects));
        Assert.Equal(0.5, edge.EdgeRecallValue!.Value, 12);
        Assert.Equal(1.0 / 3, edge.InnerRecallValue!.Value, 12);
        Assert.Equal((1, 2, 2, 3), (low.EdgeFound, low.EdgeObjects, low.InnerFound, low.InnerObjects));
        Assert.True(EdgeRecall.TouchesEdge(new PixelBox(10, 10, 20, 499), 1000, 500));
        Assert.False(EdgeRecall.TouchesEdge(new PixelBox(1.5, 1.5, 998.5, 498.5), 1000, 500));
        Assert.Null(EdgeRecall.At([free], 0.5).EdgeRecallValue);
    }

    [Fact]
    public void ObjectFreeRate_CountsBoxesAtTheThreshold_OnlyOnImagesWithNothingLabelled()
    {
        // Labelled image: its false box does not count. Object-free: 1000 × 500 (0.5 MP) with 0.9, 0.5, 0.3 and
        // 2000 × 1000 (2 MP) with 0.6. At 0.5: 0.9, 0.5 and 0.6 → 3 boxes / 2.5 MP = 1.2 per MP.
        EvaluationImage[] images =
        [
            Image([Truth(A, 0)], [Hit(Elsewhere, 0.95f, 0)]),
            Image([], [Hit(A, 0.9f, 0), Hit(B, 0.5f, 1), Hit(Elsewhere, 0.3f, 2)]),
            Image([], [Hit(A, 0.6f, 0)], 2000, 1000),
        ];

        var rate = ObjectFreeRate.At(images, 0.5);

        Assert.Equal((2, 3), (rate.Images, rate.Boxes));
        Assert.Equal(2.5, rate.Megapixels, 12);
        Assert.Equal(1.2, rate.FalsePositivesPerMegapixel!.Value, 12);
        Assert.Equal(0, ObjectFreeRate.At(images, null).Boxes);        // no threshold: nothing accepted
        Assert.Equal(0.4, ObjectFreeRate.At(images, 0.9).FalsePositivesPerMegapixel!.Value, 12); // 1 / 2.5
        Assert.Null(ObjectFreeRate.At(images[..1], 0.5).FalsePositivesPerMegapixel); // no object-free image
    }

    [Fact]
    public void Groups_AreEvaluatedAloneAndPooled_AndObjectFreeBoxesAreCountedAtThePooledBestF1Score()
    {
        // Flight 1: objects A and B found at 0.9 and 0.7 (0.5 MP). Flight 2: nothing labelled, boxes 0.8 and 0.6 (1 MP).
        // Pooled curve: 0.9 TP → F1 2/3; 0.8 FP → 2/4; 0.7 TP → 4/5 (best); 0.6 FP → 4/6. At 0.7 flight 2 has one
        // box (0.8) on 1 MP → 1 per MP; pooled the same box on 1.5 MP of which 1 MP object-free → 1 per MP.
        var flight1 = new EvaluationGroup("F01", [Image([Truth(A, 0), Truth(B, 0)], [Hit(A, 0.9f, 0), Hit(B, 0.7f, 0)])]);
        var flight2 = new EvaluationGroup("F02", [Image([], [Hit(A, 0.8f, 0), Hit(B, 0.6f, 0)], 1000, 1000)]);

        var report = GroupedEvaluator.Evaluate([flight1, flight2], ["ap_mine"]);

        Assert.Equal(["F01", "F02"], report.Groups.Select(g => g.Name));
        Assert.Equal(0.7f, (float)report.Overall.Overall.BestF1.Threshold!.Value);
        Assert.Equal(0.8, report.Overall.Overall.BestF1.F1, 12);
        Assert.Equal(2, report.Overall.Images);
        Assert.Equal(1.0, report.Groups[0].Report.Overall.Ap50!.Value, 12);
        Assert.Null(report.Groups[1].Report.Overall.Ap50);                  // nothing to find
        Assert.Equal(0.7f, (float)report.ObjectFreeThreshold!.Value);
        Assert.Null(report.Groups[0].ObjectFree.FalsePositivesPerMegapixel); // no object-free image in flight 1
        Assert.Equal((1, 1), (report.Groups[1].ObjectFree.Images, report.Groups[1].ObjectFree.Boxes));
        Assert.Equal(1.0, report.Groups[1].ObjectFree.FalsePositivesPerMegapixel!.Value, 12);
        Assert.Equal(1.0, report.ObjectFree.FalsePositivesPerMegapixel!.Value, 12);

        // A threshold given is used instead: at 0.5 both boxes of flight 2 count.
        var at = GroupedEvaluator.Evaluate([flight1, flight2], ["ap_mine"], 0.5);
        Assert.Equal(2.0, at.Groups[1].ObjectFree.FalsePositivesPerMegapixel!.Value, 12);
        Assert.Equal(0.5, at.ObjectFreeThreshold);
    }

    [Fact]
    public void Sweep_GivesEachScoresOperatingPoint_PooledPerGroupAndOnObjectFreeImages_LowestFirst()
    {
        // Flight 1 (0.5 MP): A found at 0.9, B found at 0.4. Flight 2 (1 MP, nothing labelled): boxes 0.8 and 0.3.
        // At 0.3: pooled TP 2, FP 2, FN 0; object-free 2 boxes / 1 MP; flight 1 recall 1.
        // At 0.5: TP 1 (A), FP 1 (0.8), FN 1 (B); object-free 1 per MP; flight 1 recall ½.
        // At 0.95: nothing accepted: TP 0, FP 0, FN 2; object-free 0.
        var flight1 = new EvaluationGroup("F01", [Image([Truth(A, 0), Truth(B, 0)], [Hit(A, 0.9f, 0), Hit(B, 0.4f, 0)])]);
        var flight2 = new EvaluationGroup("F02", [Image([], [Hit(A, 0.8f, 0), Hit(B, 0.3f, 0)], 1000, 1000)]);

        var sweep = GroupedEvaluator.Sweep([flight1, flight2], ["ap_mine"], [0.5, 0.95, 0.3, 0.5]);

        Assert.Equal([0.3, 0.5, 0.95], sweep.Select(s => s.Threshold));
        Assert.Equal((2, 2, 0), (sweep[0].Overall.TruePositives, sweep[0].Overall.FalsePositives, sweep[0].Overall.FalseNegatives));
        Assert.Equal((1, 1, 1), (sweep[1].Overall.TruePositives, sweep[1].Overall.FalsePositives, sweep[1].Overall.FalseNegatives));
        Assert.Equal((0, 0, 2), (sweep[2].Overall.TruePositives, sweep[2].Overall.FalsePositives, sweep[2].Overall.FalseNegatives));
        Assert.Equal([2.0, 1.0, 0.0], sweep.Select(s => s.ObjectFree.FalsePositivesPerMegapixel!.Value));
        Assert.Equal([1.0, 0.5, 0.0], sweep.Select(s => s.Groups[0].Recall));
        Assert.All(sweep, s => Assert.Equal(0, s.Groups[1].Truth));
        Assert.Equal(1.0 / 1.5, sweep[1].Overall.FalsePositivesPerMegapixel, 12); // all images: 1 false box on 1.5 MP
    }
}
