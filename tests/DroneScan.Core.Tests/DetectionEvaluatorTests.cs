using DroneScan.Core.Detection;
using DroneScan.Core.Evaluation;

namespace DroneScan.Core.Tests;

public class DetectionEvaluatorTests
{
    private static readonly string[] OneClass = ["ap_mine"];

    private static readonly PixelBox A = new(0, 0, 10, 10);
    private static readonly PixelBox B = new(100, 100, 110, 110);
    private static readonly PixelBox Empty = new(300, 300, 310, 310);

    private static GroundTruthBox Truth(PixelBox box, int cls = 0) => new(cls, box);

    private static DetectionBox Hit(PixelBox box, float score, int cls = 0) => new(box, cls, score);

    private static EvaluationImage Image(IReadOnlyList<GroundTruthBox> truth, IReadOnlyList<DetectionBox> detections, int width = 1000, int height = 500, string name = "img") =>
        new(name, width, height, truth, detections);

    /// <summary>One 1000 × 500 image (0.5 MP), objects A and B; 0.9 finds A, 0.8 is false, 0.7 finds B.</summary>
    private static EvaluationImage TwoObjectsThreeDetections() =>
        Image([Truth(A), Truth(B)], [Hit(A, 0.9f), Hit(Empty, 0.8f), Hit(B, 0.7f)]);

    [Fact]
    public void Ap50_IsThe101PointInterpolatedArea_ForTwoObjectsAndThreeDetections()
    {
        // Curve (precision, recall): 0.9 → (1, 0.5); 0.8 → (0.5, 0.5); 0.7 → (2/3, 1).
        // Envelope (best precision at this recall or beyond): 1, 2/3, 2/3.
        // Recall levels 0.00–0.50 (51 levels) are first reached at 0.9 → 1; 0.51–1.00 (50 levels) at 0.7 → 2/3.
        // AP = (51 × 1 + 50 × 2/3) / 101 = (153 + 100) / 303 = 253/303 = 0.83498…
        var report = DetectionEvaluator.Evaluate([TwoObjectsThreeDetections()], OneClass);

        var m = Assert.Single(report.Classes).Metrics;
        Assert.Equal(253.0 / 303, m.Ap50!.Value, 12);
        Assert.Equal(253.0 / 303, m.Ap50To95!.Value, 12); // every match has IoU 1: the same at every IoU threshold
        Assert.Equal(253.0 / 303, report.Overall.Ap50!.Value, 12);
        Assert.Equal(2, m.Truth);
        Assert.Equal(3, m.Detections);
    }

    [Fact]
    public void BestF1_PicksTheThresholdWithTheHighestF1_AndCountsFalsePositivesPerMegapixel()
    {
        // F1 = 2 TP / (2 TP + FP + FN): at 0.9 → 2/3; at 0.8 → 2/4; at 0.7 → 4/5 = 0.8, the best.
        // At 0.7 one false positive over 1000 × 500 px = 0.5 MP → 2 per MP.
        var best = DetectionEvaluator.Evaluate([TwoObjectsThreeDetections()], OneClass).Overall.BestF1;

        Assert.Equal(0.7f, (float)best.Threshold!.Value);
        Assert.Equal(2.0 / 3, best.Precision, 12);
        Assert.Equal(1.0, best.Recall, 12);
        Assert.Equal(0.8, best.F1, 12);
        Assert.Equal((2, 1, 0), (best.TruePositives, best.FalsePositives, best.FalseNegatives));
        Assert.Equal(2.0, best.FalsePositivesPerMegapixel, 12);
    }

    [Fact]
    public void RecallAtPrecision80_IsTheHighestRecallOfAPointThatPrecise()
    {
        // Precisions 1, 0.5, 2/3: only the 0.9 point reaches 0.8, with recall 0.5.
        var m = DetectionEvaluator.Evaluate([TwoObjectsThreeDetections()], OneClass).Overall;

        Assert.Equal(0.5, m.RecallAtPrecision80, 12);
        Assert.Equal(0.9f, (float)m.AtPrecision80!.Threshold!.Value);
    }

