using System.Security.Cryptography;
using DroneScan.Core.Detection;
using DroneScan.Core.Photos;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DroneScan.Detection;

/// <summary>ONNX Runtime settings.</summary>
public sealed record DetectorOptions
{
    /// <summary>Threads for one inference (0 = one per core this process may run on).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Whether idle ONNX Runtime worker threads spin waiting for work (ONNX Runtime's default) or sleep (DroneScan's
    /// default). Spinning shaves latency off a lone inference but burns the cores that decoding the next photo needs;
    /// with the pipeline decoding one photo ahead, sleeping lets the decoder use the gaps (measured on 2 cores, 20
    /// photos of 20 MP: scan 36.3 s sleeping against 39.0 s spinning, the model alone no slower; bench/RESULTS.md).
    /// </summary>
    public bool AllowSpinning { get; init; }
}

/// <summary>
/// A loaded detection model: owns one <see cref="InferenceSession"/> (CPU), validated at load against the
/// contract every model follows — input [N, 3, S, S] float32 RGB 0–1; output [N, 4 + C, A] float32 with rows
/// cx, cy, w, h in input pixels then C class scores (the Ultralytics YOLOv8/YOLO11 export layout). Thread-safe
/// for <see cref="Detect"/> (ONNX Runtime sessions are); results are returned, never kept.
/// </summary>
public sealed class OnnxDetector : IDetector, IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private OnnxDetector(InferenceSession session, ModelInfo info, ChipVerifier? verifier)
    {
        _session = session;
        Info = info;
        Verifier = verifier;
        _inputNames = [info.InputName];
        _outputNames = [info.OutputName];
    }

    public ModelInfo Info { get; }

    /// <summary>The second stage the model names, loaded with it and owned by it; null when there is none.</summary>
    public ChipVerifier? Verifier { get; }

    /// <summary>
    /// Loads and validates a model, and the chip verifier it names (<c>dronescan.verifier</c>, a file in the model's
    /// folder) if any; throws <see cref="ModelLoadException"/> naming the file at fault and the problem.
    /// </summary>
    public static OnnxDetector Load(string path, DetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new DetectorOptions();
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "model file not found");
        }

        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // 0: one per core this process may run on (.NET honours the CPU affinity, e.g. `taskset -c 0`, where
            // ONNX Runtime's own default counts the machine's cores).
            IntraOpNumThreads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount,
        };
        if (!options.AllowSpinning)
        {
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        InferenceSession session;
        try
        {
            session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(path, $"not a loadable ONNX model ({FirstLine(ex.Message)})", ex);
        }

        ChipVerifier? verifier = null;
        try
        {
            var info = Describe(path, session);
            if (VerifierPath(path, session) is { } verifierPath)
            {
                verifier = ChipVerifier.Load(verifierPath, sessionOptions, path);
                info = info with { Verifier = verifier.Info, Sha256 = ModelInfo.CombinedSha256(info.FileSha256, verifier.Info.StageSha256) };
            }

            return new OnnxDetector(session, info, verifier);
        }
        catch
        {
            verifier?.Dispose();
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on <paramref name="count"/> tiles packed in <paramref name="batch"/> (NCHW, S × S each) and
    /// returns, per tile, the boxes scoring at least <paramref name="minScore"/>, in model-input pixels.
    /// </summary>
    public IReadOnlyList<DetectionBox>[] Detect(float[] batch, int count, float minScore)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int s = Info.InputSize;
        long plane = 3L * s * s;
        if (count < 1 || batch.Length < count * plane)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"the batch buffer holds {batch.Length / plane} tiles");
        }

        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(batch, 0, (int)(count * plane)), [count, 3, s, s]);
        using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        var output = outputs[0];
        var shape = output.GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != count || shape[1] != 4 + Info.ClassNames.Count)
        {
            throw new InvalidOperationException($"{Info.Path}: output shape [{string.Join(", ", shape)}] does not match [{count}, {4 + Info.ClassNames.Count}, A]");
        }

        return Decode(output.GetTensorDataAsSpan<float>(), count, Info.ClassNames.Count, (int)shape[2], minScore);
    }

    /// <summary>Decodes [N, 4 + C, A]: for each anchor the best class, kept when its score reaches the threshold.</summary>
    internal static IReadOnlyList<DetectionBox>[] Decode(ReadOnlySpan<float> data, int count, int classes, int anchors, float minScore)
    {
        var result = new IReadOnlyList<DetectionBox>[count];
        int rows = 4 + classes;
        for (int n = 0; n < count; n++)
        {
            var tile = data.Slice(n * rows * anchors, rows * anchors);
            var found = new List<DetectionBox>();
            for (int a = 0; a < anchors; a++)
            {
                // A non-finite class score is no score: it neither wins nor hides the other classes.
                int best = -1;
                float bestScore = float.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    float sc = tile[((4 + c) * anchors) + a];
                    if (float.IsFinite(sc) && (best < 0 || sc > bestScore))
                    {
                        (best, bestScore) = (c, sc);
                    }
                }

                if (best >= 0 && bestScore >= minScore)
                {
                    var box = PixelBox.FromCentre(tile[a], tile[anchors + a], tile[(2 * anchors) + a], tile[(3 * anchors) + a]);

                    // Finite, positive width and height imply finite corners (a NaN or infinite centre makes them NaN).
                    if (box.Width > 0 && box.Height > 0 && double.IsFinite(box.Width) && double.IsFinite(box.Height))
                    {
                        found.Add(new DetectionBox(box, best, bestScore));
                    }
                }
            }

            result[n] = found;
        }

        return result;
    }

    public void Dispose()
    {
        Verifier?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>The verifier file the model names, in the model's folder; null when it names none.</summary>
    private static string? VerifierPath(string path, InferenceSession session)
    {
        if (!session.ModelMetadata.CustomMetadataMap.TryGetValue("dronescan.verifier", out var name))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(name) || System.IO.Path.IsPathRooted(name))
        {
            throw new ModelLoadException(path, $"metadata 'dronescan.verifier' must name a file in the model's folder, not '{name}'");
        }

        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, name.Trim());
    }

    /// <summary>The model's version: <c>dronescan.model_version</c>, Ultralytics' <c>version</c>, the graph's model_version, or "unversioned".</summary>
    internal static string VersionOf(InferenceSession session)
    {
        var meta = session.ModelMetadata.CustomMetadataMap;
        // ONNX Runtime reports long.MaxValue when the graph sets no model_version.
        return meta.TryGetValue("dronescan.model_version", out var v) ? v
            : meta.TryGetValue("version", out var u) ? u
            : session.ModelMetadata.Version is > 0 and < long.MaxValue ? session.ModelMetadata.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unversioned";
    }

    private static ModelInfo Describe(string path, InferenceSession session)
    {
        if (session.InputMetadata.Count != 1)
        {
            throw new ModelLoadException(path, $"expected one input (images [N, 3, H, W]), found {session.InputMetadata.Count}");
        }

        var (inputName, input) = session.InputMetadata.First();
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float)
        {
            throw new ModelLoadException(path, $"input '{inputName}' must be a float32 tensor, not {input.ElementDataType}");
        }

        int[] inDims = input.Dimensions;
        if (inDims.Length != 4 || (inDims[1] != 3 && inDims[1] > 0))
        {
            throw new ModelLoadException(path, $"input '{inputName}' must be [N, 3, H, W], not [{string.Join(", ", inDims)}]");
        }

        if (session.OutputMetadata.Count < 1)
        {
            throw new ModelLoadException(path, "the model has no output");
        }

        var (outputName, output) = session.OutputMetadata.First();
        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float || output.Dimensions.Length != 3)
        {
            throw new ModelLoadException(path, $"output '{outputName}' must be a float32 tensor [N, 4 + classes, anchors], not {output.ElementDataType} [{string.Join(", ", output.Dimensions)}]");
        }

        var meta = session.ModelMetadata.CustomMetadataMap;
        string? Get(string key) => meta.TryGetValue(key, out var v) ? v : null;

        int? imgsz = ModelMetadataParser.ParseImageSize(Get("imgsz"));
        int inputSize = inDims[2] > 0 && inDims[3] > 0 ? inDims[2] : imgsz ?? 640;
        if (inDims[2] > 0 && inDims[3] > 0 && inDims[2] != inDims[3])
        {
            throw new ModelLoadException(path, $"input '{inputName}' must be square, not {inDims[3]} × {inDims[2]}");
        }

        int outRows = output.Dimensions[1];
        var names = ModelMetadataParser.ParseNames(Get("names"));
        if (Get("names") is not null && names is null)
        {
            throw new ModelLoadException(path, $"metadata 'names' is not a class dictionary: {Get("names")}");
        }

        if (names is null)
        {
            if (outRows <= 4)
            {
                throw new ModelLoadException(path, "the number of classes is unknown: no 'names' metadata and a dynamic or too small output dimension 1");
            }

            names = [.. Enumerable.Range(0, outRows - 4).Select(i => $"class{i}")];
        }
        else if (outRows > 0 && outRows != 4 + names.Count)
        {
            throw new ModelLoadException(path, $"output has {outRows} rows but metadata 'names' lists {names.Count} classes (expected 4 + {names.Count})");
        }

        double? defaultConf, proposalScore;
        ImageSensor? sensor;
        try
        {
            sensor = ModelMetadataParser.ParseSensor(Get("dronescan.sensor"));
            defaultConf = ModelMetadataParser.ParseNumber(Get("dronescan.default_conf"), "dronescan.default_conf", 0, 1);
            proposalScore = ModelMetadataParser.ParseNumber(Get("dronescan.proposal_score"), "dronescan.proposal_score", 0, 1);
        }
        catch (FormatException ex)
        {
            throw new ModelLoadException(path, ex.Message, ex);
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        return new ModelInfo
        {
            Path = path,
            Name = Get("dronescan.model_name") ?? Path.GetFileNameWithoutExtension(path),
            Version = VersionOf(session),
            Sha256 = sha256,
            FileSha256 = sha256,
            DefaultConf = defaultConf,
            ProposalScore = (float?)proposalScore,
            InputName = inputName,
            OutputName = outputName,
            InputSize = inputSize,
            FixedBatch = inDims[0] > 0 ? inDims[0] : null,
            ClassNames = names,
            GsdM = ModelMetadataParser.ParseDouble(Get("dronescan.gsd_m")),
            ItemTypes = ModelMetadataParser.ParseItemTypes(Get("dronescan.classes")),
            Stride = ModelMetadataParser.ParseInt(Get("stride")),
            Sensor = sensor ?? ImageSensor.Rgb,
            SensorDeclared = sensor is not null,
            Bands = ModelMetadataParser.ParseBands(Get("dronescan.bands")),
        };
    }

    internal static string FirstLine(string message)
    {
        int nl = message.IndexOf('\n', StringComparison.Ordinal);
        return (nl < 0 ? message : message[..nl]).Trim();
    }
}
