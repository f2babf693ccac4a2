using System.Text.Json;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Hazards;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage.Sqlite;

namespace DroneScan.Pipeline.Tests;

/// <summary>
/// End to end on <c>data-samples/demo-flight</c> (18 photos, 10 targets and 4 hard negatives with known positions)
/// with the shipped RGB model. The sample's positions carry no GPS error, so the scan is told so
/// (<c>--gps-sigma 0.1</c>), and views of one object merge whatever class the model gave each
/// (<c>--merge-classes</c>). The bounds on duplicates and far points are what the model v0.1.0 measured, not goals:
/// they guard against regressions (see the README's "Scan a flight").
/// </summary>
public sealed class DemoFlightScanTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("DroneScan.sln not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public async Task EveryVisibleTarget_HasAHazardPointWithinHalfAMetre_AndReRunningChangesNothing()
    {
        string folder = Path.Combine(RepoRoot, "data-samples", "demo-flight");
        using var model = OnnxDetector.Load(Path.Combine(RepoRoot, "models", "dronescan-rgb.onnx"));
        using var store = SqliteFlightStore.Open(Path.Combine(_temp.Path, "demo.db"), TimeProvider.System);
        var options = new ScanOptions
        {
            Georeference = new() { GpsSigmaM = 0.1 },
            Cluster = new ClusterOptions { CompatibleClassGroups = [model.Info.ClassNames] },
        };
        var runner = new ScanRunner(store, new TiledDetector(model, options.Detection), TimeProvider.System);

        var report = await runner.RunAsync(folder, options);
        var again = await runner.RunAsync(folder, options);

        var truth = ReadTruth(Path.Combine(folder, "truth.geojson"));
        Assert.Equal(18, report.Totals.PhotosProcessed);
        var targets = truth.Where(t => t.Class is not null && t.VisibleIn > 0).ToList();
        Assert.Equal(10, targets.Count);
        int duplicates = 0;
        foreach (var target in targets)
        {
            int near = report.Hazards.Count(h => DistanceM(h.Position, target.Position) <= 0.5);
            Assert.True(near >= 1, $"{target.Id} ({target.Class}) has no hazard point within 0.5 m");
            duplicates += near - 1;
        }

        int far = report.Hazards.Count(h => truth.All(t => DistanceM(h.Position, t.Position) > 2));
        Assert.True(duplicates <= 8, $"{duplicates} extra points on targets (v0.1.0 measured 7: one photo's two boxes of different classes on one object)");
        Assert.True(far <= 6, $"{far} points farther than 2 m from any planted item (v0.1.0 measured 5)");

        Assert.Equal((0, 18), (again.Totals.PhotosProcessed, again.Totals.PhotosResumed));
        Assert.Equal(report.Hazards.Select(h => (h.Id, h.ObservationCount)), again.Hazards.Select(h => (h.Id, h.ObservationCount)));
    }

    private static double DistanceM(GeoPoint a, GeoPoint b) => SyntheticFlight.DistanceM(a, b);

    private static List<(string Id, string? Class, int VisibleIn, GeoPoint Position)> ReadTruth(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("features").EnumerateArray().Select(f =>
        {
            var p = f.GetProperty("properties");
            var c = f.GetProperty("geometry").GetProperty("coordinates");
            return (p.GetProperty("id").GetString()!,
                p.GetProperty("class").ValueKind == JsonValueKind.Null ? null : p.GetProperty("class").GetString(),
                p.GetProperty("visible_in").GetArrayLength(),
                new GeoPoint(c[1].GetDouble(), c[0].GetDouble()));
        }).ToList();
    }
}
