using System.Diagnostics;
using DroneScan.Core.Detection;
using DroneScan.Core.Flights;
using DroneScan.Core.Photos;
using DroneScan.Detection;
using DroneScan.Imaging.Metadata;
using DroneScan.Imaging.Pixels;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Scan;

namespace DroneScan.Pipeline.Bench;

/// <summary>One configuration of the model session and the tiling the benchmark measures.</summary>
public sealed record BenchVariant(int BatchSize, int Threads, bool AllowSpinning, int ParallelPhotos = 1)
{
    public override string ToString() =>
        FormattableString.Invariant($"batch {BatchSize}, threads {(Threads == 0 ? "auto" : Threads.ToString(System.Globalization.CultureInfo.InvariantCulture))}, spinning {(AllowSpinning ? "on" : "off")}, {ParallelPhotos} photo(s) at once");
}

/// <summary>What <see cref="ScanBenchmark"/> measures.</summary>
public sealed record ScanBenchOptions
{
    public required string ModelPath { get; init; }

    /// <summary>Opens the store the scan writes, given a database file in a temporary folder (the host's own store
    /// factory, so the benchmark measures the store the scan really uses); disposed after the run when disposable.</summary>
    public required Func<string, IFlightStore> OpenStore { get; init; }

    /// <summary>The folder of photos the scan reads (the whole folder, as <c>dronescan scan</c> would).</summary>
    public required string PhotoFolder { get; init; }

    /// <summary>Tiling and merging as the scan runs them; the batch size comes from each variant, the score
    /// threshold from <see cref="MinScore"/>.</summary>
    public TiledDetectionOptions Detection { get; init; } = new();

    /// <summary>The final score threshold; null: the model's recommendation, as <c>scan</c> runs without --conf
    /// (with a verifier it also sets how many candidates reach the second stage).</summary>
    public float? MinScore { get; init; }

    public IReadOnlyList<BenchVariant> Variants { get; init; } = [new(4, 0, false)];

    /// <summary>Georeferencing as the scan runs it (e.g. with a DEM, to measure what it adds).</summary>
    public GeoreferenceOptions Georeference { get; init; } = new();

    /// <summary>Photos whose tiles the model-alone loop runs (the first ones of the folder); its time per tile is
    /// applied to every tile of the scan. All photos when 0 or more than the folder holds.</summary>
    public int ModelAlonePhotos { get; init; } = 10;
}

/// <summary>The measurements of one variant: (a) the model alone and (b) the scan end to end, in one run.</summary>
public sealed record ScanBenchResult(
    BenchVariant Variant,
    int Photos,
    double Megapixels,
    int Tiles,
    double ModelMsPerTile,
    TimeSpan ModelAlone,
    TimeSpan EndToEnd,
    long PeakRssBytes,
    IReadOnlyDictionary<ScanStage, TimeSpan> Stages)
{
    /// <summary>Process CPU time of (a), scaled like its wall time to all the scan's tiles.</summary>
    public TimeSpan ModelAloneCpu { get; init; }

    /// <summary>Process CPU time of (b).</summary>
    public TimeSpan EndToEndCpu { get; init; }

    /// <summary>CPU time per stage on the threads that timed it (see <see cref="StageTimes"/>).</summary>
    public IReadOnlyDictionary<ScanStage, TimeSpan> StageCpu { get; init; } = new Dictionary<ScanStage, TimeSpan>();

    /// <summary>End to end over the model alone on the same tiles: 1 means everything else hides behind the model.</summary>
    public double Ratio => EndToEnd / ModelAlone;

    public double PhotosPerSecond => Photos / EndToEnd.TotalSeconds;

    public double MegapixelsPerSecond => Megapixels / EndToEnd.TotalSeconds;

    public double TilesPerSecond => Tiles / EndToEnd.TotalSeconds;
}