    [Theory]
    [InlineData(80, 1.0, 0.7)] // IoU 80/100 = 0.80 → matches at 0.50, 0.55, …, 0.80: 7 of 10
    [InlineData(78, 1.0, 0.6)] // IoU 0.78 → 0.50 … 0.75: 6 of 10
    [InlineData(50, 1.0, 0.1)] // IoU 0.50 → only at 0.50
    [InlineData(49, 0.0, 0.0)] // IoU 0.49 → never
    public void Ap50To95_CountsTheIoUThresholdsABoxReaches(int detectedHeight, double ap50, double ap50To95)
    {
        // A 100 × 100 object and a 100 × h box inside it: IoU = h / 100; AP is 1 where it matches, 0 where not.
        var image = Image([Truth(new PixelBox(0, 0, 100, 100))], [Hit(new PixelBox(0, 0, 100, detectedHeight), 0.9f)]);

        var m = DetectionEvaluator.Evaluate([image], OneClass).Overall;

        Assert.Equal(ap50, m.Ap50!.Value, 12);
        Assert.Equal(ap50To95, m.Ap50To95!.Value, 12);
    }

    [Fact]
    public void ADetectionOfAnotherClass_IsAFalsePositive_AndTheObjectIsMissed()
    {
        string[] names = ["ap_mine", "uxo"];
        var image = Image([Truth(A, cls: 0)], [Hit(A, 0.9f, cls: 1)]);

        var report = DetectionEvaluator.Evaluate([image], names);

        var mine = report.Classes[0].Metrics;
        var uxo = report.Classes[1].Metrics;
        Assert.Equal(0.0, mine.Ap50!.Value);
        Assert.Equal(0.0, mine.BestF1.Recall);
        Assert.Null(uxo.Ap50); // nothing to find
        Assert.Equal(1, uxo.Detections);
        Assert.Equal(0.0, report.Overall.Ap50!.Value); // the mean over classes with objects: ap_mine only

        // Nothing is ever right, so the best operating point accepts nothing.
        Assert.Null(report.Overall.BestF1.Threshold);
        Assert.Equal(1, report.Overall.BestF1.FalseNegatives);
    }

    [Fact]
    public void OverallAp_IsTheMeanOverClassesWithObjects_AndOperatingPointsPoolTheClasses()
    {
        // ap_mine: one object found (0.9) → AP 1. uxo: two objects, one found (0.8) → one point (P 1, R 0.5):
        // levels 0–0.50 → 1, the rest 0 → AP 51/101. at_mine has no objects and no boxes: not in the mean.
        // mAP50 = (1 + 51/101) / 2 = 76/101.
        string[] names = ["ap_mine", "at_mine", "uxo"];
        var image = Image([Truth(A, 0), Truth(B, 2), Truth(Empty, 2)], [Hit(A, 0.9f, 0), Hit(B, 0.8f, 2)]);

        var report = DetectionEvaluator.Evaluate([image], names);

        Assert.Equal(1.0, report.Classes[0].Metrics.Ap50!.Value, 12);
        Assert.Null(report.Classes[1].Metrics.Ap50);
        Assert.Equal(51.0 / 101, report.Classes[2].Metrics.Ap50!.Value, 12);
        Assert.Equal(76.0 / 101, report.Overall.Ap50!.Value, 12);

        // Pooled: 3 objects; at 0.8 both boxes are right: P 1, R 2/3, F1 = 4 / (4 + 0 + 1) = 0.8.
        var best = report.Overall.BestF1;
        Assert.Equal(0.8f, (float)best.Threshold!.Value);
        Assert.Equal(2.0 / 3, best.Recall, 12);
        Assert.Equal(0.8, best.F1, 12);
        Assert.Equal(3, report.Overall.Truth);
        Assert.Equal(2, report.Overall.Detections);
    }

    [Fact]
    public void DuplicateBoxesOnOneObject_AreOneTruePositiveAndFalsePositives()
    {
        // 0.9 and 0.8 both cover A (the second with IoU 90/100 = 0.9): curve (1, 1) then (0.5, 1); AP 1.
        var image = Image([Truth(A)], [Hit(A, 0.9f), Hit(new PixelBox(0, 1, 10, 10), 0.8f)]);

        var m = DetectionEvaluator.Evaluate([image], OneClass, threshold: 0.8).Overall;

        Assert.Equal(1.0, m.Ap50!.Value, 12);
        Assert.Equal((1, 1), (m.AtThreshold!.TruePositives, m.AtThreshold.FalsePositives));
        Assert.Equal(0.9f, (float)m.BestF1.Threshold!.Value);
        Assert.Equal(0, m.BestF1.FalsePositives);
    }

