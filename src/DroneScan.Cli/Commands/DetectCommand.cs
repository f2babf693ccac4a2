using System.CommandLine;
using DroneScan.Cli.Detect;
using DroneScan.Core.Detection;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;

namespace DroneScan.Cli.Commands;

/// <summary><c>dronescan detect PATH...</c>: run the detector over photos, report boxes in photo pixels.</summary>
internal static class DetectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths") { Description = "Photos, or folders searched recursively for JPEG, PNG and TIFF files", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string?>("--model") { Description = $"ONNX detection model file, or a shipped model's name (e.g. dronescan-rgb-pfm1), for every photo (default: each photo through the shipped model of its sensor, {DefaultModel.RelativePath} or {DefaultModel.ThermalRelativePath})", HelpName = "FILE|NAME" };
        var conf = ConfOption.Create();
        var json = new Option<bool>("--json") { Description = "One JSON object per photo per line" };
        var overlap = new Option<double>("--overlap") { Description = "Tile overlap, fraction of the tile size", DefaultValueFactory = _ => 0.2 };
        var batch = new Option<int>("--batch") { Description = "Tiles per inference call", DefaultValueFactory = _ => 4 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads (0 = one per core)", DefaultValueFactory = _ => 0 };
        var noScale = new Option<bool>("--no-gsd-scale") { Description = "Do not rescale photos to the model's ground sample distance" };
        var fullFrame = new Option<bool>("--full-frame") { Description = "Also run the model on the whole photo shrunk to one tile (large objects)" };
        var merge = new Option<string>("--merge") { Description = "Across tiles: merge (nmm) or suppress (nms) overlapping boxes", DefaultValueFactory = _ => "nmm" };
        merge.AcceptOnlyFromAmong("nmm", "nms");
        var metric = new Option<string>("--merge-metric") { Description = "Overlap measure: ios (intersection over the smaller box) or iou", DefaultValueFactory = _ => "ios" };
        metric.AcceptOnlyFromAmong("ios", "iou");
        var mergeThreshold = new Option<double>("--merge-threshold") { Description = "Overlap at which boxes are merged or suppressed", DefaultValueFactory = _ => 0.5 };
        var minSize = new Option<double>("--min-size-cm") { Description = "Drop boxes smaller than this on the ground (when the photo's GSD is known; 0 keeps all)", DefaultValueFactory = _ => 4, HelpName = "CM" };
        var maxDetections = new Option<int>("--max-detections") { Description = "Most detections kept per photo", DefaultValueFactory = _ => 1000 };

        CliChecks.InRange(conf, 0, 1.0000001);
        CliChecks.InRange(overlap, 0, 0.95);
        CliChecks.InRange(mergeThreshold, 0, 1.0000001);
        CliChecks.AtLeast(batch, 1);
        CliChecks.AtLeast(threads, 0);
        CliChecks.AtLeast(maxDetections, 1);
        CliChecks.InRange(minSize, 0, 100);

        var limits = new PhotoLimitCliOptions();
        var geo = new GeoreferenceCliOptions();
        var command = new Command("detect", "Detect mines and UXO in photos: tiles at full resolution, boxes in photo pixels")
        {
            paths, model, conf, json, overlap, batch, threads, noScale, fullFrame, merge, metric, mergeThreshold, maxDetections, minSize,
        };
        geo.AddTo(command);
        limits.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (geo.Read(parse, error) is not { } georeference)
            {
                return 1;
            }

            var options = limits.Apply(new TiledDetectionOptions
            {
                Overlap = parse.GetValue(overlap),
                BatchSize = parse.GetValue(batch),
                GsdScaling = !parse.GetValue(noScale),
                FullFrame = parse.GetValue(fullFrame),
                MinObjectSizeM = parse.GetValue(minSize) / 100,
                PhotoMerge = new MergeOptions
                {
                    Mode = parse.GetValue(merge) == "nms" ? MergeMode.Suppress : MergeMode.Merge,
                    Metric = parse.GetValue(metric) == "iou" ? OverlapMetric.IoU : OverlapMetric.IoS,
                    Threshold = parse.GetValue(mergeThreshold),
                    MaxDetections = parse.GetValue(maxDetections),
                },
            }, parse);
            var request = new DetectRequest(parse.GetValue(paths) ?? [], parse.GetValue(model), parse.GetValue(threads), parse.GetValue(conf), options, georeference, parse.GetValue(json)) { DemFile = parse.GetValue(geo.Terrain.Dem) };
            return await RunAsync(request, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(DetectRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (files, missing) = PhotoFiles.Expand(request.Paths, PhotoFiles.ImageExtensions, recursive: true);

        // A DEM kept beside the photos (dem.tif) is not a photo.
        if (request.DemFile is { } dem)
        {
            files = [.. files.Where(f => !string.Equals(Path.GetFullPath(f), Path.GetFullPath(dem), StringComparison.Ordinal))];
        }

        foreach (var m in missing)
        {
            error.WriteLine($"{m}: no such file or folder");
        }

        if (files.Count == 0)
        {
            error.WriteLine("no photos to detect in (JPEG, PNG or TIFF files, or folders holding them)");
            return 1;
        }

        if (DefaultModel.Load(request.ModelPath, new DetectorOptions { IntraOpThreads = request.Threads }, error) is not { } detectors)
        {
            return 1;
        }

        try
        {
            var first = detectors[0].Info;
            var report = request.Json ? (IDetectReport)new DetectJsonReport(output, first) : new DetectTableReport(output, first);
            var runner = new DetectRunner(ConfOption.Tiled(detectors, request.Options, request.Conf), request.Georeference);
            await foreach (var result in runner.RunAsync(files, cancellationToken).ConfigureAwait(false))
            {
                report.Write(result);
            }

            report.Complete();
        }
        finally
        {
            detectors.ForEach(d => d.Dispose());
        }

        return missing.Count == 0 ? 0 : 1;
    }

    private sealed record DetectRequest(string[] Paths, string? ModelPath, int Threads, double? Conf, TiledDetectionOptions Options, Core.Photos.GeoreferenceOptions Georeference, bool Json)
    {
        public string? DemFile { get; init; }
    }
}

/// <summary>Where the shipped model is looked for: beside the program, then under the current folder.</summary>
internal static class DefaultModel
{
    public const string RelativePath = "models/dronescan-rgb.onnx";

    /// <summary>The shipped thermal model, used beside the RGB one when no model is named (automatic model choice).</summary>
    public const string ThermalRelativePath = "models/dronescan-thermal.onnx";

    public static string? Find() => RepoFiles.FindUpwards(RelativePath);

    public static string? FindThermal() => RepoFiles.FindUpwards(ThermalRelativePath);

    /// <summary>A <c>--model</c> value: a model file, or the name of a shipped model (<c>dronescan-rgb-pfm1</c> for
    /// <c>models/dronescan-rgb-pfm1.onnx</c>) when no such file is there.</summary>
    public static string Resolve(string model) =>
        !File.Exists(model) && !model.Contains('/', StringComparison.Ordinal) && !model.Contains('\\', StringComparison.Ordinal)
            && !model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && RepoFiles.FindUpwards($"models/{model}.onnx") is { } shipped
            ? shipped
            : model;

    /// <summary>
    /// The models a run uses: the named one alone, or without a name the shipped RGB model and, when present, the
    /// shipped thermal one (automatic model choice: each photo the model of its sensor, RGB first). Null, with the
    /// reason written to <paramref name="error"/>, when a model is missing or does not load (none stays open).
    /// </summary>
    public static List<OnnxDetector>? Load(string? modelPath, DetectorOptions options, TextWriter error)
    {
        var paths = new List<string>();
        if (modelPath is not null)
        {
            paths.Add(Resolve(modelPath));
        }
        else if (Find() is { } rgb)
        {
            paths.Add(rgb);
            if (FindThermal() is { } thermal)
            {
                paths.Add(thermal);
            }
        }
        else
        {
            error.WriteLine($"no model: {RelativePath} is not here; pass --model FILE");
            return null;
        }

        if (paths.FirstOrDefault(p => !File.Exists(p)) is { } missing)
        {
            error.WriteLine($"{missing}: no such model file");
            return null;
        }

        var detectors = new List<OnnxDetector>();
        try
        {
            foreach (var path in paths)
            {
                detectors.Add(OnnxDetector.Load(path, options));
            }
        }
        catch (ModelLoadException ex)
        {
            detectors.ForEach(d => d.Dispose());
            error.WriteLine(ex.Message);
            return null;
        }

        return detectors;
    }
}

/// <summary>Finds files that ship with the repository (models, samples) wherever the program runs from.</summary>
internal static class RepoFiles
{
    /// <summary>The first existing file or folder at <paramref name="relativePath"/> under the program's folder or
    /// the current folder, or any folder above them; null when there is none.</summary>
    public static string? FindUpwards(string relativePath)
    {
        foreach (var root in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, relativePath);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
