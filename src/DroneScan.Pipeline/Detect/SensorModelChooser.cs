using DroneScan.Core.Photos;
using DroneScan.Detection;

namespace DroneScan.Pipeline.Detect;

/// <summary>The model a photo runs through, and why.</summary>
/// <param name="Detector">The chosen detector.</param>
/// <param name="Photo">The photo's sensor and the evidence for it (null when a model was fixed: nothing was classified).</param>
/// <param name="Note">Set when the choice is not the plain one: no model of the photo's sensor was loaded (another
/// was used), or the sensor came from the file name only. Short English, for the photo's warnings.</param>
public sealed record ModelChoice(IDetector Detector, SensorClassification? Photo, string? Note);

/// <summary>
/// Automatic model choice, per photo: each photo goes to a model of its sensor (<see cref="PhotoSensorClassifier"/>
/// on the photo, <see cref="ModelInfo.Sensor"/> on the models); with a fixed model (<c>--model</c>, or a flight
/// setting naming one) every photo goes to that model.
/// </summary>
public sealed class SensorModelChooser
{
    private readonly IReadOnlyList<IDetector> _detectors;
    private readonly IDetector? _fixed;

    private SensorModelChooser(IReadOnlyList<IDetector> detectors, IDetector? fixedDetector)
    {
        _detectors = detectors;
        _fixed = fixedDetector;
    }

    /// <summary>The detectors to choose from (automatic) or the one fixed detector.</summary>
    public IReadOnlyList<IDetector> Detectors => _detectors;

    /// <summary>Every photo runs through <paramref name="detector"/>.</summary>
    public static SensorModelChooser Fixed(IDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        return new SensorModelChooser([detector], detector);
    }

    /// <summary>
    /// Chooses among <paramref name="detectors"/> by sensor. The first of each sensor wins; a model without
    /// <c>dronescan.sensor</c> counts as RGB (<see cref="ModelInfo.SensorDeclared"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No detector given.</exception>
    public static SensorModelChooser Automatic(IReadOnlyList<IDetector> detectors)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        if (detectors.Count == 0)
        {
            throw new ArgumentException("automatic model choice needs at least one model", nameof(detectors));
        }

        return new SensorModelChooser(detectors, null);
    }

    /// <summary>The model for a photo whose metadata is <paramref name="metadata"/>.</summary>
    public ModelChoice Choose(PhotoMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (_fixed is not null)
        {
            return new ModelChoice(_fixed, null, null);
        }

        var photo = PhotoSensorClassifier.Classify(metadata);
        var match = _detectors.FirstOrDefault(d => d.Info.Sensor == photo.Sensor);
        if (match is null)
        {
            // A flight of one sensor scanned with the other's model alone still gives the analyst something to review,
            // but the operator must know: say so on every such photo.
            var other = _detectors[0];
            return new ModelChoice(other, photo, $"{Name(photo.Sensor)} photo ({photo.Reason}) but no {Name(photo.Sensor)} model loaded; ran {other.Info.Name} ({Name(other.Info.Sensor)})");
        }

        return new ModelChoice(match, photo, photo.Weak ? $"taken as {Name(photo.Sensor)} from the file name only ({photo.Reason})" : null);
    }

    private static string Name(ImageSensor sensor) => sensor == ImageSensor.Thermal ? "thermal" : "RGB";
}
