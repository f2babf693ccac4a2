using System.Text.Json;
using DroneScan.Pipeline.Tests;

namespace DroneScan.Cli.Tests;

public sealed class ScanCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private string Db => Path.Combine(_temp.Path, "flights.db");

    private string Flight()
    {
        string folder = Path.Combine(_temp.Path, "flight");
        Directory.CreateDirectory(folder);
        SyntheticFlight.Write(folder);
        return folder;
    }

    private CliRun Scan(string folder, params string[] more) =>
        CliRun.Of(["scan", folder, "--model", Scenes.WhiteBoxModel, "--db", Db, "--agl", "40", "--focal-px", "2000", .. more]);

    [Fact]
    public void Scan_PrintsAPerPhotoLine_AndASummary_AndExitsZero_WithBadPhotosListed()
    {
        string folder = Flight();
        File.WriteAllText(Path.Combine(folder, "broken.jpg"), "not a photo");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "flight log");
        string output = Path.Combine(_temp.Path, "hazards.geojson");

        var run = Scan(folder, "--out", output);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("[1/7] broken.jpg: not a readable image", run.Output, StringComparison.Ordinal);
        Assert.Contains("photo-1.jpg: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("6 used (6 processed, 0 resumed), 0 skipped, 1 failed, of 7", run.Output, StringComparison.Ordinal);
        Assert.Contains($"Hazard points    {SyntheticFlight.Items.Count} candidates", run.Output, StringComparison.Ordinal);
        Assert.Contains("Photos not used:", run.Output, StringComparison.Ordinal);
        Assert.Contains("notes.txt", run.Output, StringComparison.Ordinal);
        Assert.Contains($"Output           {output}", run.Output, StringComparison.Ordinal);
        using var geojson = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal(SyntheticFlight.Items.Count, geojson.RootElement.GetProperty("features").GetArrayLength());
    }

    [Fact]
    public void Scan_ScoresAgainstATruthFile_AndRefusesAMissingOne()
    {
        string folder = Flight();
        string truth = Path.Combine(_temp.Path, "planted.geojson");
        var features = SyntheticFlight.Items.Select(i =>
        {
            var p = SyntheticFlight.ItemPosition(i.Id);
            string lon = p.LongitudeDeg.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            string lat = p.LatitudeDeg.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            return "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + lon + "," + lat + "]},"
                + "\"properties\":{\"id\":\"" + i.Id + "\",\"class\":\"ap_mine\",\"visible_in\":[\"x\"]}}";
        });
        File.WriteAllText(truth, "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", features) + "]}");

        var scored = Scan(folder, "--truth", truth);
        var missing = Scan(folder, "--truth", Path.Combine(_temp.Path, "none.geojson"));

        Assert.True(scored.ExitCode == 0, scored.Error);
        Assert.Contains($"targets found     {SyntheticFlight.Items.Count} of {SyntheticFlight.Items.Count} visible", scored.Output, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("none.geojson: cannot read the truth file", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ScanningAgain_ResumesEveryPhoto_AndKeepsTheFlight()
    {
        string folder = Flight();
        var first = Scan(folder);
        var second = Scan(folder);

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.Contains("6 used (0 processed, 6 resumed)", second.Output, StringComparison.Ordinal);
        Assert.Contains("done in an earlier run, not redone", second.Output, StringComparison.Ordinal);
        string FlightLine(string text) => text.Split('\n').First(l => l.StartsWith("Flight ", StringComparison.Ordinal)).Split(',')[0];
        Assert.Equal(FlightLine(first.Output), FlightLine(second.Output));
    }

    [Fact]
    public void Scan_FailsWithAMessage_WhenThereIsNothingToDo()
    {
        string empty = Path.Combine(_temp.Path, "empty");
        Directory.CreateDirectory(empty);
        string junk = Path.Combine(_temp.Path, "junk");
        Directory.CreateDirectory(junk);
        File.WriteAllText(Path.Combine(junk, "a.jpg"), "not a photo");

        var noPhotos = Scan(empty);
        var noFolder = Scan(Path.Combine(_temp.Path, "missing"));
        var noModel = CliRun.Of("scan", junk, "--model", Path.Combine(_temp.Path, "none.onnx"), "--db", Db);
        var nothingUsable = Scan(junk);

        Assert.Equal(1, noPhotos.ExitCode);
        Assert.Contains("no photos", noPhotos.Error, StringComparison.Ordinal);
        Assert.Equal(1, noFolder.ExitCode);
        Assert.Contains("no such folder", noFolder.Error, StringComparison.Ordinal);
        Assert.Equal(1, noModel.ExitCode);
        Assert.Contains("none.onnx: no such model file", noModel.Error, StringComparison.Ordinal);
        Assert.Equal(1, nothingUsable.ExitCode);
        Assert.Contains("no photo could be used", nothingUsable.Error, StringComparison.Ordinal);
        Assert.Contains("a.jpg: ", nothingUsable.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportLatest_WritesEachLayer_InTheFormatOfTheExtension()
    {
        Assert.Equal(0, Scan(Flight()).ExitCode);
        string geojson = Path.Combine(_temp.Path, "points.geojson");
        string csv = Path.Combine(_temp.Path, "points.csv");
        string areas = Path.Combine(_temp.Path, "areas.kml");

        var points = CliRun.Of("export", "--latest", "--db", Db, "--out", geojson);
        var table = CliRun.Of("export", "--latest", "--db", Db, "--format", "csv", "--out", csv, "--status", "candidate");
        var area = CliRun.Of("export", "--latest", "--db", Db, "--out", areas, "--layer", "areas");

        Assert.Equal((0, 0, 0), (points.ExitCode, table.ExitCode, area.ExitCode));
        using var doc = JsonDocument.Parse(File.ReadAllText(geojson));
        Assert.Equal(SyntheticFlight.Items.Count, doc.RootElement.GetProperty("features").GetArrayLength());
        Assert.Equal(SyntheticFlight.Items.Count + 1, File.ReadAllLines(csv).Length);
        Assert.Contains("<Placemark", File.ReadAllText(areas), StringComparison.Ordinal);
    }

    [Fact]
    public void Export_OfSeveralFlights_OrEveryFlightOfASite_WritesOneFileWithEachFlightsPoints()
    {
        string first = Flight();
        string second = Path.Combine(_temp.Path, "flight-again");
        Directory.CreateDirectory(second);
        foreach (string file in Directory.GetFiles(first))
        {
            // A byte after the image's end: the same pixels under another content id (a CLI flight's hazard ids come
            // from its photos' ids, so two flights of the very same files would share them).
            File.WriteAllBytes(Path.Combine(second, Path.GetFileName(file)), [.. File.ReadAllBytes(file), 0]);
        }

        var scans = new[] { Scan(first), Scan(second) };
        Assert.True(scans.All(r => r.ExitCode == 0), string.Join("\n", scans.Select(r => r.Error + r.Output)));
        List<string> ids;
        using (var store = DroneScan.Storage.Sqlite.SqliteFlightStore.Open(Db, TimeProvider.System))
        {
            ids = [.. store.GetFlights().Select(f => f.Flight.Id).Order(StringComparer.Ordinal)];
            foreach (var f in store.GetFlights())
            {
                store.UpsertFlight(new DroneScan.Core.Flights.FlightDefinition(f.Flight.Id, f.Flight.Name, f.Flight.SourceFolder, Site: "Ridge"));
            }
        }

        string byId = Path.Combine(_temp.Path, "two.geojson");
        string bySite = Path.Combine(_temp.Path, "site.geojson");
        var two = CliRun.Of("export", "--flight", ids[0], "--flight", ids[1], "--db", Db, "--out", byId);
        var site = CliRun.Of("export", "--site", "ridge", "--db", Db, "--out", bySite);
        var noSite = CliRun.Of("export", "--site", "elsewhere", "--db", Db, "--out", bySite);
        var oneUnknown = CliRun.Of("export", "--flight", ids[0], "--flight", "fl-000000000000", "--db", Db, "--out", Path.Combine(_temp.Path, "none.geojson"));

        Assert.True(two.ExitCode == 0, two.Error);
        Assert.True(site.ExitCode == 0, site.Error);
        Assert.Contains($"of 2 flights ({ids[0]}, {ids[1]})", two.Output, StringComparison.Ordinal);
        foreach (string file in new[] { byId, bySite })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var perFlight = doc.RootElement.GetProperty("features").EnumerateArray()
                .GroupBy(f => f.GetProperty("properties").GetProperty("flight_id").GetString()!)
                .ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(ids, perFlight.Keys.Order(StringComparer.Ordinal));
            Assert.All(perFlight.Values, n => Assert.Equal(SyntheticFlight.Items.Count, n));
        }

        Assert.Equal(1, noSite.ExitCode);
        Assert.Contains("--site 'elsewhere': no flight of that site", noSite.Error, StringComparison.Ordinal);
        Assert.Equal(1, oneUnknown.ExitCode);
        Assert.Contains("--flight fl-000000000000: no such flight", oneUnknown.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_temp.Path, "none.geojson")));
    }

    [Fact]
    public void Export_FailsWithAMessage_ForAnUnknownFlightOrDatabase()
    {
        string output = Path.Combine(_temp.Path, "x.geojson");

        var noDb = CliRun.Of("export", "--latest", "--db", Db, "--out", output);
        Assert.Equal(0, Scan(Flight()).ExitCode);
        var noFlight = CliRun.Of("export", "--flight", "fl-000000000000", "--db", Db, "--out", output);
        var both = CliRun.Of("export", "--flight", "fl-000000000000", "--latest", "--db", Db, "--out", output);

        Assert.Equal(1, noDb.ExitCode);
        Assert.Contains("no such database", noDb.Error, StringComparison.Ordinal);
        Assert.Equal(1, noFlight.ExitCode);
        Assert.Contains("fl-000000000000: no such flight", noFlight.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, both.ExitCode);
    }

    [DevFullFact]
    public void ScanAndExport_ToAFullDevice_FailWithAMessageNamingTheFile_AndNoStackTrace()
    {
        var scan = Scan(Flight(), "--out", "/dev/full", "--format", "geojson");
        var export = CliRun.Of("export", "--latest", "--db", Db, "--out", "/dev/full", "--format", "kml");
        var gpkg = CliRun.Of("export", "--latest", "--db", Db, "--out", "/dev/full", "--format", "gpkg");

        foreach (var run in new[] { scan, export, gpkg })
        {
            Assert.True(run.ExitCode == 1, run.Error + run.Output);
            Assert.StartsWith("/dev/full: ", run.Error, StringComparison.Ordinal);
            Assert.Contains("No space left on device", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        }

        Assert.True(File.Exists("/dev/full"));
        Assert.Contains($"Hazard points    {SyntheticFlight.Items.Count} candidates", scan.Output, StringComparison.Ordinal);
    }
}
