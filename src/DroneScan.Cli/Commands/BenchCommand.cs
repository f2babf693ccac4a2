using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DroneScan.Detection;
using DroneScan.Pipeline.Bench;
using DroneScan.Pipeline.Detect;
using DroneScan.Storage;
using DroneScan.Synth;
using DroneScan.Synth.Flight;

namespace DroneScan.Cli.Commands;

/// <summary>
/// <c>dronescan bench</c>: generates (once, cached) a synthetic flight of full-size photos and measures in one run,
/// per variant, the model alone on the scan's tiles and the scan end to end (<see cref="ScanBenchmark"/>).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var photos = new Option<int>("--photos") { Description = "Photos in the benchmark flight", DefaultValueFactory = _ => 100, HelpName = "N" };
        var cache = new Option<string?>("--cache") { Description = "Folder the generated photos are kept in (default: dronescan-bench in the temp folder)", HelpName = "DIR" };
        var model = new Option<string?>("--model") { Description = $"ONNX detection model (default: {DefaultModel.RelativePath})", HelpName = "FILE" };
        var batch = new Option<string>("--batch") { Description = "Tiles per inference; a comma list sweeps", DefaultValueFactory = _ => "4", HelpName = "N[,N]" };
        var threads = new Option<string>("--threads") { Description = "ONNX Runtime threads (0 = one per core); a comma list sweeps", DefaultValueFactory = _ => "0", HelpName = "N[,N]" };
        var spinning = new Option<string>("--spinning") { Description = "ONNX Runtime worker spinning: on, off or both", DefaultValueFactory = _ => "off", HelpName = "on|off|both" };
        var agl = new Option<double>("--agl") { Description = "Flight height, metres (18 m with the 24 mm-equivalent lens: 4.9 mm/px, about the RGB model's GSD)", DefaultValueFactory = _ => 18, HelpName = "M" };
        var width = new Option<int>("--width") { Description = "Photo width, pixels", DefaultValueFactory = _ => 5472, HelpName = "PX" };
        var height = new Option<int>("--height") { Description = "Photo height, pixels", DefaultValueFactory = _ => 3648, HelpName = "PX" };
        var focal35 = new Option<int>("--focal-35mm") { Description = "35 mm-equivalent focal length", DefaultValueFactory = _ => 24, HelpName = "MM" };
        var noGsdScaling = new Option<bool>("--no-gsd-scaling") { Description = "Tile photos at their own resolution instead of rescaling them to the model's GSD" };
        var maxScale = new Option<double>("--max-scale") { Description = "Largest GSD rescale (upsampling of coarse photos)", DefaultValueFactory = _ => new TiledDetectionOptions().MaxScale, HelpName = "F" };
        var parallel = new Option<string>("--parallel-photos") { Description = "Photos run through the model at once (as scan --parallel-photos); a comma list sweeps", DefaultValueFactory = _ => "1", HelpName = "N[,N]" };
        var prepareOnly = new Option<bool>("--prepare-only") { Description = "Generate the photos, print their folder and stop (for other benchmarks, e.g. bench/scaleout.sh)" };
        var modelPhotos = new Option<int>("--model-photos") { Description = "Photos whose tiles the model-alone loop runs (0 = all)", DefaultValueFactory = _ => 10, HelpName = "N" };
        CliChecks.AtLeast(photos, 1);
        CliChecks.AtLeast(modelPhotos, 0);
        CliChecks.AtLeast(width, 640);
        CliChecks.AtLeast(height, 640);
        CliChecks.InRange(agl, 2, 500);
        CliChecks.InRange(maxScale, 1, 4.0000001);

        var command = new Command("bench", "Measure throughput: the model alone on the scan's tiles vs the scan end to end, on a generated flight of full-size photos")
        {
            photos, cache, model, batch, threads, spinning, agl, width, height, focal35, noGsdScaling, maxScale, modelPhotos, prepareOnly, parallel,
        };
        command.Subcommands.Add(ReviewBenchCommand.Create(output, error));
        var terrain = new DemCliOptions();
        terrain.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dem = terrain.Read(parse, error, out bool demOk);
            if (!demOk)
            {
                return 1;
            }

            string? modelPath = parse.GetValue(model) ?? DefaultModel.Find();
            if (modelPath is null || !File.Exists(modelPath))
            {
                error.WriteLine(modelPath is null ? $"no model: {DefaultModel.RelativePath} is not here; pass --model FILE" : $"{modelPath}: no such model file");
                return 1;
            }

            if (!TryParseList(parse.GetValue(batch)!, 1, out var batches) || !TryParseList(parse.GetValue(threads)!, 0, out var threadCounts)
                || !TryParseList(parse.GetValue(parallel)!, 1, out var parallelCounts)
                || parse.GetValue(spinning) is not ("on" or "off" or "both"))
            {
                error.WriteLine("--batch, --threads and --parallel-photos take comma lists of whole numbers (batch ≥ 1, threads ≥ 0, photos ≥ 1); --spinning takes on, off or both");
                return 1;
            }

            var (found, problems) = Backgrounds.Resolve([SynthCommand.FromRepo(SynthFlightCommand.DefaultBackground)]);
            if (found.Count != 1)
            {
                error.WriteLine(string.Join(Environment.NewLine, problems.DefaultIfEmpty("the CC0 background photo of the demo flight is not here")));
                return 1;
            }

            var flight = new FlightOptions
            {
                Background = found[0], Photos = BenchFlight.RenderedPhotos, Lines = 2, HeadingDeg = 0, AltitudeAglM = parse.GetValue(agl),
                WidthPx = parse.GetValue(width), HeightPx = parse.GetValue(height), FocalLength35mm = parse.GetValue(focal35), JpegQuality = 90, MosaicGsdM = 0.004,
            };
            string cacheFolder = parse.GetValue(cache) ?? Path.Combine(Path.GetTempPath(), "dronescan-bench");
            string folder;
            try
            {
                folder = BenchFlight.Ensure(cacheFolder, parse.GetValue(photos), flight, output.WriteLine);
            }
            catch (ArgumentException ex)
            {
                error.WriteLine(ex.Message);
                return 1;
            }

            if (parse.GetValue(prepareOnly))
            {
                output.WriteLine(folder);
                return 0;
            }

            bool[] spins = parse.GetValue(spinning) switch { "on" => [true], "off" => [false], _ => [true, false] };
            var options = new ScanBenchOptions
            {
                ModelPath = modelPath,
                OpenStore = path => FlightStores.Open(FlightStores.Sqlite, path, TimeProvider.System),
                PhotoFolder = folder,
                Detection = new TiledDetectionOptions { GsdScaling = !parse.GetValue(noGsdScaling), MaxScale = parse.GetValue(maxScale) },
                Variants = [.. from b in batches from t in threadCounts from s in spins from n in parallelCounts select new BenchVariant(b, t, s, n)],
                ModelAlonePhotos = parse.GetValue(modelPhotos),
                Georeference = new Core.Photos.GeoreferenceOptions { Terrain = dem },
            };
            output.WriteLine(Describe(options, folder));
            IReadOnlyList<ScanBenchResult> results;
            try
            {
                results = await ScanBenchmark.RunAsync(options, output.WriteLine, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelLoadException ex)
            {
                error.WriteLine(ex.Message);
                return 1;
            }

            Report(output, results);
            return 0;
        });
        return command;
    }

    private static string Describe(ScanBenchOptions options, string folder)
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        return string.Create(CultureInfo.InvariantCulture, $"photos {folder}; model {options.ModelPath}; {Environment.ProcessorCount} cores; load average {load}; GSD scaling {(options.Detection.GsdScaling ? "on" : "off")}, max scale {options.Detection.MaxScale}");
    }

    /// <summary>The results as Markdown tables (the form bench/RESULTS.md keeps them in).</summary>
    private static void Report(TextWriter output, IReadOnlyList<ScanBenchResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine("| batch | threads | spinning | at once | photos | tiles | (a) ms/tile | (a) s | (b) s | (b)/(a) | (a) CPU s | (b) CPU s | photos/s | MP/s | tiles/s | peak RSS |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(c, $"| {r.Variant.BatchSize} | {(r.Variant.Threads == 0 ? "auto" : r.Variant.Threads)} | {(r.Variant.AllowSpinning ? "on" : "off")} | {r.Variant.ParallelPhotos} | {r.Photos} | {r.Tiles} | {r.ModelMsPerTile:0.0} | {r.ModelAlone.TotalSeconds:0.0} | {r.EndToEnd.TotalSeconds:0.0} | {r.Ratio:0.00} | {r.ModelAloneCpu.TotalSeconds:0.0} | {r.EndToEndCpu.TotalSeconds:0.0} | {r.PhotosPerSecond:0.00} | {r.MegapixelsPerSecond:0.0} | {r.TilesPerSecond:0.0} | {r.PeakRssBytes / 1048576.0:0} MB |"));
        }

        output.WriteLine();
        output.WriteLine("Stage times, seconds summed over photos, wall / CPU of the timing thread (reading stages run one photo ahead, on their own thread; inference CPU is the calling thread's share only):");
        output.WriteLine("| variant | " + string.Join(" | ", Enum.GetNames<ScanStage>()) + " |");
        output.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---|", Enum.GetValues<ScanStage>().Length)));
        foreach (var r in results)
        {
            output.WriteLine($"| {r.Variant} | " + string.Join(" | ", Enum.GetValues<ScanStage>().Select(s => r.Stages[s].TotalSeconds.ToString("0.0", c) + " / " + (r.StageCpu.TryGetValue(s, out var cpu) ? cpu.TotalSeconds : 0).ToString("0.0", c))) + " |");
        }

        output.WriteLine(string.Create(c, $"process peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB; load average now {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a")}"));
    }

    private static bool TryParseList(string text, int min, out int[] values)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < min)
            {
                return false;
            }
        }

        return parts.Length > 0;
    }
}
