using DroneScan.Core.Photos;

namespace DroneScan.Detection;

/// <summary>
/// What a detection model declares about itself. Read from the ONNX graph and its metadata: Ultralytics keys
/// (<c>names</c>, a Python-dict string; <c>imgsz</c>; <c>stride</c>; <c>version</c>) and DroneScan keys
/// (<c>dronescan.gsd_m</c>, <c>dronescan.classes</c>, <c>dronescan.model_name</c>, <c>dronescan.model_version</c>,
/// <c>dronescan.default_conf</c>, <c>dronescan.sensor</c>, <c>dronescan.bands</c>; and for a second stage <c>dronescan.verifier</c>, <c>dronescan.proposal_score</c>).
/// </summary>
public sealed record ModelInfo
{
    public required string Path { get; init; }

    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>
    /// SHA-256 identifying the model as it detects, hex: of the model file, or with a verifier, of the two files'
    /// hashes together (<see cref="CombinedSha256"/>). Runs record it, so a change to either file redoes the photos.
    /// </summary>
    public required string Sha256 { get; init; }

    /// <summary>SHA-256 of the detection model file alone, hex.</summary>
    public required string FileSha256 { get; init; }

    public required string InputName { get; init; }

    public required string OutputName { get; init; }

    /// <summary>Square input size in pixels (the tile size).</summary>
    public required int InputSize { get; init; }

    /// <summary>The batch size the graph fixes, or null when the batch dimension is dynamic.</summary>
    public int? FixedBatch { get; init; }

    /// <summary>True for an output [N, 5]: besides the probability, each chip's box regression (dx, dy, log w, log h)
    /// that replaces the candidate's box; false for [N, 1] (the candidate keeps its box).</summary>
    public bool RefinesBoxes { get; init; }

    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Ground sample distance the model was trained at, metres per pixel (DroneScan models).</summary>
    public double? GsdM { get; init; }

    /// <summary>Item types per class name (DroneScan models), e.g. ap_mine → PFM-1, PMN-2.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ItemTypes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public int? Stride { get; init; }

    /// <summary>The camera the model is made for (<c>dronescan.sensor</c>): automatic model choice sends each photo to a
    /// model of its sensor. <see cref="ImageSensor.Rgb"/> when the model does not say (<see cref="SensorDeclared"/> false).</summary>
    public ImageSensor Sensor { get; init; } = ImageSensor.Rgb;

    /// <summary>False for a model without <c>dronescan.sensor</c> (made before the key existed): <see cref="Sensor"/> is
    /// then assumed RGB, and <c>inspect</c>/<c>scan</c> say so.</summary>
    public bool SensorDeclared { get; init; }

    /// <summary>The band of each input channel (<c>dronescan.bands</c>, e.g. red, green, blue); empty when undeclared.</summary>
    public IReadOnlyList<string> Bands { get; init; } = [];

    /// <summary>The recommended final score threshold (<c>dronescan.default_conf</c>): what detect and scan use when
    /// no --conf is given.</summary>
    public double? DefaultConf { get; init; }

    /// <summary>The stage-1 score threshold when a verifier follows (<c>dronescan.proposal_score</c>): boxes the
    /// detector scores this high become candidates for the verifier. Null: candidates are those above the final threshold.</summary>
    public float? ProposalScore { get; init; }

    /// <summary>The chip verifier the model names (<c>dronescan.verifier</c>), loaded with it; null when there is none.</summary>
    public VerifierInfo? Verifier { get; init; }

    /// <summary>The hash of a detector with a verifier: SHA-256 of the UTF-8 text "detector-hash:verifier-hash" (hex, lower case).</summary>
    public static string CombinedSha256(string detectorSha256, string verifierSha256) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{detectorSha256}:{verifierSha256}")));
}

/// <summary>
/// What a chip verifier declares: a second-stage model that takes square RGB chips around candidate boxes, input
/// [N, 3, S, S] float32 0–1 with S fixed, and returns [N, 1] float32, the probability that a chip holds a real
/// object, or [N, 5]: that probability, then where the object lies in the chip (<see cref="Core.Detection.ChipBoxDeltas"/>:
/// dx, dy, log w, log h), so the box can be refined from the chip. Metadata: <c>dronescan.chip_context</c> (c), <c>dronescan.chip_min_px</c> (m), <c>dronescan.verify_weight</c>
/// (w), and <c>dronescan.model_name</c>/<c>dronescan.model_version</c> as for detectors.
/// </summary>
public sealed record VerifierInfo
{
    public required string Path { get; init; }

    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>SHA-256 of the verifier file, hex.</summary>
    public required string Sha256 { get; init; }

    public required string InputName { get; init; }

    public required string OutputName { get; init; }

    /// <summary>Chip side S in pixels (fixed by the input shape).</summary>
    public required int ChipSize { get; init; }

    /// <summary>The batch size the graph fixes, or null when the batch dimension is dynamic.</summary>
    public int? FixedBatch { get; init; }

    /// <summary>True for an output [N, 5]: besides the probability, each chip's box regression (dx, dy, log w, log h)
    /// that replaces the candidate's box; false for [N, 1] (the candidate keeps its box).</summary>
    public bool RefinesBoxes { get; init; }

    /// <summary>Chip side as a multiple of the box's longer side (c, default 2): the context the verifier sees.</summary>
    public double ChipContext { get; init; } = 2.0;

    /// <summary>Smallest chip side in image pixels (m, default 32).</summary>
    public double ChipMinPx { get; init; } = 32;

    /// <summary>Weight w of the verifier in the final score p1^(1−w) · p2^w (default 1: the verifier's probability alone).</summary>
    public double VerifyWeight { get; init; } = 1;

    /// <summary>A cheaper first check the verifier names (<c>dronescan.screen</c>, a verifier file in its folder with the
    /// same chip size, context and minimum side): every candidate's chip goes through it, and only chips whose
    /// probability there reaches <see cref="ScreenScore"/> go through this verifier. Null: every candidate goes
    /// through this verifier.</summary>
    public VerifierInfo? Screen { get; init; }

    /// <summary>The screen probability a chip needs to be verified (<c>dronescan.screen_score</c>; required with a screen).</summary>
    public double ScreenScore { get; init; }

    /// <summary>The hash that identifies what this verifier does: its file's, or with a screen, SHA-256 of
    /// "verifier-hash:screen-hash" (<see cref="ModelInfo.CombinedSha256"/>).</summary>
    public string StageSha256 => Screen is { } screen ? ModelInfo.CombinedSha256(Sha256, screen.Sha256) : Sha256;
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
