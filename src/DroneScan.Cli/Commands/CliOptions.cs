using System.CommandLine;
using System.Globalization;
using DroneScan.Core.Photos;

namespace DroneScan.Cli.Commands;

/// <summary>The georeferencing options that several commands share: what the photos do not say.</summary>
internal sealed class GeoreferenceCliOptions
{
    public Option<double?> Agl { get; } = new("--agl") { Description = "Camera height above ground, metres, for photos without a relative altitude", HelpName = "M" };

    public Option<double?> GroundElevation { get; } = new("--ground-elevation") { Description = "Ground elevation in the photos' GPS altitude datum; AGL = GPS altitude - this", HelpName = "M" };

    public Option<double?> SensorWidth { get; } = new("--sensor-width") { Description = "Sensor width override, millimetres", HelpName = "MM" };

    public Option<double?> FocalPx { get; } = new("--focal-px") { Description = "Focal length override, pixels", HelpName = "PX" };

    public Option<double?> GpsSigma { get; } = new("--gps-sigma") { Description = "Horizontal GPS 1-sigma per axis, metres (default: RTK std-devs, else 3)", HelpName = "M" };

    public DemCliOptions Terrain { get; } = new();

    /// <summary>Adds the options and their checks to a command.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new[] { Agl, GroundElevation, SensorWidth, FocalPx, GpsSigma })
        {
            command.Options.Add(option);
        }

        Terrain.AddTo(command);

        foreach (var positive in new[] { Agl, SensorWidth, FocalPx, GpsSigma })
        {
            CliChecks.Positive(positive);
        }

        command.Validators.Add(r =>
        {
            if (r.GetResult(Agl) is not null && r.GetResult(GroundElevation) is not null)
            {
                r.AddError("give either --agl or --ground-elevation, not both");
            }
        });
    }

    /// <summary>The options, with the DEM read; null (the problem written to <paramref name="error"/>) when the
    /// DEM or a geoid grid cannot be used.</summary>
    public GeoreferenceOptions? Read(ParseResult parse, TextWriter error)
    {
        var terrain = Terrain.Read(parse, error, out bool ok);
        return ok
            ? new()
            {
                AltitudeAglM = parse.GetValue(Agl),
                GroundElevationM = parse.GetValue(GroundElevation),
                SensorWidthMm = parse.GetValue(SensorWidth),
                FocalLengthPx = parse.GetValue(FocalPx),
                GpsSigmaM = parse.GetValue(GpsSigma),
                Terrain = terrain,
            }
            : null;
    }
}

/// <summary>Limits on reading one photo that <c>detect</c> and <c>scan</c> share: what a hostile file may cost.</summary>
internal sealed class PhotoLimitCliOptions
{
    public Option<double> MaxMegapixels { get; } = new("--max-megapixels")
    {
        Description = "Refuse photos whose header declares more pixels than this (decompression bombs), before decoding",
        DefaultValueFactory = _ => Imaging.Pixels.PhotoDecoder.DefaultMaxPixels / 1e6,
        HelpName = "MP",
    };

    public Option<double> PhotoTimeout { get; } = new("--photo-timeout")
    {
        Description = "Seconds allowed to read and decode one photo; a slower one fails with 'timeout' (0 = no limit)",
        DefaultValueFactory = _ => 120,
        HelpName = "S",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(MaxMegapixels);
        command.Options.Add(PhotoTimeout);
        CliChecks.InRange(MaxMegapixels, 1e-6, 1e6);
        CliChecks.InRange(PhotoTimeout, 0, 86_400);
    }

    public Pipeline.Detect.TiledDetectionOptions Apply(Pipeline.Detect.TiledDetectionOptions options, ParseResult parse) => options with
    {
        MaxPixels = (long)Math.Round(parse.GetValue(MaxMegapixels) * 1e6),
        PhotoTimeLimit = TimeSpan.FromSeconds(parse.GetValue(PhotoTimeout)),
    };
}

/// <summary>The --conf of detect and scan: given, or what the model recommends.</summary>
internal static class ConfOption
{
    public static Option<double?> Create() => new("--conf")
    {
        Description = $"Minimum detection score, 0-1 (default: the model's dronescan.default_conf, else {Pipeline.Detect.TiledDetectionOptions.DefaultMinScore.ToString(CultureInfo.InvariantCulture)})",
        HelpName = "S",
    };

    /// <summary>The score threshold to run with: <paramref name="conf"/> when given, else the model's recommendation.</summary>
    public static float Resolve(double? conf, Detection.ModelInfo model) =>
        conf is { } c ? (float)c : Pipeline.Detect.TiledDetectionOptions.RecommendedMinScore(model);

    /// <summary>A tiled detector over each model, each at its own threshold (<see cref="Resolve"/>).</summary>
    public static List<Pipeline.Detect.TiledDetector> Tiled(List<Detection.OnnxDetector> detectors, Pipeline.Detect.TiledDetectionOptions options, double? conf) =>
        detectors.ConvertAll(d => new Pipeline.Detect.TiledDetector(d, options with { MinScore = Resolve(conf, d.Info) }));
}

/// <summary>Option checks with messages that say what was wrong.</summary>
internal static class CliChecks
{
    public static void Positive(Option<double?> option) => option.Validators.Add(r =>
    {
        if (r.GetValueOrDefault<double?>() is { } v && !(double.IsFinite(v) && v > 0))
        {
            r.AddError($"{option.Name} must be a positive number, not {v.ToString(CultureInfo.InvariantCulture)}");
        }
    });

    public static void InRange(Option<double> option, double min, double maxExclusive) => option.Validators.Add(r =>
    {
        double v = r.GetValueOrDefault<double>();
        if (!(v >= min && v < maxExclusive))
        {
            r.AddError($"{option.Name} must be in [{min.ToString(CultureInfo.InvariantCulture)}, {maxExclusive.ToString(CultureInfo.InvariantCulture)}), not {v.ToString(CultureInfo.InvariantCulture)}");
        }
    });

    public static void InRange(Option<double?> option, double min, double maxExclusive) => option.Validators.Add(r =>
    {
        if (r.GetValueOrDefault<double?>() is { } v && !(v >= min && v < maxExclusive))
        {
            r.AddError($"{option.Name} must be in [{min.ToString(CultureInfo.InvariantCulture)}, {maxExclusive.ToString(CultureInfo.InvariantCulture)}), not {v.ToString(CultureInfo.InvariantCulture)}");
        }
    });

    public static void AtLeast(Option<int> option, int min) => option.Validators.Add(r =>
    {
        int v = r.GetValueOrDefault<int>();
        if (v < min)
        {
            r.AddError($"{option.Name} must be at least {min}, not {v}");
        }
    });
}
