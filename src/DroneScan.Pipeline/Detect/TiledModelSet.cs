using System.Security.Cryptography;
using System.Text;
using DroneScan.Core.Photos;
using DroneScan.Detection;

namespace DroneScan.Pipeline.Detect;

/// <summary>The model a photo goes to: its index in <see cref="TiledModelSet.Detectors"/>, and the choice's note
/// (<see cref="ModelChoice.Note"/>), null for the plain choice.</summary>
public sealed record TiledModelChoice(int Index, string? Note);

/// <summary>
/// The tiled detectors a scan may run and how a photo picks one: every photo the same model (fixed), or each photo a
/// model of its sensor (<see cref="SensorModelChooser.Automatic"/>). A set owns tensor buffers through its detectors:
/// one set per worker thread (<see cref="Copy"/>); the ONNX sessions under them are shared.
/// </summary>
public sealed class TiledModelSet
{
    private readonly SensorModelChooser _chooser;

    private TiledModelSet(IReadOnlyList<TiledDetector> detectors, bool automatic)
    {
        Detectors = detectors;
        Automatic = automatic;
        _chooser = automatic ? SensorModelChooser.Automatic([.. detectors.Select(d => d.Detector)]) : SensorModelChooser.Fixed(detectors[0].Detector);
    }

    /// <summary>The detectors, the first being the default (RGB in the shipped set).</summary>
    public IReadOnlyList<TiledDetector> Detectors { get; }

    /// <summary>Photos choose their model by sensor (more than one model).</summary>
    public bool Automatic { get; }

    /// <summary>The first detector: the one a fixed set runs, and whose options a run records.</summary>
    public TiledDetector Primary => Detectors[0];

    /// <summary>Every photo runs through <paramref name="detector"/>.</summary>
    public static TiledModelSet Fixed(TiledDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        return new TiledModelSet([detector], automatic: false);
    }

    /// <summary>Each photo runs through the detector of its sensor; with one detector, that one (fixed).</summary>
    /// <exception cref="ArgumentException">No detector given.</exception>
    public static TiledModelSet ChooseBySensor(IReadOnlyList<TiledDetector> detectors)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        if (detectors.Count == 0)
        {
            throw new ArgumentException("automatic model choice needs at least one model", nameof(detectors));
        }

        return new TiledModelSet([.. detectors], automatic: detectors.Count > 1);
    }

    /// <summary>The model for a photo whose metadata is <paramref name="metadata"/> (not read for a fixed set).</summary>
    public TiledModelChoice Choose(PhotoMetadata? metadata)
    {
        if (!Automatic || metadata is null)
        {
            return new TiledModelChoice(0, null);
        }

        var choice = _chooser.Choose(metadata);
        int index = 0;
        for (int i = 0; i < Detectors.Count; i++)
        {
            if (ReferenceEquals(Detectors[i].Detector, choice.Detector))
            {
                index = i;
                break;
            }
        }

        return new TiledModelChoice(index, choice.Note);
    }

    /// <summary>The same models with their own tensor buffers (one set per worker thread), each detector's options
    /// given by <paramref name="options"/> (null: unchanged).</summary>
    public TiledModelSet Copy(Func<TiledDetector, TiledDetectionOptions>? options = null) => new(
        [.. Detectors.Select(d => new TiledDetector(d.Detector, options?.Invoke(d) ?? d.Options) { Times = d.Times })], Automatic);

    /// <summary>The longest per-photo time limit of the set (reading happens before the model is known).</summary>
    public TimeSpan PhotoTimeLimit => Detectors.Max(d => d.Options.PhotoTimeLimit);

    /// <summary>
    /// The identity a run records: the model itself for one model; for several, their names and versions joined by
    /// '+' (<c>dronescan-rgb+dronescan-thermal</c>) and a SHA-256 over their hashes in order, so a change of any
    /// model is a different run model. Each photo records the model it really ran through.
    /// </summary>
    public (string Name, string Version, string Sha256) RunModel
    {
        get
        {
            if (Detectors.Count == 1)
            {
                var m = Primary.Model;
                return (m.Name, m.Version, m.Sha256);
            }

            string name = string.Join('+', Detectors.Select(d => d.Model.Name));
            string version = string.Join('+', Detectors.Select(d => d.Model.Version));
            string sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join('+', Detectors.Select(d => d.Model.Sha256.ToLowerInvariant())))));
            return (name, version, sha);
        }
    }

    /// <summary>The detector whose model has this SHA-256 (as a photo records it), or null.</summary>
    public TiledDetector? BySha256(string? sha256) =>
        sha256 is null ? null : Detectors.FirstOrDefault(d => string.Equals(d.Model.Sha256, sha256, StringComparison.OrdinalIgnoreCase));

    /// <summary>The ModelInfo of each detector (for listings).</summary>
    public IEnumerable<ModelInfo> Models => Detectors.Select(d => d.Model);
}
