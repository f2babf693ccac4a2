namespace DroneScan.Core.Evaluation;

/// <summary>
/// COCO-style matching of detections to ground truth within one image: detections are taken best score first
/// (equal scores in their given order) and each is matched to the still-unmatched ground-truth box of its own
/// class with the highest IoU, provided that IoU reaches the threshold. A detection that finds none is a false
/// positive, so a second box on an already-found object is one too. Unlike COCO there are no "crowd" boxes, area
/// ranges or per-image detection cap.
/// </summary>
public static class DetectionMatcher
{
    /// <summary>An IoU within this of a threshold reaches it: exact hand-computed ratios such as 0.8 must not be
    /// lost to the rounding of the area arithmetic.</summary>
    public const double IoUTolerance = 1e-9;

    /// <summary>For each detection (by index), the index of the ground-truth box it matches, or −1.</summary>
    public static int[] Match(EvaluationImage image, double iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Match(image, [iouThreshold])[0];
    }

    /// <summary>The matching at several IoU thresholds at once; the IoUs are computed once.</summary>
    public static int[][] Match(EvaluationImage image, IReadOnlyList<double> iouThresholds)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(iouThresholds);
        var truth = image.Truth;
        var detections = image.Detections;

        // Stable sort: ties keep their order, so the result never depends on the sort implementation.
        int[] order = [.. Enumerable.Range(0, detections.Count).OrderByDescending(i => detections[i].Score)];

        // IoU of every same-class pair; −1 marks a pair of different classes, which can never match.
        var iou = new double[detections.Count, truth.Count];
        for (int d = 0; d < detections.Count; d++)
        {
            for (int g = 0; g < truth.Count; g++)
            {
                iou[d, g] = detections[d].ClassId == truth[g].ClassId ? detections[d].Box.IoU(truth[g].Box) : -1;
            }
        }

        var result = new int[iouThresholds.Count][];
        var taken = new bool[truth.Count];
        for (int t = 0; t < iouThresholds.Count; t++)
        {
            double threshold = iouThresholds[t] - IoUTolerance;
            var match = new int[detections.Count];
            Array.Fill(match, -1);
            Array.Clear(taken);
            foreach (int d in order)
            {
                int best = -1;
                double bestIoU = threshold;
                for (int g = 0; g < truth.Count; g++)
                {
                    if (!taken[g] && iou[d, g] >= bestIoU && (best < 0 || iou[d, g] > iou[d, best]))
                    {
                        best = g;
                        bestIoU = iou[d, g];
                    }
                }

                if (best >= 0)
                {
                    taken[best] = true;
                    match[d] = best;
                }
            }

            result[t] = match;
        }

        return result;
    }
}
