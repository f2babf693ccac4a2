using DroneScan.Core.Detection;

namespace DroneScan.Core.Evaluation;

/// <summary>
/// The boxes a detector puts on images where nothing is annotated (an empty or missing label file), at one score
/// threshold, per megapixel of those images: the false alarms a survey raises over clean ground. Unlike the false
/// positives per megapixel of an <see cref="OperatingPoint"/>, which counts every unmatched box over all imagery,
/// none of these can be a badly placed box on a real object.
/// </summary>
/// <param name="Threshold">Boxes scoring at least this count; null: none is accepted (no threshold found anything).</param>
/// <param name="Images">Object-free images.</param>
/// <param name="Megapixels">Their size.</param>
/// <param name="Boxes">Boxes on them at the threshold.</param>
public sealed record ObjectFreeRate(double? Threshold, int Images, double Megapixels, int Boxes)
{
    /// <summary>Boxes per megapixel of object-free imagery; null when there is no object-free image.</summary>
    public double? FalsePositivesPerMegapixel => Megapixels > 0 ? Boxes / Megapixels : null;

    /// <summary>Counts the boxes scoring at least <paramref name="threshold"/> (compared as float32, as
    /// <see cref="PrecisionRecallCurve.At"/> does) on the object-free images among <paramref name="images"/>.</summary>
    public static ObjectFreeRate At(IEnumerable<EvaluationImage> images, double? threshold)
    {
        ArgumentNullException.ThrowIfNull(images);
        int count = 0, boxes = 0;
        double megapixels = 0;
        foreach (var image in images)
        {
            if (!image.IsObjectFree)
            {
                continue;
            }

            count++;
            megapixels += image.Megapixels;
            if (threshold is { } t)
            {
                float score = (float)t;
                foreach (var d in image.Detections)
                {
                    boxes += d.Score >= score ? 1 : 0;
                }
            }
        }

        return new ObjectFreeRate(threshold, count, megapixels, boxes);
    }
}

/// <summary>
/// Recall split by where the object lies at one score: objects whose box touches the image edge (within
/// <see cref="EdgeMarginPx"/>) against whole ones inside it. In a set of tiles cut from larger photos, most edge objects
/// are pieces cut by the tiling, which a scan of the whole photo (overlapping tiles) sees whole; the split shows how
/// much of a set's recall they account for. Both counts are reported next to the pooled recall, never instead of it.
/// </summary>
/// <param name="Threshold">Boxes scoring at least this count; null: none is accepted.</param>
/// <param name="EdgeObjects">Objects touching the image edge.</param>
/// <param name="EdgeFound">Of those, found at IoU 0.5.</param>
/// <param name="InnerObjects">Objects clear of the edge.</param>
/// <param name="InnerFound">Of those, found at IoU 0.5.</param>
public sealed record EdgeRecall(double? Threshold, int EdgeObjects, int EdgeFound, int InnerObjects, int InnerFound)
{
    /// <summary>How close (pixels) to a border a box may come and still count as clear of the edge.</summary>
    public const double EdgeMarginPx = 1.0;

    /// <summary>Recall of the objects touching the edge; null without any.</summary>
    public double? EdgeRecallValue => EdgeObjects > 0 ? (double)EdgeFound / EdgeObjects : null;

    /// <summary>Recall of the objects clear of the edge; null without any.</summary>
    public double? InnerRecallValue => InnerObjects > 0 ? (double)InnerFound / InnerObjects : null;

    /// <summary>Whether <paramref name="box"/> comes within <see cref="EdgeMarginPx"/> of a border of a
    /// <paramref name="width"/> × <paramref name="height"/> image.</summary>
    public static bool TouchesEdge(PixelBox box, int width, int height) =>
        box.X1 <= EdgeMarginPx || box.Y1 <= EdgeMarginPx || box.X2 >= width - EdgeMarginPx || box.Y2 >= height - EdgeMarginPx;

    /// <summary>Matches every image at <paramref name="threshold"/> as <see cref="DetectionEvaluator.OutcomeAt"/> does
    /// (IoU 0.5, greedy by score) and counts found and annotated objects on and off the edge.</summary>
    public static EdgeRecall At(IEnumerable<EvaluationImage> images, double? threshold)
    {
        ArgumentNullException.ThrowIfNull(images);
        int edge = 0, edgeFound = 0, inner = 0, innerFound = 0;
        foreach (var image in images)
        {
            if (image.IsObjectFree)
            {
                continue;
            }

            var outcome = DetectionEvaluator.OutcomeAt(image, threshold);
            int edgeHere = image.Truth.Count(g => TouchesEdge(g.Box, image.Width, image.Height));
            int edgeFoundHere = outcome.Found.Count(g => TouchesEdge(g.Box, image.Width, image.Height));
            edge += edgeHere;
            edgeFound += edgeFoundHere;
            inner += image.Truth.Count - edgeHere;
            innerFound += outcome.Found.Count - edgeFoundHere;
        }

        return new EdgeRecall(threshold, edge, edgeFound, inner, innerFound);
    }
}