/// <summary>
/// The throughput benchmark of <c>dronescan bench</c>: for each variant, (a) the model alone — ONNX Runtime on
/// the number of tiles the scan cuts from each photo, in batches as the scan sends them, in a tight loop, with the
/// same session — then (b) the <c>scan</c> use case end to end on the folder, with its SQLite store in a temporary
/// folder, timing each stage and sampling the resident memory. A model's chip verifier is not in (a); in (b) it is
/// its own stage, <see cref="ScanStage.Verify"/>.
/// </summary>
public static class ScanBenchmark
{
    public static async Task<IReadOnlyList<ScanBenchResult>> RunAsync(ScanBenchOptions options, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listing = ScanFolder.List(options.PhotoFolder);
        if (listing.Photos.Count == 0)
        {
            throw new ScanException($"{options.PhotoFolder}: no photos to benchmark");
        }

        var results = new List<ScanBenchResult>();
        foreach (var variant in options.Variants)
        {
            using var model = OnnxDetector.Load(options.ModelPath, new DetectorOptions { IntraOpThreads = variant.Threads, AllowSpinning = variant.AllowSpinning });
            var detection = options.Detection with { BatchSize = variant.BatchSize, MinScore = options.MinScore ?? TiledDetectionOptions.RecommendedMinScore(model.Info) };
            var plan = PlanTiles(listing, new TiledDetector(model, detection), options.Georeference);
            progress?.Invoke(FormattableString.Invariant($"{variant}: {plan.Count} photos, {plan.Sum(p => p.Tiles)} tiles ({plan.Average(p => p.Scale):0.###}× GSD rescale on average)"));

            var (msPerTile, cpuMsPerTile) = ModelAlone(model, detection, listing, plan, options.ModelAlonePhotos, variant.ParallelPhotos);
            int tiles = plan.Sum(p => p.Tiles);
            var modelAlone = TimeSpan.FromMilliseconds(msPerTile * tiles);
            progress?.Invoke(FormattableString.Invariant($"  (a) model alone: {msPerTile:0.0} ms per tile ({cpuMsPerTile:0.0} ms CPU), {modelAlone.TotalSeconds:0.0} s for the scan's {tiles} tiles"));

            var (elapsed, cpu, peakRss, times) = await EndToEndAsync(model, detection, options.Georeference, options.PhotoFolder, options.OpenStore, variant.ParallelPhotos, cancellationToken).ConfigureAwait(false);
            var result = new ScanBenchResult(variant, plan.Count, plan.Sum(p => p.Megapixels), tiles, msPerTile, modelAlone, elapsed, peakRss, Enum.GetValues<ScanStage>().ToDictionary(s => s, s => times[s]))
            {
                ModelAloneCpu = TimeSpan.FromMilliseconds(cpuMsPerTile * tiles),
                EndToEndCpu = cpu,
                StageCpu = Enum.GetValues<ScanStage>().ToDictionary(s => s, times.Cpu),
            };
            progress?.Invoke(FormattableString.Invariant($"  (b) scan end to end: {elapsed.TotalSeconds:0.0} s ({cpu.TotalSeconds:0.0} s CPU), ratio {result.Ratio:0.00}, {result.MegapixelsPerSecond:0.0} MP/s, peak RSS {peakRss / 1048576.0:0} MB"));
            results.Add(result);
        }

        return results;
    }

    /// <summary>The tiles the scan will cut from each photo: its GSD rescale and the tile plan of the rescaled size.</summary>
    private static List<PlannedPhoto> PlanTiles(ScanFolder listing, TiledDetector detector, GeoreferenceOptions georeference)
    {
        var plan = new List<PlannedPhoto>(listing.Photos.Count);
        foreach (var relative in listing.Photos)
        {
            string path = listing.FullPath(relative);
            var photo = PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(path), georeference);
            int width, height;
            if (photo.Georeference is { } geo)
            {
                (width, height) = (geo.Camera.OrientedWidth, geo.Camera.OrientedHeight);
            }
            else
            {
                using var image = PhotoDecoder.LoadOriented(path, detector.Options.MaxPixels);
                (width, height) = (image.Width, image.Height);
            }

            double scale = detector.ScaleFor(photo.Georeference?.CentreGsdM);
            int w = Math.Abs(scale - 1) < 1e-9 ? width : Math.Max(1, (int)Math.Round(width * scale));
            int h = Math.Abs(scale - 1) < 1e-9 ? height : Math.Max(1, (int)Math.Round(height * scale));
            int tiles = TilePlan.Create(w, h, detector.Detector.Info.InputSize, detector.Options.Overlap).Count;
            plan.Add(new PlannedPhoto(relative, width * (double)height / 1e6, scale, tiles));
        }

