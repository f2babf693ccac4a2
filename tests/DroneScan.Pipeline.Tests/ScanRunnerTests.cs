using DroneScan.Core.Flights;
using DroneScan.Detection;
using DroneScan.Export;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage;
using DroneScan.Storage.Sqlite;

namespace DroneScan.Pipeline.Tests;

public sealed class ScanRunnerTests : IDisposable
{
    private readonly OnnxDetector _model = OnnxDetector.Load(Scenes.WhiteBoxModel);
    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        _model.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static ScanOptions Options => new() { Georeference = SyntheticFlight.Georeference };

    private string NewFlightFolder(string name = "flight")
    {
        string folder = Path.Combine(_temp.Path, name);
        Directory.CreateDirectory(folder);
        SyntheticFlight.Write(folder);
        return folder;
    }

    private SqliteFlightStore OpenStore(string name = "scan.db") => SqliteFlightStore.Open(Path.Combine(_temp.Path, name), TimeProvider.System);

    private Task<ScanReport> Scan(IFlightStore store, string folder, IScanProgress? progress = null, CancellationToken cancellationToken = default) =>
        new ScanRunner(store, new TiledDetector(_model, new TiledDetectionOptions()), TimeProvider.System)
            .RunAsync(folder, Options, progress, cancellationToken);

    [Fact]
    public async Task EveryPlantedItem_IsOneHazardPoint_AtItsTruePosition()
    {
        string folder = NewFlightFolder();
        using var store = OpenStore();

        var report = await Scan(store, folder);

        Assert.Equal(SyntheticFlight.PhotoCount, report.Totals.PhotosProcessed);
        Assert.Equal(SyntheticFlight.Items.Count, report.Hazards.Count);
        foreach (var (id, _, _) in SyntheticFlight.Items)
        {
            var truth = SyntheticFlight.ItemPosition(id);
            var nearest = report.Hazards.MinBy(h => SyntheticFlight.DistanceM(h.Position, truth))!;
            Assert.True(SyntheticFlight.DistanceM(nearest.Position, truth) < 0.1, $"item {id}: nearest point {SyntheticFlight.DistanceM(nearest.Position, truth):0.000} m away");
            Assert.Equal(SyntheticFlight.PhotosSeeing(id), nearest.ObservationCount);
        }

        Assert.True(report.Hazards.Sum(h => h.ObservationCount) > report.Hazards.Count, "items seen in several photos are merged");
        Assert.True(report.Coverage.AreaM2 > 6 * 7.68 * 10.24 * 0.4, $"covered {report.Coverage.AreaM2:0} m²");
        Assert.False(report.HasGsdLimit); // the fixture model declares no GSD
        Assert.NotEmpty(report.Areas);
        Assert.Equal(FlightStatus.Finalised, store.GetFlight(report.FlightId)!.Flight.Status);
    }

