using DroneScan.Core.Detection;

namespace DroneScan.Core.Evaluation;

/// <summary>
/// Detection quality of one class, or of all classes together (<see cref="EvaluationReport.Overall"/>).
/// </summary>
/// <param name="Truth">Objects annotated.</param>
/// <param name="Detections">Detections returned (every one above the run's score floor).</param>
/// <param name="Ap50">Average precision at IoU 0.5 (see <see cref="PrecisionRecallCurve.AveragePrecision"/>); null
/// when there is nothing to find. Overall: the mean over the classes that have objects (COCO's mAP50).</param>
/// <param name="Ap50To95">The mean of the average precisions at IoU 0.50, 0.55, …, 0.95 (COCO's AP); it rewards
/// tight boxes. Overall: the mean over the classes that have objects.</param>
/// <param name="BestF1">The operating point with the highest F1 at IoU 0.5, with its score threshold. Overall:
/// one threshold for all classes, on the pooled detections (what one --conf does).</param>
/// <param name="AtPrecision80">The highest-recall operating point with precision ≥ 0.8 at IoU 0.5, or null when
/// no threshold is that precise. Overall: pooled.</param>
/// <param name="AtThreshold">The operating point at a threshold the user chose, when one was given. Overall: pooled.</param>
public sealed record DetectionMetrics(
    int Truth,
    int Detections,
    double? Ap50,
    double? Ap50To95,
    OperatingPoint BestF1,
    OperatingPoint? AtPrecision80,
    OperatingPoint? AtThreshold)
{
    /// <summary>Recall at precision ≥ 0.8; 0 when no threshold is that precise.</summary>
    public double RecallAtPrecision80 => AtPrecision80?.Recall ?? 0;
}

/// <summary>The metrics of one class.</summary>
public sealed record ClassMetrics(int ClassId, string Name, DetectionMetrics Metrics);

/// <summary>The metrics of a whole evaluation set: per class, and overall.</summary>
public sealed record EvaluationReport(int Images, double Megapixels, DetectionMetrics Overall, IReadOnlyList<ClassMetrics> Classes);

/// <summary>
/// Scores detections against ground truth the way COCO does (matching by <see cref="DetectionMatcher"/>, 101-point
/// interpolated AP), and adds the operating-point numbers survey work needs: precision and recall at the best-F1
/// threshold, recall at precision ≥ 0.8, and false positives per megapixel (the analysts' review workload).
/// </summary>
public static class DetectionEvaluator
{
    /// <summary>IoU at which a detection counts as finding an object for AP50 and every operating point.</summary>
    public const double MatchIoU = 0.5;

    /// <summary>The precision an operating point needs for "recall at high precision".</summary>
    public const double HighPrecision = 0.8;

    /// <summary>IoU thresholds of AP50:95: 0.50, 0.55, …, 0.95 (computed from integers so 0.8 is the double 0.8).</summary>
    public static IReadOnlyList<double> IoUThresholds { get; } = [.. Enumerable.Range(0, 10).Select(k => (50 + (5 * k)) / 100.0)];

    /// <summary>
    /// Evaluates a set of images. Classes are those of <paramref name="classNames"/> plus any other class id that
    /// occurs (named "classN"); <paramref name="threshold"/>, when given, adds the operating point at that score.
    /// </summary>
    public static EvaluationReport Evaluate(IReadOnlyList<EvaluationImage> images, IReadOnlyList<string> classNames, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(classNames);
        var thresholds = IoUThresholds;
        double megapixels = images.Sum(i => i.Megapixels);

        // Per class, per IoU threshold: (score, found an object) of every detection of that class.
        var classIds = ClassIds(images, classNames.Count);
        var scored = classIds.ToDictionary(c => c, _ => thresholds.Select(_ => new List<(float, bool)>()).ToArray());
        var truth = classIds.ToDictionary(c => c, _ => 0);
        foreach (var image in images)
        {
            var matches = DetectionMatcher.Match(image, thresholds);
            for (int d = 0; d < image.Detections.Count; d++)
            {
                var detection = image.Detections[d];
                for (int t = 0; t < thresholds.Count; t++)
                {
                    scored[detection.ClassId][t].Add((detection.Score, matches[t][d] >= 0));
                }
            }

            foreach (var g in image.Truth)
            {
                truth[g.ClassId]++;
            }
        }

        var classes = new List<ClassMetrics>();
        foreach (int c in classIds)
        {
            var curves = scored[c].Select(s => PrecisionRecallCurve.From(s, truth[c], megapixels)).ToArray();
            var aps = curves.Select(curve => curve.AveragePrecision()).ToArray();
            var metrics = Metrics(curves[0], scored[c][0].Count, aps[0], truth[c] > 0 ? aps.Average(ap => ap!.Value) : null, threshold);
            classes.Add(new ClassMetrics(c, c < classNames.Count ? classNames[c] : $"class{c}", metrics));
        }

        // Overall: AP is the mean over classes with objects (a rare class counts as much as a common one); the
        // operating points pool the classes, because one score threshold is applied to all of them.
        var withTruth = classes.Where(c => c.Metrics.Truth > 0).ToList();
        var pooled = PrecisionRecallCurve.From(scored.Values.SelectMany(s => s[0]), truth.Values.Sum(), megapixels);
        var overall = Metrics(
            pooled,
            classes.Sum(c => c.Metrics.Detections),
            withTruth.Count > 0 ? withTruth.Average(c => c.Metrics.Ap50!.Value) : null,
            withTruth.Count > 0 ? withTruth.Average(c => c.Metrics.Ap50To95!.Value) : null,
            threshold);
        return new EvaluationReport(images.Count, megapixels, overall, classes);
    }

    /// <summary>
    /// What one image looks like at a score threshold (null: nothing accepted), matched at IoU 0.5. The matching
    /// is the one the metrics use: greedy best score first, so raising the threshold never changes which object a
    /// higher-scoring detection found.
    /// </summary>
    public static ImageOutcome OutcomeAt(EvaluationImage image, double? threshold)
    {
        ArgumentNullException.ThrowIfNull(image);
        var match = DetectionMatcher.Match(image, MatchIoU);
        var found = new bool[image.Truth.Count];
        var falsePositives = new List<DetectionBox>();
        for (int d = 0; d < image.Detections.Count; d++)
        {
            if (threshold is not { } t || image.Detections[d].Score < (float)t)
            {
                continue;
            }

            if (match[d] >= 0)
            {
                found[match[d]] = true;
            }
            else
            {
                falsePositives.Add(image.Detections[d]);
            }
        }

        var hit = image.Truth.Where((_, g) => found[g]).ToList();
        var missed = image.Truth.Where((_, g) => !found[g]).ToList();
        return new ImageOutcome(image, hit, missed, falsePositives);
    }

    private static DetectionMetrics Metrics(PrecisionRecallCurve curve, int detections, double? ap50, double? ap50To95, double? threshold) => new(
        curve.Truth,
        detections,
        ap50,
        ap50To95,
        curve.BestF1(),
        curve.MaxRecallAtPrecision(HighPrecision),
        threshold is { } t ? curve.At(t) : null);

    private static List<int> ClassIds(IReadOnlyList<EvaluationImage> images, int named)
    {
        var ids = new SortedSet<int>(Enumerable.Range(0, named));
        foreach (var image in images)
        {
            ids.UnionWith(image.Truth.Select(g => g.ClassId));
            ids.UnionWith(image.Detections.Select(d => d.ClassId));
        }

        return [.. ids];
    }
}
