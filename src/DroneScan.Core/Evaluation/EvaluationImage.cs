using DroneScan.Core.Detection;

namespace DroneScan.Core.Evaluation;

/// <summary>One annotated object: its class index and its box in oriented-image pixels.</summary>
public sealed record GroundTruthBox(int ClassId, PixelBox Box);

/// <summary>
/// One image of an evaluation set: its size in oriented pixels (for false positives per megapixel), the annotated
/// objects and what the detector returned for it (every detection above the run's score floor).
/// </summary>
public sealed record EvaluationImage(
    string Name,
    int Width,
    int Height,
    IReadOnlyList<GroundTruthBox> Truth,
    IReadOnlyList<DetectionBox> Detections)
{
    public double Megapixels => (double)Width * Height / 1e6;
}

/// <summary>
/// What an analyst would see in one image at one score threshold (IoU 0.5): the objects found, the objects
/// missed, and the detections that match no object.
/// </summary>
public sealed record ImageOutcome(
    EvaluationImage Image,
    IReadOnlyList<GroundTruthBox> Found,
    IReadOnlyList<GroundTruthBox> Missed,
    IReadOnlyList<DetectionBox> FalsePositives)
{
    public bool IsPerfect => Missed.Count == 0 && FalsePositives.Count == 0;
}