        return plan;
    }

    /// <summary>
    /// (a): the first photo's own tiles (decoded, rescaled, filled once, before timing) run through the model in a
    /// tight loop, in the batches the scan sends for each of the first <paramref name="photos"/> photos. A
    /// convolutional network's cost does not depend on the pixel values, so cycling one batch of real tiles costs
    /// what the scan's tiles cost. Returns wall and process CPU milliseconds per tile.
    /// </summary>
    private static (double WallMs, double CpuMs) ModelAlone(OnnxDetector model, TiledDetectionOptions detection, ScanFolder listing, List<PlannedPhoto> plan, int photos, int streams)
    {
        int size = model.Info.InputSize, plane = 3 * size * size;
        int perBatch = Math.Max(1, model.Info.FixedBatch ?? detection.BatchSize);
        var batch = new float[perBatch * plane];
        using (var image = PhotoDecoder.LoadOriented(listing.FullPath(plan[0].File), detection.MaxPixels))
        {
            PhotoDecoder.Rescale(image, plan[0].Scale);
            var tiles = TilePlan.Create(image.Width, image.Height, size, detection.Overlap);
            for (int i = 0; i < perBatch; i++)
            {
                TensorFill.Fill(image, tiles[i % tiles.Count], size, batch.AsMemory(i * plane, plane));
            }
        }

        var sample = photos <= 0 ? plan : plan.Take(photos).ToList();
        void Run(float[] buffer, int tiles)
        {
            for (int start = 0; start < tiles; start += perBatch)
            {
                model.Detect(buffer, model.Info.FixedBatch ?? Math.Min(perBatch, tiles - start), detection.MinScore);
            }
        }

        // As the scan runs photos: with several at once, each stream takes every n-th photo with its own buffer.
        streams = Math.Max(1, streams);
        var buffers = Enumerable.Range(0, streams).Select(i => i == 0 ? batch : (float[])batch.Clone()).ToArray();
        Run(batch, sample[0].Tiles); // warm-up: the first runs of a session allocate its arena
        var cpu = ProcessCpu();
        var clock = Stopwatch.StartNew();
        var running = Enumerable.Range(0, streams).Select(s => Task.Run(() =>
        {
            for (int i = s; i < sample.Count; i += streams)
            {
                Run(buffers[s], sample[i].Tiles);
            }
        })).ToArray();
        Task.WaitAll(running);

        int total = sample.Sum(p => p.Tiles);
        return (clock.Elapsed.TotalMilliseconds / total, (ProcessCpu() - cpu).TotalMilliseconds / total);
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>(b): the scan use case on the folder into a fresh store; elapsed and process CPU time, peak
    /// resident memory sampled during the scan, time per stage.</summary>
    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu, long PeakRss, StageTimes Stages)> EndToEndAsync(
        OnnxDetector model, TiledDetectionOptions detection, GeoreferenceOptions georeference, string folder, Func<string, IFlightStore> openStore, int parallelPhotos, CancellationToken cancellationToken)
    {
        string temp = Path.Combine(Path.GetTempPath(), "dronescan-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        var times = new StageTimes();
        long peak = Environment.WorkingSet;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(
            async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
                {
                    peak = Math.Max(peak, Environment.WorkingSet);
                }
            },
            CancellationToken.None);
        try
        {
            TimeSpan elapsed, cpu;
            var store = openStore(Path.Combine(temp, "bench.db"));
            using (store as IDisposable)
            {
                var runner = new ScanRunner(store, new TiledDetector(model, detection) { Times = times }, TimeProvider.System) { Times = times, ParallelPhotos = parallelPhotos };
                var cpuStart = ProcessCpu();
                var clock = Stopwatch.StartNew();
                await runner.RunAsync(folder, new ScanOptions { Detection = detection, Georeference = georeference }, null, cancellationToken).ConfigureAwait(false);
                elapsed = clock.Elapsed;
                cpu = ProcessCpu() - cpuStart;
            }

            await sampling.CancelAsync().ConfigureAwait(false);
            try
            {
                await sampler.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The sampler ends by cancellation.
            }

            return (elapsed, cpu, Math.Max(peak, Environment.WorkingSet), times);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private sealed record PlannedPhoto(string File, double Megapixels, double Scale, int Tiles);
}