/// <summary>A named part of an evaluation set, such as one flight, with its images.</summary>
public sealed record EvaluationGroup(string Name, IReadOnlyList<EvaluationImage> Images);

/// <summary>The metrics of one group, and its false boxes on object-free images.</summary>
public sealed record GroupReport(string Name, EvaluationReport Report, ObjectFreeRate ObjectFree);

/// <summary>
/// An evaluation set made of groups (flights): each group on its own, and all of them pooled.
/// </summary>
/// <param name="Groups">Per group, in the order given.</param>
/// <param name="Overall">All groups' images pooled as one set.</param>
/// <param name="ObjectFree">All groups' object-free images pooled.</param>
/// <param name="ClassAgnostic">Whether every class was taken as one (<see cref="EvaluationImage.ClassAgnostic"/>).</param>
public sealed record GroupedEvaluationReport(IReadOnlyList<GroupReport> Groups, EvaluationReport Overall, ObjectFreeRate ObjectFree, bool ClassAgnostic)
{
    /// <summary>The score at which the object-free boxes of every group were counted.</summary>
    public double? ObjectFreeThreshold => ObjectFree.Threshold;

    /// <summary>All groups' recall at <see cref="ObjectFreeThreshold"/>, objects touching the image edge apart from the rest.</summary>
    public EdgeRecall? Edge { get; init; }
}

/// <summary>One score of a threshold sweep: all groups pooled, the object-free images' false boxes, and each group.</summary>
/// <param name="Threshold">The score: detections at or above it are accepted.</param>
/// <param name="Overall">All groups pooled (classes pooled under the one threshold).</param>
/// <param name="ObjectFree">False boxes on the object-free images of all groups at this score.</param>
/// <param name="Groups">Each group's pooled operating point, in the groups' order.</param>
public sealed record SweepPoint(double Threshold, OperatingPoint Overall, ObjectFreeRate ObjectFree, IReadOnlyList<OperatingPoint> Groups);

/// <summary>
/// Evaluates groups of images with <see cref="DetectionEvaluator"/>, each group and all pooled, and counts the false
/// boxes on object-free images. These are counted at one score for every group: the threshold given, else the
/// pooled best-F1 score (a survey runs every flight at one threshold; a flight with nothing to find has no
/// best-F1 score of its own).
/// </summary>
public static class GroupedEvaluator
{
    /// <param name="groups">The groups; their images are evaluated once each, on their own and pooled.</param>
    /// <param name="classNames">As <see cref="DetectionEvaluator.Evaluate"/>; ignored when class-agnostic.</param>
    /// <param name="threshold">A score the user chose, as <see cref="DetectionEvaluator.Evaluate"/>.</param>
    /// <param name="classAgnostic">Put every object and detection in one class, "object", before matching.</param>
    public static GroupedEvaluationReport Evaluate(IReadOnlyList<EvaluationGroup> groups, IReadOnlyList<string> classNames, double? threshold = null, bool classAgnostic = false)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classAgnostic)
        {
            groups = [.. groups.Select(g => g with { Images = [.. g.Images.Select(i => i.ClassAgnostic())] })];
            classNames = [EvaluationImage.AgnosticClassName];
        }

        var all = groups.SelectMany(g => g.Images).ToList();
        var overall = DetectionEvaluator.Evaluate(all, classNames, threshold);
        double? at = threshold ?? overall.Overall.BestF1.Threshold;
        var reports = groups
            .Select(g => new GroupReport(g.Name, DetectionEvaluator.Evaluate(g.Images, classNames, threshold), ObjectFreeRate.At(g.Images, at)))
            .ToList();
        return new GroupedEvaluationReport(reports, overall, ObjectFreeRate.At(all, at), classAgnostic) { Edge = EdgeRecall.At(all, at) };
    }

    /// <summary>
    /// The operating points at several scores from one set of detections, lowest score first: recall against false
    /// boxes per megapixel, to choose a model's default threshold (e.g. the lowest score whose false boxes on
    /// object-free images stay within what analysts can review) without running the model again.
    /// </summary>
    public static IReadOnlyList<SweepPoint> Sweep(IReadOnlyList<EvaluationGroup> groups, IReadOnlyList<string> classNames, IEnumerable<double> thresholds, bool classAgnostic = false)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        return [.. thresholds.Distinct().Order().Select(t =>
        {
            var report = Evaluate(groups, classNames, t, classAgnostic);
            return new SweepPoint(t, report.Overall.Overall.AtThreshold!, report.ObjectFree, [.. report.Groups.Select(g => g.Report.Overall.AtThreshold!)]);
        })];
    }
}
