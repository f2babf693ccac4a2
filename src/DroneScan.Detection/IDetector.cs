using DroneScan.Core.Detection;

namespace DroneScan.Detection;

/// <summary>
/// A detector of tiles, the port the tiled detection runs: <see cref="OnnxDetector"/> in production, a fake in tests
/// of the pipeline. Thread-safe; shared by the worker threads.
/// </summary>
public interface IDetector
{
    /// <summary>The model's contract: input size, classes, GSD, thresholds.</summary>
    ModelInfo Info { get; }

    /// <summary>The chip verifier of a two-stage model, or null.</summary>
    ChipVerifier? Verifier { get; }

    /// <summary>Detects in the first <paramref name="count"/> tiles of <paramref name="batch"/> (NCHW RGB 0..1,
    /// <see cref="ModelInfo.InputSize"/> square); boxes in tile pixels with a score of at least
    /// <paramref name="minScore"/>, suppressed per tile and class.</summary>
    IReadOnlyList<DetectionBox>[] Detect(float[] batch, int count, float minScore);
}
