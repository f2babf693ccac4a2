namespace DroneScan.Core.Evaluation;

/// <summary>
/// The counts at one score threshold over a set of images: detections scoring at least <see cref="Threshold"/>
/// are accepted (null: none is). Precision is 0 when nothing is accepted and recall 0 when there is nothing to
/// find, so an empty operating point never looks good.
/// </summary>
public sealed record OperatingPoint(double? Threshold, int TruePositives, int FalsePositives, int FalseNegatives, double Megapixels)
{
    public int Truth => TruePositives + FalseNegatives;

    public int Accepted => TruePositives + FalsePositives;

    public double Precision => Accepted > 0 ? (double)TruePositives / Accepted : 0;

    public double Recall => Truth > 0 ? (double)TruePositives / Truth : 0;

    /// <summary>Harmonic mean of precision and recall, written as 2 TP / (2 TP + FP + FN) (the same number).</summary>
    public double F1 => TruePositives > 0 ? 2.0 * TruePositives / ((2.0 * TruePositives) + FalsePositives + FalseNegatives) : 0;

    /// <summary>False detections per megapixel of imagery: the boxes an analyst rejects for each megapixel
    /// reviewed, the cost of a threshold in review time.</summary>
    public double FalsePositivesPerMegapixel => Megapixels > 0 ? FalsePositives / Megapixels : 0;
}

/// <summary>
/// The precision–recall curve of one class (or of all classes pooled) at one IoU threshold. There is one
/// operating point per distinct score, best first: detections with equal scores are accepted together, so the
/// curve, and everything computed from it, does not depend on the order of ties (COCO instead breaks ties by
/// image order, which only differs when scores are exactly equal).
/// </summary>
public sealed class PrecisionRecallCurve
{
    /// <summary>Recall levels 0, 0.01, …, 1 of COCO's interpolated average precision.</summary>
    public const int RecallSteps = 100;

    private PrecisionRecallCurve(int truth, double megapixels, IReadOnlyList<OperatingPoint> points)
    {
        Truth = truth;
        Megapixels = megapixels;
        Points = points;
    }

    /// <summary>Objects there are to find.</summary>
    public int Truth { get; }

    /// <summary>Size of the imagery the curve covers (for false positives per megapixel).</summary>
    public double Megapixels { get; }

    /// <summary>One point per distinct score, highest score (threshold) first.</summary>
    public IReadOnlyList<OperatingPoint> Points { get; }

    /// <summary>The point where nothing is accepted.</summary>
    public OperatingPoint None => new(null, 0, 0, Truth, Megapixels);

    /// <summary>Builds the curve from matched detections: each one's score and whether it found an object.</summary>
    public static PrecisionRecallCurve From(IEnumerable<(float Score, bool IsTruePositive)> detections, int truth, double megapixels)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentOutOfRangeException.ThrowIfNegative(truth);
        var sorted = detections.OrderByDescending(d => d.Score).ToList();
        var points = new List<OperatingPoint>();
        int tp = 0, fp = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].IsTruePositive)
            {
                tp++;
            }
            else
            {
                fp++;
            }

            // A point only where the score changes: the whole group of equal scores is in.
            if (i == sorted.Count - 1 || sorted[i + 1].Score != sorted[i].Score)
            {
                points.Add(new OperatingPoint(sorted[i].Score, tp, fp, truth - tp, megapixels));
            }
        }

        return new PrecisionRecallCurve(truth, megapixels, points);
    }

    /// <summary>
    /// COCO's 101-point interpolated average precision: the mean, over recall levels r = 0, 0.01, …, 1, of the
    /// interpolated precision at r — the highest precision of any operating point with recall ≥ r (the
    /// "precision envelope"), or 0 when no point reaches r. Null when there is nothing to find.
    /// </summary>
    public double? AveragePrecision()
    {
        if (Truth == 0)
        {
            return null;
        }

        // Envelope: precision made non-increasing in recall by taking the best precision further along the curve.
        var envelope = new double[Points.Count];
        double best = 0;
        for (int i = Points.Count - 1; i >= 0; i--)
        {
            best = Math.Max(best, Points[i].Precision);
            envelope[i] = best;
        }

        // Recall ≥ k/100 is tested as 100 TP ≥ k Truth, in integers, so recall exactly on a level counts.
        double sum = 0;
        int p = 0;
        for (int k = 0; k <= RecallSteps; k++)
        {
            while (p < Points.Count && (long)RecallSteps * Points[p].TruePositives < (long)k * Truth)
            {
                p++;
            }

            if (p == Points.Count)
            {
                break;
            }

            sum += envelope[p];
        }

        return sum / (RecallSteps + 1);
    }

    /// <summary>The operating point with the highest F1; on a tie the higher threshold (fewer boxes to review).
    /// When no threshold finds anything (F1 0 everywhere) it is <see cref="None"/>.</summary>
    public OperatingPoint BestF1()
    {
        var best = None;
        foreach (var point in Points)
        {
            if (point.F1 > best.F1)
            {
                best = point;
            }
        }

        return best;
    }

    /// <summary>The highest-recall operating point whose precision is at least <paramref name="minPrecision"/>
    /// (on a tie the higher threshold), or null when none is that precise.</summary>
    public OperatingPoint? MaxRecallAtPrecision(double minPrecision)
    {
        OperatingPoint? best = null;
        foreach (var point in Points)
        {
            if (point.Precision >= minPrecision && point.TruePositives > (best?.TruePositives ?? 0))
            {
                best = point;
            }
        }

        return best;
    }

    /// <summary>The counts when detections scoring at least <paramref name="threshold"/> are accepted. Scores are
    /// float32, so the threshold is compared as one: --conf 0.9 accepts a score of 0.9f.</summary>
    public OperatingPoint At(double threshold)
    {
        float t = (float)threshold;
        var at = None;
        foreach (var point in Points)
        {
            if ((float)point.Threshold!.Value < t)
            {
                break;
            }

            at = point;
        }

        return at with { Threshold = threshold };
    }
}