    [Fact]
    public void NoDetections_GiveApZero_AndRecallZero()
    {
        var report = DetectionEvaluator.Evaluate([Image([Truth(A), Truth(B)], [])], OneClass);

        var m = report.Overall;
        Assert.Equal(0.0, m.Ap50!.Value);
        Assert.Equal(0.0, m.Ap50To95!.Value);
        Assert.Equal(0.0, m.BestF1.Recall);
        Assert.Equal(0.0, m.BestF1.Precision);
        Assert.Null(m.BestF1.Threshold);
        Assert.Equal(0.0, m.RecallAtPrecision80);
        Assert.Equal(0, m.Detections);
    }

    [Fact]
    public void EqualScores_EnterTheCurveTogether_WhateverTheImageOrder()
    {
        // Image 1: 0.9 finds its object; image 2: 0.9 is false and its object missed. One point: P 0.5, R 0.5.
        // Levels 0–0.50 → 0.5, the rest 0 → AP = 51 × 0.5 / 101.
        var right = Image([Truth(A)], [Hit(A, 0.9f)], name: "right");
        var wrong = Image([Truth(A)], [Hit(Empty, 0.9f)], name: "wrong");

        double? ap1 = DetectionEvaluator.Evaluate([right, wrong], OneClass).Overall.Ap50;
        double? ap2 = DetectionEvaluator.Evaluate([wrong, right], OneClass).Overall.Ap50;

        Assert.Equal(25.5 / 101, ap1!.Value, 12);
        Assert.Equal(ap1, ap2);
    }

    [Fact]
    public void FalsePositivesPerMegapixel_DividesByTheWholeSetsPixels()
    {
        // 1000 × 1000 + 2000 × 500 = 2 MP. 0.95 boxes are both false (F1 0); at 0.9 TP 1, FP 2, FN 0:
        // F1 = 2 / (2 + 2) = 0.5 → the best point; 2 false positives / 2 MP = 1 per MP.
        var one = Image([Truth(A)], [Hit(A, 0.9f), Hit(Empty, 0.95f)], 1000, 1000);
        var two = Image([], [Hit(Empty, 0.95f)], 2000, 500);

        var report = DetectionEvaluator.Evaluate([one, two], OneClass);

        Assert.Equal(2.0, report.Megapixels, 12);
        Assert.Equal(0.9f, (float)report.Overall.BestF1.Threshold!.Value);
        Assert.Equal(1.0, report.Overall.BestF1.FalsePositivesPerMegapixel, 12);
    }

    [Fact]
    public void AtThreshold_AcceptsAScoreEqualToTheThreshold()
    {
        // --conf 0.7 keeps all three boxes (0.7f is not below 0.7): TP 2, FP 1; --conf 0.71 drops B's box.
        var image = TwoObjectsThreeDetections();

        var at70 = DetectionEvaluator.Evaluate([image], OneClass, 0.7).Overall.AtThreshold!;
        var at71 = DetectionEvaluator.Evaluate([image], OneClass, 0.71).Overall.AtThreshold!;

        Assert.Equal((2, 1, 0), (at70.TruePositives, at70.FalsePositives, at70.FalseNegatives));
        Assert.Equal((1, 1, 1), (at71.TruePositives, at71.FalsePositives, at71.FalseNegatives));
        Assert.Equal(0.71, at71.Threshold);
    }

    [Fact]
    public void AClassIdOutsideTheNames_IsEvaluatedUnderAPlaceholderName()
    {
        var report = DetectionEvaluator.Evaluate([Image([Truth(A)], [Hit(A, 0.9f, cls: 3)])], OneClass);

        Assert.Equal(["ap_mine", "class3"], report.Classes.Select(c => c.Name));
    }

    [Fact]
    public void OutcomeAt_ListsFoundMissedAndFalseBoxes_AtTheThreshold()
    {
        // At 0.75: 0.9 finds A, 0.8 is false, 0.7 (B) is not accepted so B is missed.
        var image = TwoObjectsThreeDetections();

        var outcome = DetectionEvaluator.OutcomeAt(image, 0.75);
        var nothing = DetectionEvaluator.OutcomeAt(image, null);

        Assert.Equal(A, Assert.Single(outcome.Found).Box);
        Assert.Equal(B, Assert.Single(outcome.Missed).Box);
        Assert.Equal(Empty, Assert.Single(outcome.FalsePositives).Box);
        Assert.False(outcome.IsPerfect);
        Assert.Equal(2, nothing.Missed.Count);
        Assert.Empty(nothing.FalsePositives);
    }
}
