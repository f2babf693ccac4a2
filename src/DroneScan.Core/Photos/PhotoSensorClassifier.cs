using System.Text.RegularExpressions;

namespace DroneScan.Core.Photos;

/// <summary>What a photo file shows about its camera beyond EXIF and XMP: the image layout and the thermal
/// segments some cameras add. Filled by the metadata reader; all false/null when unknown.</summary>
public sealed record SensorEvidence
{
    /// <summary>A FLIR APP1 segment (preamble <c>FLIR\0</c>): the radiometric record of a FLIR camera, and of DJI
    /// thermal payloads built on FLIR cores (Zenmuse XT/XT2, Mavic 2 Enterprise Dual).</summary>
    public bool HasFlirSegment { get; init; }

    /// <summary>True for a TIFF (or TIFF-based) file.</summary>
    public bool IsTiff { get; init; }

    /// <summary>TIFF SamplesPerPixel of the first image (channels); null when not read.</summary>
    public int? SamplesPerPixel { get; init; }

    /// <summary>TIFF BitsPerSample of the first channel; null when not read.</summary>
    public int? BitsPerSample { get; init; }
}

/// <summary>The sensor a photo came from and the evidence that decided it, for the operator.</summary>
/// <param name="Sensor">Thermal or RGB.</param>
/// <param name="Reason">Short English phrase: which metadata decided (e.g. <c>DJI XMP ImageSource InfraredCamera</c>).</param>
/// <param name="Weak">True when only the file name decided (DJI's <c>_T</c> suffix), no metadata.</param>
public sealed record SensorClassification(ImageSensor Sensor, string Reason, bool Weak = false);

/// <summary>
/// Decides whether a photo is thermal or RGB from its metadata, strongest evidence first: DJI XMP
/// <c>drone-dji:ImageSource</c> (<c>InfraredCamera</c> thermal; <c>WideCamera</c>, <c>ZoomCamera</c>,
/// <c>VisibleCamera</c> … RGB); a FLIR radiometric APP1 segment (FLIR and DJI R-JPEGs); a single-channel TIFF of 16 or
/// more bits per sample (radiometric TIFF: a temperature or raw count per pixel); then, as a weak hint only, DJI
/// dual-camera naming (<c>DJI_…_T.JPG</c> beside <c>DJI_…_W.JPG</c>). Everything else is RGB. Pure: no IO.
/// </summary>
public static partial class PhotoSensorClassifier
{
    /// <summary>Classifies a photo from what <paramref name="metadata"/> read.</summary>
    public static SensorClassification Classify(PhotoMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var evidence = metadata.SensorEvidence;
        if (metadata.Dji?.ImageSource is { Length: > 0 } source)
        {
            // DJI writes the camera of a multi-camera payload here; it beats every other sign.
            return string.Equals(source.Trim(), "InfraredCamera", StringComparison.OrdinalIgnoreCase)
                ? new SensorClassification(ImageSensor.Thermal, "DJI XMP ImageSource InfraredCamera")
                : new SensorClassification(ImageSensor.Rgb, $"DJI XMP ImageSource {source.Trim()}");
        }

        if (evidence.HasFlirSegment)
        {
            return new SensorClassification(ImageSensor.Thermal, "FLIR radiometric segment (R-JPEG)");
        }

        if (evidence.IsTiff && evidence.SamplesPerPixel == 1 && evidence.BitsPerSample >= 16)
        {
            return new SensorClassification(ImageSensor.Thermal, $"single-channel {evidence.BitsPerSample}-bit TIFF (radiometric)");
        }

        if (evidence.IsTiff && evidence.SamplesPerPixel is > 1)
        {
            return new SensorClassification(ImageSensor.Rgb, $"{evidence.SamplesPerPixel}-channel TIFF");
        }

        if (DjiThermalName().IsMatch(metadata.FileName))
        {
            return new SensorClassification(ImageSensor.Thermal, "DJI dual-camera file name ending _T (no thermal metadata)", Weak: true);
        }

        return new SensorClassification(ImageSensor.Rgb, "no thermal metadata");
    }

    /// <summary>DJI dual-camera naming: DJI_0001_T.JPG, DJI_20240501101500_0001_T.JPG (the wide, zoom and visible
    /// frames of the same shot end _W, _Z, _V).</summary>
    [GeneratedRegex(@"^DJI_[0-9_]+_T\.(jpe?g|tiff?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DjiThermalName();
}
