namespace DroneScan.Core.Detection;

/// <summary>One detector hit in oriented-image pixels: box, class index and score (0–1).</summary>
public sealed record DetectionBox(PixelBox Box, int ClassId, float Score);

/// <summary>How two boxes are compared when merging.</summary>
public enum OverlapMetric
{
    /// <summary>Intersection over union.</summary>
    IoU,

    /// <summary>Intersection over the smaller box (what SAHI uses for objects cut by tile edges).</summary>
    IoS,
}

/// <summary>What to do with overlapping boxes of one class.</summary>
public enum MergeMode
{
    /// <summary>Non-maximum suppression: keep the best box, drop the others.</summary>
    Suppress,

    /// <summary>Non-maximum merging: grow the best box to the union of the boxes it absorbs.</summary>
    Merge,
}

/// <summary>Merging options; the defaults suit objects cut by tile edges.</summary>
public sealed record MergeOptions
{
    public MergeMode Mode { get; init; } = MergeMode.Merge;

    public OverlapMetric Metric { get; init; } = OverlapMetric.IoS;

    public double Threshold { get; init; } = 0.5;

    /// <summary>Compare boxes of different classes too (one object, one class).</summary>
    public bool ClassAgnostic { get; init; }

    public int MaxDetections { get; init; } = 1000;

    /// <summary>In <see cref="MergeMode.Merge"/>, a box grows only with boxes scoring at least this fraction of
    /// its own score; weaker overlapping boxes are suppressed instead, so low-score clutter around an object (as
    /// seen at the low score floor of an evaluation) cannot inflate its box.</summary>
    public double MergeScoreRatio { get; init; } = 0.5;
}

/// <summary>
/// Greedy per-class suppression or merging of detections, best score first. A box is compared with the kept
/// box as it stands (for merging, the growing union), so a chain of tile fragments collapses into one box.
/// </summary>
public static class BoxMerger
{
    public static IReadOnlyList<DetectionBox> Merge(IEnumerable<DetectionBox> detections, MergeOptions options)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(options);
        var sorted = detections.OrderByDescending(d => d.Score).ToList();
        var kept = new List<DetectionBox>();
        var absorbed = new bool[sorted.Count];
        for (int i = 0; i < sorted.Count && kept.Count < options.MaxDetections; i++)
        {
            if (absorbed[i])
            {
                continue;
            }

            var best = sorted[i];
            var box = best.Box;
            for (int j = i + 1; j < sorted.Count; j++)
            {
                var other = sorted[j];
                if (absorbed[j] || (!options.ClassAgnostic && other.ClassId != best.ClassId))
                {
                    continue;
                }

                double overlap = options.Metric == OverlapMetric.IoU ? box.IoU(other.Box) : box.IoS(other.Box);
                if (overlap >= options.Threshold)
                {
                    absorbed[j] = true;
                    if (options.Mode == MergeMode.Merge && other.Score >= options.MergeScoreRatio * best.Score)
                    {
                        box = box.Union(other.Box);
                    }
                }
            }

            kept.Add(best with { Box = box });
        }

        return kept;
    }
}
