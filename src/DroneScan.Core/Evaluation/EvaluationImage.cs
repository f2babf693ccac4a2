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
    /// <summary>The single class of a class-agnostic evaluation.</summary>
    public const string AgnosticClassName = "object";

    public double Megapixels => (double)Width * Height / 1e6;

    /// <summary>Nothing is annotated in it (an empty or missing label file): every box on it is a false one.</summary>
    public bool IsObjectFree => Truth.Count == 0;

    /// <summary>
    /// The same image with every object and every detection put in class 0 (<see cref="AgnosticClassName"/>), so a
    /// box finds any object it overlaps enough whatever class either was given: the question is "is something
    /// there", not "what is it".
    /// </summary>
    public EvaluationImage ClassAgnostic() => this with
    {
        Truth = [.. Truth.Select(g => g with { ClassId = 0 })],
        Detections = [.. Detections.Select(d => d with { ClassId = 0 })],
    };
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