    [Fact]
    public async Task HazardPoints_AreMergedPerModel_NeverAcrossTheModelsPhotosRanThrough()
    {
        string folder = NewFlightFolder();
        using var store = OpenStore();
        var report = await Scan(store, folder);
        Assert.Equal(SyntheticFlight.Items.Count, report.Hazards.Count);

        // As if the first three photos had run through another model (automatic choice: another camera).
        var firstHalf = store.LoadPhotoModels(report.FlightId).OrderBy(p => p.FileName, StringComparer.Ordinal).Take(3).Select(p => p.PhotoId).ToHashSet();
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_temp.Path, "scan.db")};Pooling=False"))
        {
            db.Open();
            using var update = db.CreateCommand();
            update.CommandText = $"UPDATE photos SET model_name = 'other', model_sha256 = '{new string('e', 64)}' WHERE photo_id IN ({string.Join(',', firstHalf.Select(id => $"'{id}'"))})";
            Assert.Equal(3, update.ExecuteNonQuery());
        }

        var built = new FlightProcessor(store, new TiledDetector(_model, new TiledDetectionOptions())).Build(report.FlightId, Options);

        // Items seen by photos of both halves are now one point per model; no point mixes the two.
        int seenByBoth = SyntheticFlight.Items.Count(i => PhotosOf(i.Id).Any(firstHalf.Contains) && !PhotosOf(i.Id).All(firstHalf.Contains));
        Assert.True(seenByBoth > 0, "the fixture has items seen from both halves");
        Assert.Equal(SyntheticFlight.Items.Count + seenByBoth, built.Hazards.Count);
        Assert.All(built.Hazards, h => Assert.Single(h.Observations.Select(o => firstHalf.Contains(o.PhotoId)).Distinct()));

        IEnumerable<string> PhotosOf(string item) =>
            report.Hazards.MinBy(h => SyntheticFlight.DistanceM(h.Position, SyntheticFlight.ItemPosition(item)))!.Observations.Select(o => o.PhotoId);
    }

    [Fact]
    public async Task EveryUsedPhoto_RecordsTheModelItRanThrough()
    {
        string folder = NewFlightFolder();
        using var store = OpenStore();

        var report = await Scan(store, folder);

        var models = store.LoadPhotoModels(report.FlightId);
        Assert.Equal(report.PhotosUsed, models.Count);
        Assert.All(models, m => Assert.Equal((_model.Info.Name, _model.Info.Sha256), (m.ModelName, m.ModelSha256)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SeveralPhotosAtOnce_GiveTheSameHazardsAndDetections_AsOneAtATime_InTheFolderOrder(int parallel)
    {
        string folder = NewFlightFolder();
        File.WriteAllBytes(Path.Combine(folder, "broken.jpg"), [0xFF, 0xD8, 0xFF]);
        using var one = OpenStore("one.db");
        using var many = OpenStore("many.db");

        var sequential = await Scan(one, folder);
        var concurrent = await new ScanRunner(many, new TiledDetector(_model, new TiledDetectionOptions()), TimeProvider.System) { ParallelPhotos = parallel }
            .RunAsync(folder, Options);

        Assert.Equal(sequential.Totals, concurrent.Totals);
        Assert.Equal(sequential.Photos.Select(p => (p.File, p.Outcome, p.Detections)), concurrent.Photos.Select(p => (p.File, p.Outcome, p.Detections)));
        Assert.Equal(sequential.Hazards.Select(h => (h.Id, h.Position, h.ObservationCount)), concurrent.Hazards.Select(h => (h.Id, h.Position, h.ObservationCount)));
        Assert.Equal(one.GetFlight(sequential.FlightId)!.Detections, many.GetFlight(concurrent.FlightId)!.Detections);
    }

    [Fact]
    public async Task BadFiles_AreListedWithReasons_AndDoNotStopTheFlight()
    {
        string folder = NewFlightFolder();
        File.WriteAllText(Path.Combine(folder, "corrupt.jpg"), "this is not a JPEG");
        using (var noGps = Scenes.Draw(64, 48))
        {
            Scenes.SaveJpeg(noGps, folder, "no-gps.jpg");
        }

        File.WriteAllText(Path.Combine(folder, "notes.txt"), "flight log");
        using var store = OpenStore();

        var report = await Scan(store, folder);

        Assert.Equal(SyntheticFlight.PhotoCount, report.PhotosUsed);
        Assert.Equal(SyntheticFlight.Items.Count, report.Hazards.Count);
        var corrupt = Assert.Single(report.Photos, p => p.File == "corrupt.jpg");
        Assert.Equal(ScanPhotoOutcome.Failed, corrupt.Outcome);
        Assert.StartsWith("corrupt.jpg: ", corrupt.Problem!.Reason, StringComparison.Ordinal);
        var noGpsResult = Assert.Single(report.Photos, p => p.File == "no-gps.jpg");
        Assert.Equal(ScanPhotoOutcome.Skipped, noGpsResult.Outcome);
        Assert.Equal("no-gps", noGpsResult.Problem!.Code);
        Assert.Equal(["notes.txt"], report.IgnoredFiles);
        Assert.Equal((1, 1), (report.Totals.PhotosSkipped, report.Totals.PhotosFailed));
        Assert.Equal(2, store.GetSkippedPhotos(report.FlightId).Count);
    }

    [Fact]
    public async Task TheDemKeptBesideThePhotos_IsNotReadAsAPhoto()
    {
        string folder = NewFlightFolder();
        File.WriteAllText(Path.Combine(folder, "dem.tif"), "a DEM, not a photo");
        using var store = OpenStore();

        var report = await new ScanRunner(store, new TiledDetector(_model, new TiledDetectionOptions()), TimeProvider.System)
            .RunAsync(folder, Options with { NotPhotos = [Path.Combine(folder, "dem.tif")] });

        Assert.Equal(SyntheticFlight.PhotoCount, report.PhotosUsed);
        Assert.DoesNotContain(report.Photos, p => p.File == "dem.tif");
        Assert.Equal((0, 0), (report.Totals.PhotosSkipped, report.Totals.PhotosFailed));
    }

    [Fact]
    public async Task AFolderWithoutPhotos_IsRefusedWithTheFolderNamed()
    {
        string empty = Path.Combine(_temp.Path, "empty");
        Directory.CreateDirectory(empty);
        using var store = OpenStore();

        var ex = await Assert.ThrowsAsync<ScanException>(() => Scan(store, empty));
        Assert.Contains(empty, ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ScanException>(() => Scan(store, Path.Combine(_temp.Path, "missing")));
        Assert.Empty(store.GetFlights());
    }

    [Fact]
    public async Task ReRunning_UpdatesTheSameFlight_WithoutRedoingOrDuplicating()
    {
        string folder = NewFlightFolder();
        using var store = OpenStore();
        var first = await Scan(store, folder);
        var before = store.GetFlight(first.FlightId)!;

        var second = await Scan(store, folder);
        var after = store.GetFlight(second.FlightId)!;

        Assert.Equal(first.FlightId, second.FlightId);
        Assert.Single(store.GetFlights());
        Assert.Equal((0, SyntheticFlight.PhotoCount), (second.Totals.PhotosProcessed, second.Totals.PhotosResumed));
        Assert.Equal((before.PhotosOk, before.Detections, before.Hazards), (after.PhotosOk, after.Detections, after.Hazards));
        Assert.Equal(first.Hazards.Select(h => h.Id), second.Hazards.Select(h => h.Id));
    }

    [Fact]
    public async Task AnInterruptedScan_Resumes_WithoutRedoingFinishedPhotos_AndGivesTheSameHazards()
    {
        string folder = NewFlightFolder();
        using var oneGoStore = OpenStore("one-go.db");
        var oneGo = await Scan(oneGoStore, folder);

        using var store = OpenStore("resumed.db");
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Scan(store, folder, new CancelAfter(3, cancel), cancel.Token));
        Assert.Equal(FlightStatus.Scanning, store.GetFlight(oneGo.FlightId)!.Flight.Status);
        Assert.Equal(3, store.GetFlight(oneGo.FlightId)!.PhotosOk);

        var resumed = await Scan(store, folder);

        Assert.Equal((3, 3), (resumed.Totals.PhotosResumed, resumed.Totals.PhotosProcessed));
        Assert.Equal(oneGo.Hazards.Select(h => (h.Id, h.ObservationCount)), resumed.Hazards.Select(h => (h.Id, h.ObservationCount)));
        Assert.Equal(oneGo.Coverage.AreaM2, resumed.Coverage.AreaM2, 1e-6);
    }

    [Fact]
    public async Task TheStoredFlight_ExportsItsPoints()
    {
        string folder = NewFlightFolder();
        using var store = OpenStore();
        var report = await Scan(store, folder);
        string path = Path.Combine(_temp.Path, "points.geojson");

        var data = FlightExport.Load(store, report.FlightId)!;
        HazardExporter.Write(ExportFormat.GeoJson, ExportLayer.Points, data, path);

        Assert.Equal(SyntheticFlight.Items.Count, data.Hazards.Count);
        Assert.Contains("\"hp-", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Null(FlightExport.Load(store, "fl-000000000000"));
    }

    /// <summary>Cancels the scan once <c>count</c> photos are finished (a kill between photos).</summary>
    private sealed class CancelAfter(int count, CancellationTokenSource cancel) : IScanProgress
    {
        public void Started(string flightId, int photoCount)
        {
        }

        public void PhotoFinished(ScanPhotoResult result, int done, int total)
        {
            if (done == count)
            {
                cancel.Cancel();
            }
        }

        public void Finalising()
        {
        }
    }

    [Fact]
    public async Task AFullDisk_StopsTheScan_WithEachPhotoWholeOrAbsent_AndARunAfterFreeingSpaceResumes()
    {
        string folder = NewFlightFolder();
        using var reference = OpenStore("reference.db");
        var expected = await Scan(reference, folder);
        var perPhoto = expected.Photos.ToDictionary(p => p.PhotoId!, p => p.Detections);

        using var store = OpenStore();
        string path = Path.Combine(_temp.Path, "scan.db");

        // After two photos the file may not grow any more: a real SQLITE_FULL, as on a full disk, part-way through a photo.
        var progress = new OnPhoto(done =>
        {
            if (done == 2)
            {
                store.MaxPageCount = PageCount(path);
            }
        });
        var e = await Assert.ThrowsAsync<StoreUnavailableException>(() => Scan(store, folder, progress));

        Assert.Equal(StoreProblem.Full, e.Problem);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        store.MaxPageCount = null;
        var stored = StoredDetections(path);
        Assert.InRange(stored.Count, 2, SyntheticFlight.PhotoCount - 1);
        foreach (var (photoId, detections) in stored)
        {
            Assert.Equal(perPhoto[photoId], detections);
        }

        var resumed = await Scan(store, folder);

        Assert.Equal(stored.Count, resumed.Totals.PhotosResumed);
        Assert.Equal(SyntheticFlight.PhotoCount, resumed.Totals.PhotosResumed + resumed.Totals.PhotosProcessed);
        Assert.Equal(expected.Hazards.Select(h => h.Id).Order(), resumed.Hazards.Select(h => h.Id).Order());
        Assert.Equal(StoredDetections(Path.Combine(_temp.Path, "reference.db")), StoredDetections(path));
    }

    private static long PageCount(string db)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA page_count;";
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Detections per stored photo, by photo id.</summary>
    private static Dictionary<string, int> StoredDetections(string db)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT p.photo_id, (SELECT COUNT(*) FROM detections d WHERE d.flight_id = p.flight_id AND d.photo_id = p.photo_id) FROM photos p;";
        using var r = cmd.ExecuteReader();
        var counts = new Dictionary<string, int>();
        while (r.Read())
        {
            counts[r.GetString(0)] = r.GetInt32(1);
        }

        return counts;
    }

    private sealed class OnPhoto(Action<int> finished) : IScanProgress
    {
        public void Started(string flightId, int photoCount)
        {
        }

        public void PhotoFinished(ScanPhotoResult result, int done, int total) => finished(done);

        public void Finalising()
        {
        }
    }
}
