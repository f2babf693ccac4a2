using System.Security.Cryptography;
using DroneScan.Core.Detection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DroneScan.Detection;

/// <summary>
/// A loaded chip verifier, the optional second stage of a detection model (<see cref="VerifierInfo"/>): owns one
/// <see cref="InferenceSession"/>, validated at load against its contract — input [N, 3, S, S] float32 RGB 0–1 with S
/// fixed, output [N, 1] float32 probabilities or [N, 5] (probability, then the box deltas of
/// <see cref="ChipBoxDeltas"/>). Thread-safe for <see cref="Verify"/>; results are returned, never kept.
/// Loaded and owned by the <see cref="OnnxDetector"/> that names it.
/// </summary>
public sealed class ChipVerifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private ChipVerifier(InferenceSession session, VerifierInfo info, ChipVerifier? screen)
    {
        _session = session;
        Info = info;
        Screen = screen;
        _inputNames = [info.InputName];
        _outputNames = [info.OutputName];
    }

    public VerifierInfo Info { get; }

    /// <summary>The cheaper first check this verifier names (<see cref="VerifierInfo.Screen"/>), loaded with it and
    /// owned by it; null when there is none.</summary>
    public ChipVerifier? Screen { get; }

    /// <summary>Loads and validates a verifier; throws <see cref="ModelLoadException"/> naming its file and the problem.</summary>
    /// <param name="path">The verifier file.</param>
    /// <param name="sessionOptions">The detector's session options.</param>
    /// <param name="detectorPath">The model that names it, for the message when the file is missing.</param>
    internal static ChipVerifier Load(string path, SessionOptions sessionOptions, string detectorPath)
    {
        var session = Open(path, sessionOptions, "verifier", $"the model {detectorPath} names it in 'dronescan.verifier'");

        ChipVerifier? screen = null;
        try
        {
            var info = Describe(path, session);
            if (ScreenPath(path, session) is { } screenPath)
            {
                screen = LoadScreen(screenPath, sessionOptions, path);
                var s = screen.Info;
                if (s.ChipSize != info.ChipSize || s.ChipContext != info.ChipContext || s.ChipMinPx != info.ChipMinPx || s.FixedBatch != info.FixedBatch)
                {
                    throw new ModelLoadException(screenPath, string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"a screen must take the chips of the verifier that names it ({path}: {info.ChipSize} px, context {info.ChipContext}, min side {info.ChipMinPx} px, batch {info.FixedBatch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dynamic"}), not {s.ChipSize} px, context {s.ChipContext}, min side {s.ChipMinPx} px, batch {s.FixedBatch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dynamic"}"));
                }

                double? score = ModelMetadataParser.ParseNumber(Meta(session, "dronescan.screen_score"), "dronescan.screen_score", 0, 1);
                info = info with { Screen = s, ScreenScore = score ?? throw new ModelLoadException(path, "metadata 'dronescan.screen' needs 'dronescan.screen_score' (the screen probability a chip needs to be verified)") };
            }

            return new ChipVerifier(session, info, screen);
        }
        catch (FormatException ex)
        {
            screen?.Dispose();
            session.Dispose();
            throw new ModelLoadException(path, ex.Message, ex);
        }
        catch
        {
            screen?.Dispose();
            session.Dispose();
            throw;
        }
    }

    /// <summary>A screen: a verifier file loaded as one, but one that names a screen of its own is refused.</summary>
    private static ChipVerifier LoadScreen(string path, SessionOptions sessionOptions, string verifierPath)
    {
        var session = Open(path, sessionOptions, "screen", $"the verifier {verifierPath} names it in 'dronescan.screen'");

        try
        {
            if (Meta(session, "dronescan.screen") is not null)
            {
                throw new ModelLoadException(path, "a screen cannot name a screen of its own ('dronescan.screen')");
            }

            return new ChipVerifier(session, Describe(path, session), null);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>An ONNX Runtime session on a verifier or screen file (<paramref name="what"/>); a missing or unloadable
    /// file is a <see cref="ModelLoadException"/> naming it, and where it was named (<paramref name="namedBy"/>).</summary>
    private static InferenceSession Open(string path, SessionOptions sessionOptions, string what, string namedBy)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, $"{what} file not found ({namedBy})");
        }

        try
        {
            return new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(path, $"not a loadable ONNX {what} ({OnnxDetector.FirstLine(ex.Message)})", ex);
        }
    }

    private static string? Meta(InferenceSession session, string key) =>
        session.ModelMetadata.CustomMetadataMap.TryGetValue(key, out var v) ? v : null;

    /// <summary>The screen file the verifier names, in its folder; null when it names none.</summary>
    private static string? ScreenPath(string path, InferenceSession session)
    {
        if (Meta(session, "dronescan.screen") is not { } name)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(name) || System.IO.Path.IsPathRooted(name) || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            throw new ModelLoadException(path, $"metadata 'dronescan.screen' must name a file in the verifier's folder, not '{name}'");
        }

        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, name.Trim());
    }

    /// <summary>
    /// Runs the verifier on <paramref name="count"/> chips packed in <paramref name="chips"/> (NCHW, S × S each) and
    /// writes each chip's probability of holding a real object to <paramref name="probabilities"/>; a verifier that
    /// refines boxes (<see cref="VerifierInfo.RefinesBoxes"/>) also writes each chip's box deltas to
    /// <paramref name="deltas"/> when that is long enough (otherwise they are not read).
    /// </summary>
    public void Verify(float[] chips, int count, Span<float> probabilities, Span<ChipBoxDeltas> deltas = default)
    {
        ArgumentNullException.ThrowIfNull(chips);
        int s = Info.ChipSize;
        long plane = 3L * s * s;
        if (count < 1 || chips.Length < count * plane || probabilities.Length < count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"the chip buffer holds {chips.Length / plane} chips, the result {probabilities.Length}");
        }

        int columns = Info.RefinesBoxes ? 5 : 1;
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(chips, 0, (int)(count * plane)), [count, 3, s, s]);
        using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[0] != count || shape[1] != columns)
        {
            throw new InvalidOperationException($"{Info.Path}: output shape [{string.Join(", ", shape)}] does not match [{count}, {columns}]");
        }

        // Row-major [N, columns]: the probability first, then dx, dy, log w, log h.
        var values = outputs[0].GetTensorDataAsSpan<float>();
        bool writeDeltas = Info.RefinesBoxes && deltas.Length >= count;
        for (int i = 0; i < count; i++)
        {
            var row = values.Slice(i * columns, columns);
            probabilities[i] = row[0];
            if (writeDeltas)
            {
                deltas[i] = new ChipBoxDeltas(row[1], row[2], row[3], row[4]);
            }
        }
    }

    public void Dispose()
    {
        Screen?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static VerifierInfo Describe(string path, InferenceSession session)
    {
        if (session.InputMetadata.Count != 1)
        {
            throw new ModelLoadException(path, $"a verifier takes one input (chips [N, 3, S, S]), this one {session.InputMetadata.Count}");
        }

        var (inputName, input) = session.InputMetadata.First();
        int[] inDims = input.Dimensions;
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float || inDims.Length != 4 || (inDims[1] != 3 && inDims[1] > 0))
        {
            throw new ModelLoadException(path, $"verifier input '{inputName}' must be float32 [N, 3, S, S], not {input.ElementDataType} [{string.Join(", ", inDims)}]");
        }

        if (inDims[2] <= 0 || inDims[2] != inDims[3])
        {
            throw new ModelLoadException(path, $"verifier input '{inputName}' must fix a square chip size S in [N, 3, S, S], not [{string.Join(", ", inDims)}]");
        }

        if (session.OutputMetadata.Count < 1)
        {
            throw new ModelLoadException(path, "the verifier has no output");
        }

        var (outputName, output) = session.OutputMetadata.First();
        int[] outDims = output.Dimensions;
        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float || outDims.Length != 2 || (outDims[1] != 1 && outDims[1] != 5 && outDims[1] > 0))
        {
            throw new ModelLoadException(path, $"verifier output '{outputName}' must be float32 [N, 1] (a probability per chip) or [N, 5] (the probability, then dx, dy, log w, log h), not {output.ElementDataType} [{string.Join(", ", outDims)}]");
        }

        var meta = session.ModelMetadata.CustomMetadataMap;
        string? Get(string key) => meta.TryGetValue(key, out var v) ? v : null;
        try
        {
            return new VerifierInfo
            {
                Path = path,
                Name = Get("dronescan.model_name") ?? System.IO.Path.GetFileNameWithoutExtension(path),
                Version = OnnxDetector.VersionOf(session),
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))),
                InputName = inputName,
                OutputName = outputName,
                ChipSize = inDims[2],
                FixedBatch = inDims[0] > 0 ? inDims[0] : null,

                // A dynamic second dimension is read as [N, 1], as before box refinement existed; Verify checks it.
                RefinesBoxes = outDims[1] == 5,
                ChipContext = ModelMetadataParser.ParseNumber(Get("dronescan.chip_context"), "dronescan.chip_context", 0, 1000, minExclusive: true) ?? 2.0,
                ChipMinPx = ModelMetadataParser.ParseNumber(Get("dronescan.chip_min_px"), "dronescan.chip_min_px", 0, 100_000) ?? 32,
                VerifyWeight = ModelMetadataParser.ParseNumber(Get("dronescan.verify_weight"), "dronescan.verify_weight", 0, 1) ?? 1,
            };
        }
        catch (FormatException ex)
        {
            throw new ModelLoadException(path, ex.Message, ex);
        }
    }
}
