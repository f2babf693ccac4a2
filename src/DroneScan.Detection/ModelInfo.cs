namespace DroneScan.Detection;

/// <summary>
/// What a detection model declares about itself. Read from the ONNX graph and its metadata: Ultralytics keys
/// (<c>names</c>, a Python-dict string; <c>imgsz</c>; <c>stride</c>; <c>version</c>) and DroneScan keys
/// (<c>dronescan.gsd_m</c>, <c>dronescan.classes</c>, <c>dronescan.model_name</c>, <c>dronescan.model_version</c>).
/// </summary>
public sealed record ModelInfo
{
    public required string Path { get; init; }

    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>SHA-256 of the model file, hex.</summary>
    public required string Sha256 { get; init; }

    public required string InputName { get; init; }

    public required string OutputName { get; init; }

    /// <summary>Square input size in pixels (the tile size).</summary>
    public required int InputSize { get; init; }

    /// <summary>The batch size the graph fixes, or null when the batch dimension is dynamic.</summary>
    public int? FixedBatch { get; init; }

    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Ground sample distance the model was trained at, metres per pixel (DroneScan models).</summary>
    public double? GsdM { get; init; }

    /// <summary>Item types per class name (DroneScan models), e.g. ap_mine → PFM-1, PMN-2.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ItemTypes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public int? Stride { get; init; }
}

/// <summary>A model file that cannot be used, with the file and what is wrong with it.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException()
    {
    }

    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelLoadException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        ModelPath = path;
        Problem = problem;
    }

    public string? ModelPath { get; }

    public string? Problem { get; }
}
