using DroneScan.Core.Detection;
using DroneScan.Detection;

namespace DroneScan.Pipeline.Detect;

/// <summary>How photos are cut into tiles and their detections merged. Defaults suit small objects in
/// full-resolution drone photos.</summary>
public sealed record TiledDetectionOptions
{
    /// <summary>The final score threshold when neither the user nor the model (<see cref="ModelInfo.DefaultConf"/>) gives one.</summary>
    public const float DefaultMinScore = 0.25f;

    /// <summary>Minimum score of a detection: the class score, or with a verifier the combined final score.</summary>
    public float MinScore { get; init; } = DefaultMinScore;

    /// <summary>
    /// With a verifier: the stage-1 score a box needs to become a candidate, instead of the model's
    /// (<see cref="ModelInfo.ProposalScore"/>) or a lower <see cref="MinScore"/>; null (the default) leaves that rule.
    /// An evaluation sets it to the model's proposal score to measure exactly the candidates <c>detect</c> verifies.
    /// </summary>
    public float? ProposalScore { get; init; }

    /// <summary>Chips per verifier run (when the model has a verifier with a dynamic batch).</summary>
    public int VerifyBatchSize { get; init; } = 32;

    /// <summary>Overlap of neighbouring tiles, as a fraction of the tile size.</summary>
    public double Overlap { get; init; } = 0.2;

    /// <summary>Tiles per inference call.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Rescale photos so objects appear at the size the model learned (needs both GSDs).</summary>
    public bool GsdScaling { get; init; } = true;

    public double MinScale { get; init; } = 0.25;

    public double MaxScale { get; init; } = 4;

    /// <summary>
    /// A GSD rescale within this fraction of 1 is skipped: resizing a 20-MP photo costs ~0.36 s here, while a
    /// 3 % change in object size is well inside what the model was trained on (scale jitter 0.6–1.4).
    /// </summary>
    public double ScaleTolerance { get; init; } = 0.03;

    /// <summary>Also run the model once on the whole photo shrunk to one tile, for objects larger than a tile.</summary>
    public bool FullFrame { get; init; }

    /// <summary>
    /// Smallest plausible object, metres (longest box side × photo GSD). Boxes smaller than this are dropped when
    /// the photo's GSD is known: the smallest catalogued items (PMA-2, 6.8 cm; M77, 8 cm long) stay well above
    /// it even when half buried, while the texture specks a detector fires on in coarse, upsampled photos
    /// (2–5 cm) fall below it. 0 disables the gate.
    /// </summary>
    public double MinObjectSizeM { get; init; } = 0.04;

    /// <summary>Suppression inside one tile (duplicates from neighbouring anchors).</summary>
    public MergeOptions TileMerge { get; init; } = new() { Mode = MergeMode.Suppress, Metric = OverlapMetric.IoU, Threshold = 0.7, MaxDetections = 300 };

    /// <summary>Merging across tiles (objects cut by tile edges).</summary>
    public MergeOptions PhotoMerge { get; init; } = new();

    /// <summary>
    /// Suppression after a verifier has refined the boxes (<see cref="VerifierInfo.RefinesBoxes"/>): greedy, best final
    /// score first, IoU ≥ 0.5 across classes, as verifier.py's <c>agnostic_nms</c> that the refined models were
    /// measured with. Several candidates of one object (stage-1 boxes of both classes, or badly placed ones) are
    /// refined onto the same box; only the best stays.
    /// </summary>
    public MergeOptions RefinedMerge { get; init; } = new()
    {
        Mode = MergeMode.Suppress, Metric = OverlapMetric.IoU, Threshold = 0.5, ClassAgnostic = true, MaxDetections = int.MaxValue,
    };

    /// <summary>Photos over this many pixels are refused before decoding.</summary>
    public long MaxPixels { get; init; } = Imaging.Pixels.PhotoDecoder.DefaultMaxPixels;

    /// <summary>Wall-clock limit on reading, georeferencing and decoding one photo; a photo over it fails with
    /// <c>timeout</c> and the run goes on. Zero or negative: no limit.</summary>
    public TimeSpan PhotoTimeLimit { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The final score threshold a model recommends (<see cref="ModelInfo.DefaultConf"/>), else
    /// <see cref="DefaultMinScore"/>: what runs when the user gives none.</summary>
    public static float RecommendedMinScore(ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.DefaultConf is { } conf ? (float)conf : DefaultMinScore;
    }
}

/// <summary>What the detector found in one photo, in pixels of the oriented original photo.</summary>
public sealed record PhotoDetections(
    string File,
    int Width,
    int Height,
    double Scale,
    int Tiles,
    IReadOnlyList<DetectionBox> Detections,
    string? Error = null)
{
    /// <summary>The model the photo ran through (its class names label <see cref="Detections"/>); null for a photo
    /// that could not be read before a model was chosen.</summary>
    public ModelInfo? Model { get; init; }

    /// <summary>Why the model choice was not the plain one (<see cref="ModelChoice.Note"/>); null otherwise.</summary>
    public string? ModelNote { get; init; }

    public static PhotoDetections Failed(string file, string error) => new(file, 0, 0, 1, 0, [], error);
}
