using System.Globalization;
using DroneScan.Core.Flights;

namespace DroneScan.Storage.Tests;

/// <summary>Behaviour every <see cref="IFlightStore"/> shares; run once per store (classes at the end).</summary>
public abstract class SchemaAndFlightContract : IDisposable
{
    private readonly StoreHarness db;

    protected SchemaAndFlightContract(StoreHarness db)
    {
        this.db = db;
    }

    public void Dispose()
    {
        db.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Open_IsIdempotent_WhenOpenedTwice()
    {
        var flight = db.Store.UpsertFlight(TestData.Flight());
        var again = db.OpenAnother();

        Assert.Equal(flight, again.GetFlight(flight.Id)!.Flight);
        Assert.Equal(db.MigrationCount, Convert.ToInt32(db.QueryScalar("SELECT COUNT(*) FROM schema_version;"), CultureInfo.InvariantCulture));
        Assert.Equal(db.LatestSchemaVersion, Convert.ToInt32(db.QueryScalar("SELECT MAX(version) FROM schema_version;"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Open_Refuses_WhenTheDatabaseIsFromANewerSchema()
    {
        db.ExecuteSql("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00.0000000Z');");

        var e = Assert.Throws<InvalidOperationException>(db.OpenAnother);
        Assert.Contains("999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PhotoWrites_Refuse_AnUnknownFlight()
    {
        Assert.Throws<KeyNotFoundException>(() => db.Store.SavePhotoResult("fl-nope", TestData.Photo(1, null), []));
        Assert.Throws<KeyNotFoundException>(() => db.Store.MarkPhotoFailed("fl-nope", TestData.Photo(1, null), new("a.jpg", "x", "y")));
        Assert.Throws<KeyNotFoundException>(() => db.Store.StartRun(new RunStart("fl-nope", "rgb", "1", TestData.ModelA, "{}")));
        Assert.Empty(db.Store.GetFlights());
    }

    [Fact]
    public void UpsertFlight_RecordsWhoUploaded_AndAnUpdateWithoutItKeepsIt()
    {
        var def = TestData.Flight() with { UploadedBy = "olga" };
        Assert.Equal("olga", db.Store.UpsertFlight(def).UploadedBy);

        var renamed = db.Store.UpsertFlight(def with { Name = "renamed", UploadedBy = null });

        Assert.Equal("olga", renamed.UploadedBy);
        Assert.Equal("olga", db.Store.GetFlight(def.Id)!.Flight.UploadedBy);
        Assert.Null(db.Store.UpsertFlight(TestData.Flight("cli")).UploadedBy);
    }

    [Fact]
    public void UpsertFlight_StoresTheSettings_AndAnUpdateWithoutThemKeepsThem()
    {
        var settings = new FlightSettings { AglM = 60.5, GroundElevationM = -12, Conf = 0.4, Model = "dronescan-rgb" };
        var def = TestData.Flight() with { Settings = settings };

        Assert.Equal(settings, db.Store.UpsertFlight(def).Settings);
        Assert.Equal(settings, db.Store.UpsertFlight(def with { Settings = null }).Settings);
        Assert.Equal(settings, db.Store.GetFlight(def.Id)!.Flight.Settings);
        Assert.True(db.Store.UpsertFlight(TestData.Flight("cli")).Settings!.IsDefault());
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
        Assert.Throws<KeyNotFoundException>(() => db.Store.FinishRun(run + 1000, totals));
    }
}

public sealed class SqliteSchemaAndFlightTests() : SchemaAndFlightContract(new SqliteHarness());

public sealed class PostgresSchemaAndFlightTests(PostgresServer server) : SchemaAndFlightContract(new PostgresHarness(server)), IClassFixture<PostgresServer>;
