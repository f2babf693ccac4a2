using DroneScan.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Tests;

public sealed class SchemaAndFlightTests : IDisposable
{
    private readonly TempStore db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void Open_IsIdempotent_WhenOpenedTwice()
    {
        var flight = db.Store.UpsertFlight(TestData.Flight());
        using var again = SqliteFlightStore.Open(db.DbPath, db.Clock);

        Assert.Equal(flight, again.GetFlight(flight.Id)!.Flight);
        using var c = new SqliteConnection($"Data Source={db.DbPath}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*), MAX(version) FROM schema_version;";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(SqliteSchema.Migrations.Count, r.GetInt32(0));
        Assert.Equal(SqliteSchema.LatestVersion, r.GetInt32(1));
    }

    [Fact]
    public void Open_SetsWalJournalAndForeignKeys()
    {
        using var c = new SqliteConnection($"Data Source={db.DbPath}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", cmd.ExecuteScalar());

        // The store's own connections enforce foreign keys: a photo of an unknown flight is refused.
        Assert.Throws<KeyNotFoundException>(() => db.Store.SavePhotoResult("fl-nope", TestData.Photo(1, null), []));
    }

    [Fact]
    public void Open_Refuses_WhenTheFileIsFromANewerSchema()
    {
        using (var c = new SqliteConnection($"Data Source={db.DbPath};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00.0000000Z');";
            cmd.ExecuteNonQuery();
        }

        var e = Assert.Throws<InvalidOperationException>(() => SqliteFlightStore.Open(db.DbPath, db.Clock));
        Assert.Contains("999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UpsertFlight_KeepsCreationTime_AndUpdatesTheRest()
    {
        var def = TestData.Flight();
        var first = db.Store.UpsertFlight(def);
        db.Clock.Advance(TimeSpan.FromHours(1));
        var second = db.Store.UpsertFlight(def with { Name = "renamed", Site = null, Notes = "windy" });

        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal(db.Clock.Now, second.UpdatedAt);
        Assert.Equal("renamed", second.Name);
        Assert.Equal("Site 7", second.Site);
        Assert.Equal("windy", second.Notes);
        Assert.Single(db.Store.GetFlights());
    }

    [Fact]
    public void Runs_SetFlightStatusAndTotals_AndLatestFlightIsTheLastUpdated()
    {
        var a = db.Store.UpsertFlight(TestData.Flight("a"));
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var b = db.Store.UpsertFlight(TestData.Flight("b"));
        Assert.Equal(b.Id, db.Store.GetLatestFlightId());

        db.Clock.Advance(TimeSpan.FromMinutes(1));
        long run = db.Store.StartRun(new RunStart(a.Id, "rgb", "1.0", TestData.ModelA.ToUpperInvariant(), "{}"));
        Assert.Equal(FlightStatus.Scanning, db.Store.GetFlight(a.Id)!.Flight.Status);
        Assert.Equal(a.Id, db.Store.GetLatestFlightId());
        Assert.Null(db.Store.GetFlightInfo(a.Id));

        db.Clock.Advance(TimeSpan.FromSeconds(90));
        var totals = new RunTotals(10, 7, 1, 1, 1, 4, 0);
        var finished = db.Store.FinishRun(run, totals);
        Assert.Equal(totals, finished.Totals);
        Assert.Equal(90, finished.ElapsedS);
        Assert.Equal(TestData.ModelA, finished.ModelSha256);

        var summary = db.Store.GetFlight(a.Id)!;
        Assert.Equal(FlightStatus.Scanned, summary.Flight.Status);
        Assert.Equal(finished, summary.LatestRun);
        Assert.Equal(new Core.Hazards.FlightInfo(a.Id, "a", "rgb", "1.0", TestData.ModelA, db.Clock.Now), db.Store.GetFlightInfo(a.Id));
        Assert.Equal([a.Id, b.Id], db.Store.GetFlights().Select(f => f.Flight.Id));
        Assert.Null(db.Store.GetFlight("fl-missing"));
    }

    [Fact]
    public void FlightIds_AreStable_ForTheSameFolderWrittenDifferently()
    {
        string folder = Path.Combine(db.Folder, "flight");
        string id = FlightIds.ForFolder(folder);

        Assert.Equal(id, FlightIds.ForFolder(folder + Path.DirectorySeparatorChar));
        Assert.Equal(id, FlightIds.ForFolder(Path.Combine(folder, "sub", "..")));
        Assert.NotEqual(id, FlightIds.ForFolder(folder + "2"));
        Assert.NotEqual(id, FlightIds.ForName(folder));
        Assert.Matches("^fl-[0-9a-f]{12}$", id);
    }
}
