namespace DroneScan.Synth;

/// <summary>What a synthetic dataset looks like. Every choice inside is drawn from a seeded generator, so the
/// same options give the same bytes.</summary>
public sealed record SynthOptions
{
    public int Count { get; init; } = 100;

    public int Seed { get; init; } = 1;

    /// <summary>Square image size, pixels.</summary>
    public int Size { get; init; } = 640;

    /// <summary>Target ground sample distance range, metres per pixel (drawn log-uniformly).</summary>
    public double MinGsdM { get; init; } = 0.003;

    public double MaxGsdM { get; init; } = 0.02;

    /// <summary>Fraction of images with no target at all (only ground and hard negatives).</summary>
    public double EmptyFraction { get; init; } = 0.15;

    public int MaxTargets { get; init; } = 5;

    public int MaxNegatives { get; init; } = 6;

    public DatasetSplit Split { get; init; } = DatasetSplit.Train;
}
