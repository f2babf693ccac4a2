using System.CommandLine;
using DroneScan.Cli.Scan;
using DroneScan.Core.Flights;
using DroneScan.Detection;
using DroneScan.Export;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage;
using DroneScan.Storage.Sqlite;

namespace DroneScan.Cli.Commands;

/// <summary><c>dronescan scan FOLDER</c>: the whole flight, from photos to hazard points in the store (and a file).</summary>
internal static class ScanCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var folder = new Argument<string>("folder") { Description = "Folder of the flight's photos (searched recursively for JPEG, PNG and TIFF)" };
        var outFile = new Option<string?>("--out") { Description = "Also write the hazard points to this file", HelpName = "FILE" };
        var format = ExportOptions.Format();
        var model = new Option<string?>("--model") { Description = $"ONNX detection model file, or a shipped model's name (e.g. dronescan-rgb-pfm1), for every photo (default: each photo through the shipped model of its sensor, {DefaultModel.RelativePath} or {DefaultModel.ThermalRelativePath})", HelpName = "FILE|NAME" };
        var db = ExportOptions.Database();
        var conf = ConfOption.Create();
        var maxGsdFactor = new Option<double>("--max-gsd-factor") { Description = "Photos count as coverage up to this many times the model's GSD", DefaultValueFactory = _ => 2, HelpName = "F" };
        var areaBuffer = new Option<double>("--area-buffer") { Description = "Buffer around hazard points for suggested hazard areas, metres", DefaultValueFactory = _ => 5, HelpName = "M" };
        var mergeClasses = new Option<bool>("--merge-classes") { Description = "Merge views of one object even when the model gave them different classes (the point keeps the class votes)" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads per photo (0 = the cores divided by --parallel-photos)", DefaultValueFactory = _ => 0 };
        var parallel = new Option<int>("--parallel-photos") { Description = "Photos run through the model at once (2 on 2 cores with 1 thread each is ~1.5× faster than 1 photo on 2 threads; more memory)", DefaultValueFactory = _ => 1, HelpName = "N" };
        var truth = new Option<string?>("--truth") { Description = "GeoJSON of planted items to score the result against (default: truth.geojson in the folder, if any)", HelpName = "FILE" };
        var minSize = new Option<double>("--min-size-cm") { Description = "Drop boxes smaller than this on the ground (0 keeps all)", DefaultValueFactory = _ => 4, HelpName = "CM" };
        CliChecks.InRange(minSize, 0, 100);
        CliChecks.InRange(conf, 0, 1.0000001);
        CliChecks.InRange(maxGsdFactor, 1e-9, double.MaxValue);
        CliChecks.InRange(areaBuffer, 1e-9, double.MaxValue);
        CliChecks.AtLeast(threads, 0);
        CliChecks.AtLeast(parallel, 1);

        var limits = new PhotoLimitCliOptions();
        var geo = new GeoreferenceCliOptions();
        var command = new Command("scan", "Scan a flight: detect in every photo, place detections on the ground, merge them into hazard points, store and export")
        {
            folder, outFile, format, model, db, conf, maxGsdFactor, areaBuffer, mergeClasses, threads, parallel, truth, minSize,
        };
        geo.AddTo(command);
        limits.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (geo.Read(parse, error) is not { } georeference)
            {
                return 1;
            }

            var request = new ScanRequest(
                parse.GetValue(folder)!,
                parse.GetValue(outFile),
                parse.GetValue(format),
                parse.GetValue(model),
                parse.GetValue(db)!,
                parse.GetValue(threads),
                parse.GetValue(parallel),
                parse.GetValue(conf),
                new ScanOptions
                {
                    Georeference = georeference,
                    Detection = limits.Apply(new TiledDetectionOptions { MinObjectSizeM = parse.GetValue(minSize) / 100 }, parse),
                    TruthFile = parse.GetValue(truth),
                    NotPhotos = parse.GetValue(geo.Terrain.Dem) is { } demFile ? [demFile] : [],
                    MaxGsdFactor = parse.GetValue(maxGsdFactor),
                    AreaBufferM = parse.GetValue(areaBuffer),
                },
                parse.GetValue(mergeClasses));
            return await RunAsync(request, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ScanRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ExportFormat? format = null;
        if (request.OutFile is not null)
        {
            if (!ExportOptions.TryResolveFormat(request.Format, request.OutFile, error, out var resolved))
            {
                return 1;
            }

            format = resolved;
        }

        if (!Directory.Exists(request.Folder))
        {
            error.WriteLine($"{request.Folder}: no such folder");
            return 1;
        }

        if (request.Options.TruthFile is { } truthFile)
        {
            try
            {
                TruthCheck.Read(truthFile);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine(ex is InvalidDataException ? ex.Message : $"{truthFile}: cannot read the truth file ({ex.Message})");
                return 1;
            }
        }

        int threadsPerPhoto = request.Threads > 0 ? request.Threads : Math.Max(1, Environment.ProcessorCount / request.ParallelPhotos);
        if (DefaultModel.Load(request.ModelPath, new DetectorOptions { IntraOpThreads = threadsPerPhoto }, error) is not { } detectors)
        {
            return 1;
        }

        // The run records the first model's threshold; each model runs at its own (--conf, else its recommended one).
        request = request with { Options = request.Options with { Detection = request.Options.Detection with { MinScore = ConfOption.Resolve(request.Conf, detectors[0].Info) } } };
        if (request.MergeClasses)
        {
            // Views of one object merge across the classes of one model, never across models.
            request = request with { Options = request.Options with { Cluster = request.Options.Cluster with { CompatibleClassGroups = [.. detectors.Select(d => d.Info.ClassNames)] } } };
        }

        try
        {
            var models = TiledModelSet.ChooseBySensor(ConfOption.Tiled(detectors, request.Options.Detection, request.Conf));
            return await ScanAsync(request, format, models, output, error, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            // The photo being saved was rolled back whole; the ones before it are stored and will be resumed.
            error.WriteLine();
            error.WriteLine(ex.Message);
            error.WriteLine(ex.Problem == StoreProblem.Full
                ? $"scan stopped: disk full. The photos finished so far are saved in {request.Database}; free space and run the same command again to resume"
                : $"scan stopped: {request.Database} is locked by another process. The photos finished so far are saved; run the same command again when it has finished to resume");
            return StoreUnavailableExitCode;
        }
        catch (StoreOpenException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }
        finally
        {
            detectors.ForEach(d => d.Dispose());
        }
    }

    /// <summary>Exit code when the database is full or locked: nothing is lost, running again later resumes
    /// (EX_TEMPFAIL in sysexits.h, so scripts can tell it from bad input).</summary>
    public const int StoreUnavailableExitCode = 75;

    private static async Task<int> ScanAsync(ScanRequest request, ExportFormat? format, TiledModelSet models, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using (var store = SqliteFlightStore.Open(request.Database, TimeProvider.System))
        {
            bool interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            var runner = new ScanRunner(store, models, TimeProvider.System) { ParallelPhotos = request.ParallelPhotos };
            ScanReport report;
            try
            {
                report = await runner.RunAsync(request.Folder, request.Options, new ScanProgressReport(output, interactive, TimeProvider.System), cancellationToken).ConfigureAwait(false);
            }
            catch (ScanException ex)
            {
                error.WriteLine(ex.Message);
                return 1;
            }
            catch (OperationCanceledException)
            {
                error.WriteLine();
                error.WriteLine($"interrupted: the photos finished so far are saved in {request.Database}; run the same command again to resume");
                return 130;
            }

            if (report.PhotosUsed > 0 && format is { } fmt)
            {
                var data = FlightExport.Load(store, report.FlightId)!;
                if (!ExportOptions.TryWrite(fmt, ExportLayer.Points, data, request.OutFile!, error))
                {
                    ScanSummary.Write(output, report, request.Database, null);
                    return 1;
                }
            }

            ScanSummary.Write(output, report, request.Database, report.PhotosUsed > 0 ? request.OutFile : null);
            if (report.PhotosUsed == 0)
            {
                error.WriteLine($"{request.Folder}: no photo could be used ({report.Totals.PhotosSkipped} skipped, {report.Totals.PhotosFailed} failed; reasons above)");
                return 1;
            }
        }

        return 0;
    }

    private sealed record ScanRequest(string Folder, string? OutFile, string? Format, string? ModelPath, string Database, int Threads, int ParallelPhotos, double? Conf, ScanOptions Options, bool MergeClasses);
}
