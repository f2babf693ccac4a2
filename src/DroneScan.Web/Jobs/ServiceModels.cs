using DroneScan.Core.Flights;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;

namespace DroneScan.Web.Jobs;

/// <summary>
/// The detection models the service runs, loaded once (each owns its ONNX session, shared by every job): the shipped
/// ones (<c>models/dronescan-rgb.onnx</c>, and <c>models/dronescan-thermal.onnx</c> when present), or the configured
/// ones (<c>Jobs:ModelPath</c>, <c>Jobs:Models</c>). A flight's <c>model</c> setting picks how its photos use them:
/// <c>auto</c>, each photo the model of its sensor (as <c>scan</c> and <c>detect</c> do), or one model by name.
/// </summary>
public sealed class ServiceModels : IDisposable
{
    /// <summary>The flight setting that lets each photo choose its model by sensor.</summary>
    public const string Auto = "auto";

    private readonly IReadOnlyList<OnnxDetector> _detectors;

    /// <param name="detectors">The loaded models, the default (RGB) first; the set takes ownership.</param>
    /// <exception cref="ArgumentException">None given, or two with one name (a flight could not name one of them).</exception>
    public ServiceModels(IReadOnlyList<OnnxDetector> detectors)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        if (detectors.Count == 0)
        {
            throw new ArgumentException("the service needs at least one model", nameof(detectors));
        }

        if (detectors.GroupBy(d => d.Info.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"two models are named '{twice.Key}' (dronescan.model_name): a flight could not choose between them", nameof(detectors));
        }

        _detectors = detectors;
    }

    /// <summary>The loaded models, in the order given.</summary>
    public IReadOnlyList<ModelInfo> Models => [.. _detectors.Select(d => d.Info)];

    /// <summary>What the <c>model</c> setting accepts: <c>auto</c> and each model's name.</summary>
    public IReadOnlyList<string> SettingValues => [Auto, .. _detectors.Select(d => d.Info.Name)];

    /// <summary>The canonical value of a <c>model</c> setting (<c>auto</c> or the model's own spelling), or null when
    /// it names no loaded model. Case does not matter.</summary>
    public string? Canonical(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return setting.Equals(Auto, StringComparison.OrdinalIgnoreCase)
            ? Auto
            : _detectors.FirstOrDefault(d => d.Info.Name.Equals(setting, StringComparison.OrdinalIgnoreCase))?.Info.Name;
    }

    /// <summary>
    /// The models a flight's photos run through: with <c>model</c> = <c>auto</c> (or a model no longer loaded) the first
    /// loaded model of each sensor, chosen per photo by sensor; with a model's name that model alone. Each runs at the flight's score
    /// threshold, else its own recommended one (<c>dronescan.default_conf</c>). New tiled detectors: their tensor
    /// buffers belong to the caller (one job), the sessions under them are shared.
    /// </summary>
    public TiledModelSet For(FlightSettings? settings, TiledDetectionOptions detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        var chosen = settings?.Model is { } name && Canonical(name) is { } canonical && canonical != Auto
            ? _detectors.Where(d => d.Info.Name == canonical).ToList()
            : [.. _detectors.DistinctBy(d => d.Info.Sensor)];   // automatic: the first model of each sensor, as chosen per photo
        var tiled = chosen.Select(d => new TiledDetector(d, detection with
        {
            MinScore = settings?.Conf is { } conf ? (float)conf : TiledDetectionOptions.RecommendedMinScore(d.Info),
        })).ToList();
        return TiledModelSet.ChooseBySensor(tiled);
    }

    public void Dispose()
    {
        foreach (var detector in _detectors)
        {
            detector.Dispose();
        }
    }
}
